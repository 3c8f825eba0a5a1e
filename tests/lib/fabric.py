"""Mininet fabrics of closbgpd routers: hosts and links only (no switches),
each host its own network namespace, fabric links named like switch ports.
"""
import contextlib
import json
import subprocess

from mininet.log import setLogLevel
from mininet.net import Mininet

from lib.netns import CLOSBGPD, CLOSCTL, wait_for


class Fabric:
    """Routers joined by point-to-point links; started and stopped as one."""

    def __init__(self, tmp_path):
        setLogLevel("warning")
        self.net = Mininet(topo=None, build=False, controller=None, autoSetMacs=False)
        self.tmp = tmp_path
        self.daemons = {}
        self.ports = {}

    def router(self, name):
        self.ports[name] = 0
        return self.net.addHost(name, ip=None)

    def link(self, a, b):
        """Joins the next free swpN on each end."""
        self.ports[a.name] += 1
        self.ports[b.name] += 1
        return self.net.addLink(a, b, intfName1=f"swp{self.ports[a.name]}",
                                intfName2=f"swp{self.ports[b.name]}")

    def clos(self, leaves, spines):
        """Leaves and spines, every leaf linked to every spine in order:
        leaf swpN goes to spine N, spine swpN to leaf N."""
        leaf_hosts = [self.router(name) for name in leaves]
        spine_hosts = [self.router(name) for name in spines]
        for leaf in leaf_hosts:
            for spine in spine_hosts:
                self.link(leaf, spine)
        return leaf_hosts, spine_hosts

    def start(self):
        self.net.build()
        for h in self.net.hosts:
            h.cmd("ip link set lo up")
            # Routers forward; Mininet hosts do not by default.
            h.cmd("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1")

    def loopback(self, host, address):
        host.cmd(f"ip addr add {address}/32 dev lo")

    def ip_json(self, host, *args):
        out = host.cmd("ip", "-j", *args)
        return json.loads(out) if out.strip() else []

    def run_closbgpd(self, host, config_text):
        cfg = self.tmp / f"{host.name}.yaml"
        cfg.write_text(config_text)
        log = open(self.tmp / f"{host.name}.log", "w")
        self.daemons[host.name] = (host.popen([CLOSBGPD, "--config", str(cfg)], stdout=log,
                                              stderr=subprocess.STDOUT), log)

    def ctl(self, host, *args):
        """Runs closctl on the host; returns (exit code, output)."""
        out = host.cmd(CLOSCTL, *args, "; echo rc=$?")
        body, _, rc = out.rpartition("rc=")
        return int(rc.strip()), body

    def ctl_json(self, host, *args):
        rc, body = self.ctl(host, "--json", *args)
        assert rc == 0, body
        return json.loads(body)

    def wait_api(self, host, timeout=15):
        wait_for(lambda: self.ctl(host, "version")[0] == 0, timeout, f"API on {host.name}")

    def stop(self):
        for proc, log in self.daemons.values():
            with contextlib.suppress(Exception):
                proc.terminate()
                proc.wait(5)
            if proc.poll() is None:
                proc.kill()
            log.close()
        self.net.stop()
