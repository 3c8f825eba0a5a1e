#!/usr/bin/python3
"""A Clos fabric of closbgpd routers in Mininet (hosts and links only).

Spines over leaves, one server per leaf, every router peering only by
interface name (BGP unnumbered: neighbours found by Router Advertisements,
IPv4 and IPv6 over one eBGP session per link, BFD on every link). Run as
root with Debian's Python, from a checkout where closbgpd is built:

    /usr/bin/python3 examples/clos.py                     # the demo, then tear down
    /usr/bin/python3 examples/clos.py --cli               # leave the fabric up to explore
    /usr/bin/python3 examples/clos.py --spines 4 --leaves 8
    /usr/bin/python3 examples/clos.py --pods 2            # three tiers: pods under super-spines
    /usr/bin/python3 examples/clos.py --frr spine2,leaf4  # chosen nodes run FRR instead
    /usr/bin/python3 examples/clos.py --evpn              # with an EVPN-VXLAN overlay

Numbering, as RFC 7938 and "Cloud Native Data Center Networking" do it:
every leaf its own AS (65100 + n; 4200000000 + n, a private 4-octet AS,
past 434 leaves), the spines of a pod one AS (65000, or 65000 + pod under
super-spines), the super-spines AS 65000. Router i's loopback is
10.0.0.(i+1)/32 for the first 254 (10.0.1.1 onwards after); leaf n's server
sits on 10.1.n.0/24 (10.2.0.0/24 onwards past 255 leaves) and
2001:db8:1:n::/64 (the leaf is .1 / ::1, the server .10 / ::10). Every router accepts only
fabric prefixes (10/8 and 2001:db8::/32) from its neighbours. `--evpn`
adds the overlay of examples/clos_evpn.py: a tenant host per leaf in
stretched segments and a routed tenant.
"""
import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import clos_evpn  # noqa: E402
from lib.fabric import FRR_DAEMONS, Fabric  # noqa: E402
from lib.frr import unnumbered_config  # noqa: E402
from lib.netns import CLOSCTL, drop_all, restore, wait_for  # noqa: E402

# What every router accepts from a neighbour: (prefix, longest length).
FABRIC_PREFIXES = [("10.0.0.0/8", 32), ("2001:db8::/32", 128)]
MAX_PODS = 99
# Leaves past this many take private 4-octet AS numbers (65100 + n <= 65534).
TWO_OCTET_LEAVES = 434


# The kernel's neighbour tables are shared by every namespace, and their
# limits are the host's: past a few hundred emulated routers the default
# 1,024 IPv6 entries overflow ("ndisc_cache: neighbor table overflow!" in
# the kernel log) and Router Advertisements fail to go out (EINVAL), so
# neighbours are never found. A real switch has a kernel of its own.
NEIGH_LIMITS = ("net.ipv6.neigh.default.gc_thresh2", "net.ipv6.neigh.default.gc_thresh3")
NEIGH_ENTRIES_PER_PORT = 8  # the peer, multicast groups, the port's own addresses


def loopback(index):
    """Router `index`'s (from 0) loopback: 10.0.0.1-254, then 10.0.1.1-254, ..."""
    return f"10.0.{index // 254}.{index % 254 + 1}"


def leaf_asn(n):
    return 65100 + n if n <= TWO_OCTET_LEAVES else 4200000000 + n


@dataclass
class Server:
    name: str
    number: int  # the leaf's number n: 10.1.n.0/24, 2001:db8:1:n::/64
    port: str = ""  # the leaf's port facing it

    def v4(self, host):
        """Address `host` (1: the leaf, 10: the server) in its IPv4 subnet."""
        return f"10.{1 + self.number // 256}.{self.number % 256}.{host}"

    def subnets(self):
        return [f"{self.v4(0)}/24", f"2001:db8:1:{self.number:x}::/64"]

    def address(self, family):
        return self.v4(10) if family == 4 else f"2001:db8:1:{self.number:x}::10"

    def gateway(self, family):
        return self.v4(1) if family == 4 else f"2001:db8:1:{self.number:x}::1"


@dataclass
class Router:
    name: str
    role: str  # "super", "spine" or "leaf"
    asn: int
    loopback: str
    pod: int
    daemon: str = "closbgpd"  # or "frr"
    ports: list = field(default_factory=list)  # fabric ports, in link order
    server: Server = None  # leaves only

    def networks(self):
        return [f"{self.loopback}/32"] + (self.server.subnets() if self.server else [])


class Clos:
    """The fabric: planned when made, running between start() and stop()."""

    def __init__(self, workdir, spines=2, leaves=4, pods=0, super_spines=2, frr=(),
                 accept=FABRIC_PREFIXES, server_peers=False, evpn=False, bfd=None):
        """`accept`: (prefix, longest length) pairs every router accepts from
        a neighbour; `server_peers`: each leaf also peers with its server
        (numbered, by the server's address), for servers that announce;
        `evpn`: the EVPN overlay (clos_evpn.Overlay) on top; `bfd`: BFD's
        interval in ms on every link, every router alike (default: each
        daemon's own, 300 ms x 3)."""
        self.accept, self.server_peers, self.bfd = accept, server_peers, bfd
        if min(spines, leaves, super_spines) < 1 or pods < 0:
            raise ValueError("every tier needs at least one router")
        if pods > MAX_PODS:
            raise ValueError(f"at most {MAX_PODS} pods (the spines' AS 65000 + pod stays "
                             "below the leaves' 65101)")
        self.fabric = Fabric(Path(workdir))
        self.routers, self.hosts, self.servers = {}, {}, {}
        self.neigh_limits = {}  # the host's, while raised
        self.overlay = None
        try:
            self._plan(spines, leaves, pods, super_spines, frr)
            if evpn:
                if len(self.servers) > 253:
                    raise ValueError("--evpn: at most 253 leaves (tenant n is 172.16.x.n)")
                self.overlay = clos_evpn.Overlay(self)
        except ValueError:
            self.fabric.stop()  # Mininet made each host's namespace already
            raise

    # -- the plan ---------------------------------------------------------

    def _plan(self, spines, leaves, pods, super_spines, frr):
        if pods == 0:
            self._pod(0, spines, leaves, 65000, uplinks=[])
        else:
            supers = [self._router(f"super{i}", "super", 65000, 0) for i in range(1, super_spines + 1)]
            for pod in range(1, pods + 1):
                self._pod(pod, spines, leaves, 65000 + pod, uplinks=supers)
        for name in frr:
            if name not in self.routers:
                raise ValueError(f"--frr {name}: no such router (have {', '.join(self.routers)})")
            self.routers[name].daemon = "frr"

    def _router(self, name, role, asn, pod):
        r = Router(name, role, asn, loopback(len(self.routers)), pod)
        self.routers[name] = r
        self.hosts[name] = self.fabric.router(name)
        return r

    def _link(self, a, b):
        a_port, b_port = self.fabric.link(self.hosts[a.name], self.hosts[b.name])
        a.ports.append(a_port)
        b.ports.append(b_port)

    def _pod(self, pod, n_spines, n_leaves, spine_asn, uplinks):
        tag = f"p{pod}" if pod else ""
        spines = [self._router(f"{tag}spine{i}", "spine", spine_asn, pod)
                  for i in range(1, n_spines + 1)]
        for spine in spines:
            for up in uplinks:
                self._link(spine, up)
        for i in range(1, n_leaves + 1):
            n = len(self.servers) + 1
            leaf = self._router(f"{tag}leaf{i}", "leaf", leaf_asn(n), pod)
            for spine in spines:
                self._link(leaf, spine)
            server = Server(f"{tag}server{i}", n)
            self.hosts[server.name] = self.fabric.host(server.name)
            _, server.port = self.fabric.link(self.hosts[server.name], self.hosts[leaf.name],
                                              a_port="eth0")
            leaf.server = self.servers[server.name] = server

    def of_role(self, role):
        return [r for r in self.routers.values() if r.role == role]

    def config(self, r, networks=(), extra=""):
        """closbgpd's YAML for a router; `networks` and `extra` YAML add to it."""
        accept = "".join(f"    - {{permit: \"{p}\", le: {le}}}\n" for p, le in self.accept)
        evpn = ", evpn: true" if self.overlay else ""
        neighbors = "".join(f"  - {{interface: {port}, remote-as: external, "
                            f"route-map-in: FROM-FABRIC{evpn}}}\n" for port in r.ports)
        neighbors += "".join(f"  - {{address: {a}, remote-as: external, bfd: false, "
                             f"route-map-in: FROM-FABRIC}}\n" for a in self.server_addresses(r))
        networks = ", ".join(f'"{n}"' for n in [*r.networks(), *networks])
        if self.overlay:
            extra = self.overlay.closbgpd_extra(r) + extra
        if self.bfd:
            extra = f"bfd: {{interval-ms: {self.bfd}, multiplier: 3}}\n" + extra
        return (f"# {r.name}, a {r.role}: generated by examples/clos.py\n"
                f"asn: {r.asn}\nrouter-id: {r.loopback}\n"
                f"prefix-lists:\n  FABRIC:\n{accept}"
                f"route-maps:\n  FROM-FABRIC: [{{action: permit, match: {{prefix-list: FABRIC}}}}]\n"
                f"neighbors:\n{neighbors}networks: [{networks}]\n{extra}")

    def frr_config(self, r):
        """FRR's config for a router, and zebra's own where it needs one."""
        networks = [*r.networks(), *(self.overlay.frr_networks(r) if self.overlay else ())]
        conf = unnumbered_config(r.name, r.asn, r.loopback, r.ports, networks,
                                 bfd=self.bfd or True, accept=self.accept,
                                 numbered=self.server_addresses(r))
        if not self.overlay:
            return conf, {}
        zebra = {"zebra": self.overlay.zebra_config(r)} if r.role == "leaf" else {}
        return self.overlay.frr_config(r, conf), zebra

    def server_addresses(self, r):
        """The servers a router peers with (see server_peers)."""
        return [r.server.address(4)] if self.server_peers and r.server else []

    # -- running it -------------------------------------------------------

    def start(self):
        self.build()
        self.start_daemons()
        self.wait_api()

    def build(self):
        """The emulated network: namespaces, links, addresses, the overlay's
        devices; no daemon yet."""
        self.raise_neighbour_limits()
        self.fabric.start()
        for r in self.routers.values():
            host = self.hosts[r.name]
            host.cmd(f"ip addr add {r.loopback}/32 dev lo")
            if r.server:
                s = r.server
                host.cmd(f"ip addr add {s.gateway(4)}/24 dev {s.port}")
                host.cmd(f"ip -6 addr add {s.gateway(6)}/64 dev {s.port} nodad")
        for s in self.servers.values():
            host = self.hosts[s.name]
            host.cmd(f"ip addr add {s.address(4)}/24 dev eth0")
            host.cmd(f"ip -6 addr add {s.address(6)}/64 dev eth0 nodad")
            host.cmd(f"ip route add default via {s.gateway(4)}")
            host.cmd(f"ip -6 route add default via {s.gateway(6)}")
        if self.overlay:
            self.overlay.set_up_kernel()

    def start_daemons(self):
        """Every router's daemons, all at once as a fabric powering up:
        closbgpd; FRR's zebra everywhere, then (zebra's socket there) its
        bgpd and bfdd."""
        frr = []
        for r in self.routers.values():
            if r.daemon == "frr":
                frr.append(self.fabric.run_frr(self.hosts[r.name], *self.frr_config(r),
                                               daemons=FRR_DAEMONS[:1]))
            else:
                self.fabric.run_closbgpd(self.hosts[r.name], self.config(r))
        for node in frr:
            node.wait_zebra()
        for node in frr:
            for daemon in FRR_DAEMONS[1:]:
                node.start(daemon)

    def wait_api(self):
        for r in self.routers.values():
            if r.daemon == "closbgpd":
                self.fabric.wait_api(self.hosts[r.name])

    def daemon_pids(self, name):
        """The processes of a router's routing daemons."""
        if self.routers[name].daemon == "frr":
            return [proc.pid for proc, _ in self.fabric.frr[name].procs]
        return [self.fabric.daemons[name][0].pid]

    def stop(self):
        self.fabric.stop()
        for key, value in self.neigh_limits.items():
            write_sysctl(key, value)
        self.neigh_limits = {}

    def raise_neighbour_limits(self):
        ports = 2 * len(self.servers) + sum(len(r.ports) for r in self.routers.values())
        need = NEIGH_ENTRIES_PER_PORT * ports
        for key, share in zip(NEIGH_LIMITS, (2, 1)):
            if (now := read_sysctl(key)) < need // share:
                self.neigh_limits[key] = now
                write_sysctl(key, need // share)

    def reconfigure(self, name, networks=(), extra=""):
        """Rewrites a closbgpd router's file (see config()) and reloads it:
        (closctl's exit code, its output)."""
        r = self.routers[name]
        self.fabric.write_config(self.hosts[name], self.config(r, networks, extra))
        return self.fabric.ctl(self.hosts[name], "config", "reload")

    # -- looking at it ----------------------------------------------------

    def sessions(self, name):
        """(Established, configured) fabric sessions of a router."""
        r, host = self.routers[name], self.hosts[name]
        if r.daemon == "frr":
            out = self.fabric.frr[name].vtysh("show bgp ipv4 unicast summary json")
            peers = json.loads(out or "{}").get("peers", {})
            up = sum(p.get("state") == "Established" for i, p in peers.items() if i in r.ports)
        else:
            peers = self.fabric.ctl_json(host, "show", "bgp", "summary")["peers"]
            up = sum(p["state"] == "established" for p in peers
                     if p["interface"] in r.ports)
        return up, len(r.ports)

    def show_summary(self, name):
        if self.routers[name].daemon == "frr":
            return self.fabric.frr[name].vtysh("show bgp summary")
        return self.fabric.ctl(self.hosts[name], "show", "bgp", "summary")[1]

    def kernel_ports(self, name, prefix):
        """The ports of the kernel's route to prefix on a router, sorted."""
        family = "-6" if ":" in prefix else "-4"
        routes = self.fabric.ip_json(self.hosts[name], family, "route", "show", prefix)
        if not routes:
            return []
        hops = routes[0].get("nexthops") or [routes[0]]
        return sorted(h["dev"] for h in hops if "dev" in h)

    def expected_routes(self, leaf):
        """What a leaf should have from the others: (prefix, number of next hops)."""
        return [(p, len(leaf.ports)) for other in self.of_role("leaf") if other is not leaf
                for p in [f"{other.loopback}/32", *other.server.subnets()]]

    def missing(self):
        """Sessions not up and leaf routes not in the kernel with full
        ECMP: empty once the fabric has converged."""
        out = [f"{n}: {up}/{want} sessions" for n in self.routers
               for up, want in [self.sessions(n)] if up != want]
        for leaf in self.of_role("leaf"):
            out += [f"{leaf.name}: {p} via {got or 'nothing'}"
                    for p, hops in self.expected_routes(leaf)
                    for got in [self.kernel_ports(leaf.name, p)] if len(got) != hops]
        return out + (self.overlay.missing() if self.overlay else [])

    def wait_converged(self, timeout=90):
        wait_for(lambda: not self.missing(), timeout, "the fabric to converge")

    def ping(self, src, dst, family=4, count=1):
        """True if every ping from server src to server dst is answered."""
        out = self.hosts[src].cmd(f"ping -{family} -c {count} -i 0.2 -W 1 "
                                  f"{self.servers[dst].address(family)}")
        return f" {count} received" in out, out

    def cut(self, name, port):
        """Silent loss on a router's port: the link stays up, every packet
        in or out is dropped (nftables)."""
        drop_all(self.fabric.node(self.hosts[name]), port)

    def mend(self, name):
        restore(self.fabric.node(self.hosts[name]))


def sysctl_path(key):
    return Path("/proc/sys") / key.replace(".", "/")


def read_sysctl(key):
    return int(sysctl_path(key).read_text())


def write_sysctl(key, value):
    sysctl_path(key).write_text(f"{value}\n")


@contextlib.contextmanager
def running(clos):
    """The fabric started, and stopped (daemons and namespaces gone) however
    the block ends."""
    try:
        clos.start()
        yield clos
    finally:
        clos.stop()


def say(text):
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def show(clos, name, command):
    print(f"{name}$ {command}")
    print(clos.hosts[name].cmd(command).rstrip(), flush=True)


def demo(clos):
    """Converged fabric, a cross-fabric ping, then one silently lossy
    leaf-spine link and its repair."""
    leaves = clos.of_role("leaf")
    a, z = leaves[0], leaves[-1]
    spine = clos.of_role("spine")[0]
    for r in (a, spine):
        say(f"{r.name}: show bgp summary ({r.daemon})")
        print(clos.show_summary(r.name).rstrip())
    subnet4, subnet6 = z.server.subnets()
    say(f"{a.name}: the kernel's ECMP routes to {z.name}'s server subnets, one next hop per spine")
    show(clos, a.name, f"ip route show {subnet4}")
    show(clos, a.name, f"ip -6 route show {subnet6}")
    say(f"{a.server.name} -> {z.server.name} across the fabric, IPv4 and IPv6")
    for family in (4, 6):
        print(clos.ping(a.server.name, z.server.name, family, count=3)[1].rstrip())

    port = a.ports[0]
    say(f"Silent loss on {a.name} {port} (nftables drops everything; the link stays up)")
    started = time.monotonic()
    clos.cut(a.name, port)
    want = len(a.ports) - 1
    wait_for(lambda: len(clos.kernel_ports(a.name, subnet4)) == want, 30, "the ECMP set to shrink")
    print(f"{a.name}: {subnet4} down to {want} next hop(s) after "
          f"{time.monotonic() - started:.2f} s (BFD 300 ms x 3)")
    show(clos, a.name, f"ip route show {subnet4}")
    wait_for(lambda: clos.ping(a.server.name, z.server.name)[0], 30, "pings over the other spines")
    print(clos.ping(a.server.name, z.server.name, count=3)[1].rstrip())

    say(f"Restoring {a.name} {port}")
    clos.mend(a.name)
    clos.wait_converged()
    show(clos, a.name, f"ip route show {subnet4}")
    print(clos.ping(a.server.name, z.server.name, count=3)[1].rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spines", type=int, default=2, help="spines (per pod), default 2")
    parser.add_argument("--leaves", type=int, default=4, help="leaves (per pod), default 4")
    parser.add_argument("--pods", type=int, default=0,
                        help="pods under super-spines (three tiers); 0: two tiers (default)")
    parser.add_argument("--super-spines", type=int, default=2, help="with --pods, default 2")
    parser.add_argument("--frr", default="", help="comma-separated routers that run FRR")
    parser.add_argument("--evpn", action="store_true",
                        help="an EVPN-VXLAN overlay: a tenant host per leaf (examples/clos_evpn.py)")
    parser.add_argument("--cli", action="store_true", help="start the Mininet CLI, not the demo")
    parser.add_argument("--workdir", help="keep configs and logs here (default: a temporary dir)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("needs root (network namespaces)")

    workdir = args.workdir or tempfile.mkdtemp(prefix="clos-")
    os.makedirs(workdir, exist_ok=True)
    # Mininet hosts inherit the environment: `leaf1 closctl ...` works in the CLI.
    os.environ["PATH"] = f"{Path(CLOSCTL).parent}:{os.environ['PATH']}"
    try:
        clos = Clos(workdir, args.spines, args.leaves, args.pods, args.super_spines,
                    [n for n in args.frr.split(",") if n], evpn=args.evpn)
    except ValueError as e:
        parser.error(str(e))
    say(f"Building {len(clos.routers)} routers and {len(clos.servers)} servers "
        f"(configs and logs in {workdir})")
    for r in clos.routers.values():
        print(f"  {r.name:10} {r.role:6} AS {r.asn}  {r.loopback:12} {r.daemon:9}"
              f" ports {' '.join(r.ports)}")
    for t in (clos.overlay.tenants.values() if clos.overlay else ()):
        print(f"  {t.name:10} tenant {t.address:12} VNI {t.vni} on {t.leaf.name} {t.port}")
    try:
        with running(clos):
            say("Waiting for every session and every leaf's ECMP routes in the kernel"
                + (", flood lists and tenant routes" if clos.overlay else ""))
            started = time.monotonic()
            clos.wait_converged()
            print(f"converged {time.monotonic() - started:.1f} s after the daemons started")
            if args.cli:
                from mininet.cli import CLI
                from mininet.log import setLogLevel
                say("Mininet CLI: e.g. `leaf1 closctl show bgp summary`, "
                    "`server1 ping 10.1.2.10`, `leaf1 ip route`"
                    + (", `tenant1 ping 172.16.2.2`" if clos.overlay else "") + "; exit to tear down")
                for r in clos.routers.values():
                    if r.daemon == "frr":
                        print(f"FRR on {r.name}: `{r.name} vtysh --vty_socket /var/run/frr/{r.name}`")
                setLogLevel("output")  # the CLI prints commands' output at this level
                CLI(clos.fabric.net)
            else:
                if clos.overlay:
                    clos_evpn.demo(clos, say, show)
                demo(clos)
    except BaseException:
        print(f"\nFailed; configs and logs are kept in {workdir}", file=sys.stderr)
        raise
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    say("Done: every namespace and daemon is gone")


if __name__ == "__main__":
    main()
