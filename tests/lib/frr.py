"""FRR (zebra, bgpd, optionally bfdd) as a test peer inside a namespace.

Each instance gets its own pathspace under /var/run/frr/NAME so several
run side by side; see DESIGN.md "Testing layout".
"""
import os
import shutil
import subprocess
from pathlib import Path

from lib.netns import terminate, wait_for

FRR = Path("/usr/lib/frr")


class FrrNode:
    def __init__(self, ns, config_text, tmp_path, daemons=("zebra", "bgpd"), extra_args=None,
                 daemon_configs=None):
        """`extra_args`: per daemon, more command-line arguments.
        `daemon_configs`: per daemon, a config of its own instead of
        `config_text` (each daemon reads its file whole: zebra takes a `vni
        N` line under bgpd's `address-family l2vpn evpn` as its own)."""
        self.extra_args = extra_args or {}
        self.daemon_configs = daemon_configs or {}
        self.ns = ns
        self.name = ns.name
        self.rundir = Path("/var/run/frr") / self.name
        self.rundir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.rundir, "frr", "frr")
        # FRR drops to user frr, which cannot read pytest's private temp dirs.
        self.conf = self.rundir / "frr.conf"
        self.conf.write_text(config_text)
        shutil.copy(self.conf, tmp_path / f"{self.name}-frr.conf")  # kept for failures
        os.chmod(self.conf, 0o644)
        self.procs = []
        self.tmp = tmp_path
        for d in daemons:
            self.start(d)
            if d == "zebra":  # the others connect to zebra's socket
                self.wait_zebra()

    def start(self, daemon):
        """Starts one more daemon (again, after a kill)."""
        conf = self.conf
        if daemon in self.daemon_configs:
            conf = self.rundir / f"{daemon}.conf"
            conf.write_text(self.daemon_configs[daemon])
            os.chmod(conf, 0o644)
        args = [str(FRR / daemon), "-N", self.name, "-i", str(self.rundir / f"{daemon}.pid"),
                "-z", str(self.rundir / "zserv.api"), "--vty_socket", str(self.rundir),
                "-f", str(conf), "-u", "frr", "-g", "frr", "--log", "stdout"]
        if daemon == "bfdd":
            args += ["--bfdctl", str(self.rundir / "bfdd.sock")]
        args += self.extra_args.get(daemon, [])
        log = open(self.tmp / f"{self.name}-{daemon}.log", "w")
        self.procs.append((self.ns.popen(*args, stdout=log, stderr=subprocess.STDOUT), log))

    def wait_zebra(self):
        wait_for(lambda: (self.rundir / "zserv.api").exists(), 10, f"zebra in {self.name}")

    def vtysh(self, *commands):
        args = ["vtysh", "--vty_socket", str(self.rundir)]
        for c in commands:
            args += ["-c", c]
        return self.ns.exec(*args, check=False).stdout

    def stop(self):
        for proc, log in reversed(self.procs):
            terminate(proc)
            log.close()
        shutil.rmtree(self.rundir, ignore_errors=True)


def unnumbered_config(hostname, asn, router_id, interfaces, networks=(), bfd=False,
                      ttl_security=False, accept=None, numbered=(), password=None, sets_out=()):
    """An FRR config peering over each interface like a Cumulus fabric.
    `bfd`: True for BFD on every interface neighbour with bfdd's timers, or
    an interval in ms (a profile `fabric`, x 3). `accept`: if given, (prefix, le) pairs; neighbours' routes outside them
    are rejected (route-map FROM-FABRIC in). `numbered`: more neighbours by
    address (eBGP, IPv4 unicast, no BFD). `password`: TCP MD5 on every
    interface neighbour. `sets_out`: `set` clauses of a route-map TO-FABRIC
    applied to every route sent to an interface neighbour."""
    lines = ["frr defaults datacenter", f"hostname {hostname}", "log stdout debugging", "!"]
    for i in interfaces:
        lines += [f"interface {i}", " ipv6 nd ra-interval 3", " no ipv6 nd suppress-ra", "!"]
    if accept is not None:
        lines += _accept_route_map(accept)
    if bfd is not True and bfd:
        # No `exit` here: bgpd, which reads this file too, does not know the
        # bfd node, and an `exit` would leave its config node.
        lines += ["bfd", " profile fabric", f"  transmit-interval {bfd}",
                  f"  receive-interval {bfd}", "!"]
    if sets_out:
        lines += ["route-map TO-FABRIC permit 10", *[f" set {s}" for s in sets_out], "exit", "!"]
    lines += [f"router bgp {asn}", f" bgp router-id {router_id}", " no bgp ebgp-requires-policy",
              " no bgp network import-check"]
    lines += [f" neighbor {a} remote-as external" for a in numbered]
    for i in interfaces:
        lines.append(f" neighbor {i} interface remote-as external")
        if bfd:
            lines.append(f" neighbor {i} bfd" + ("" if bfd is True else " profile fabric"))
        if ttl_security:
            lines.append(f" neighbor {i} ttl-security hops 1")
        if password:
            lines.append(f" neighbor {i} password {password}")
    for afi in ("ipv4", "ipv6"):
        lines.append(f" address-family {afi} unicast")
        for n in networks:
            if (":" in n) == (afi == "ipv6"):
                lines.append(f"  network {n}")
        if afi == "ipv6":
            lines += [f"  neighbor {i} activate" for i in interfaces]
        if sets_out:
            lines += [f"  neighbor {i} route-map TO-FABRIC out" for i in interfaces]
        if accept is not None:
            lines += [f"  neighbor {i} route-map FROM-FABRIC in" for i in interfaces]
            if afi == "ipv4":
                lines += [f"  neighbor {a} route-map FROM-FABRIC in" for a in numbered]
        lines.append(" exit-address-family")
    lines.append("!")
    return "\n".join(lines) + "\n"


def _accept_route_map(accept):
    """Prefix-lists per family and a route-map permitting what they match."""
    lines = []
    for seq, (prefix, le) in enumerate(accept, start=1):
        family = "ipv6" if ":" in prefix else "ip"
        lines.append(f"{family} prefix-list FABRIC-{family} seq {seq * 5} permit {prefix} le {le}")
    for seq, family in ((10, "ip"), (20, "ipv6")):
        lines += [f"route-map FROM-FABRIC permit {seq}",
                  f" match {family} address prefix-list FABRIC-{family}", "exit"]
    return lines + ["!"]
