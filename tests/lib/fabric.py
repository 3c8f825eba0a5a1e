"""Mininet fabrics of closbgpd routers: hosts and links only (no switches),
each host its own network namespace, fabric links named like switch ports.
"""
import json
import signal
import subprocess

from mininet.log import setLogLevel
from mininet.net import Mininet

from lib.frr import FrrNode
from lib.netns import CLOSBGPD, CLOSCTL, Node, terminate_all, wait_for, with_api_socket


# The FRR daemons of a fabric node.
FRR_DAEMONS = ("zebra", "bgpd", "bfdd")


class Fabric:
    """Routers joined by point-to-point links; started and stopped as one."""

    def __init__(self, tmp_path):
        setLogLevel("warning")
        self.net = Mininet(topo=None, build=False, controller=None, autoSetMacs=False)
        self.tmp = tmp_path
        self.daemons = {}
        self.frr = {}
        self.ports = {}
        self.closctl_pointed = set()

    def host(self, name):
        """A host without addresses: a server, or a router (see router())."""
        return self.net.addHost(name, ip=None)

    def router(self, name):
        self.ports[name] = 0
        host = self.host(name)
        self.point_closctl(host)
        return host

    def point_closctl(self, host):
        """closctl run on the host finds the host's closbgpd through
        CLOSCTL_SERVER. Set when the host is made, not at each start: one
        shell round trip fewer while a fabric's daemons start on a machine
        the started ones keep busy."""
        if host.name not in self.closctl_pointed:
            host.cmd(f"export CLOSCTL_SERVER=unix:{self.tmp / host.name}.sock")
            self.closctl_pointed.add(host.name)

    def port(self, host):
        """The next free swpN of a router."""
        self.ports[host.name] += 1
        return f"swp{self.ports[host.name]}"

    def link(self, a, b, a_port=None, b_port=None):
        """Joins two hosts; a port not named is the next free swpN.
        Returns the two port names."""
        a_port, b_port = a_port or self.port(a), b_port or self.port(b)
        self.net.addLink(a, b, intfName1=a_port, intfName2=b_port)
        return a_port, b_port

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

    def kernel_route(self, host, prefix):
        """The kernel's route for `prefix` on `host` as (nhid, {device:
        weight}), nhid None without a nexthop object; (None, {}) without a
        route; None while the route and its nexthops change between the two
        reads."""
        family = "-6" if ":" in prefix else "-4"
        routes = self.ip_json(host, family, "route", "show", prefix)
        if not routes:
            return None, {}
        route = routes[0]
        if "nhid" not in route:
            return None, {nh["dev"]: nh.get("weight", 1) for nh in route.get("nexthops", [route])}
        objects = {o["id"]: o for o in self.ip_json(host, "nexthop", "show")}
        try:
            group = objects[route["nhid"]].get("group", [{"id": route["nhid"]}])
            return route["nhid"], {objects[m["id"]]["dev"]: m.get("weight", 1) for m in group}
        except KeyError:
            return None

    @staticmethod
    def node(host):
        """The host as a lib.netns Node, for peers and nftables helpers."""
        return Node(host.name, ["mnexec", "-a", str(host.pid)])

    def run_frr(self, host, config_text, daemon_configs=None, daemons=FRR_DAEMONS):
        """FRR on the host: by default zebra, bgpd and bfdd, FRR's way of
        running a fabric node (or the first of them: the FrrNode starts the
        rest); `daemon_configs` as FrrNode's."""
        self.frr[host.name] = FrrNode(self.node(host), config_text, self.tmp, daemons=daemons,
                                      daemon_configs=daemon_configs)
        return self.frr[host.name]

    def write_config(self, host, config_text):
        """The host's closbgpd config file, with the host's own API socket;
        closctl run on the host finds it through CLOSCTL_SERVER."""
        cfg = self.tmp / f"{host.name}.yaml"
        cfg.write_text(with_api_socket(config_text, self.tmp / f"{host.name}.sock"))
        return cfg

    def run_closbgpd(self, host, config_text):
        cfg = self.write_config(host, config_text)
        self.point_closctl(host)
        log = open(self.tmp / f"{host.name}.log", "a")  # a restart appends
        self.daemons[host.name] = (host.popen([CLOSBGPD, "--config", str(cfg)], stdout=log,
                                              stderr=subprocess.STDOUT), log)

    def kill(self, host, sig=signal.SIGKILL):
        """Signals a host's closbgpd and waits for it to exit."""
        proc, log = self.daemons.pop(host.name)
        proc.send_signal(sig)
        proc.wait(10)
        log.close()

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
        terminate_all([proc for proc, _ in self.daemons.values()] +
                      [proc for frr in self.frr.values() for proc, _ in reversed(frr.procs)])
        for _, log in self.daemons.values():
            log.close()
        for frr in self.frr.values():
            frr.stop()  # its daemons have exited: closes its logs, removes its run directory
        # Every host is its own namespace, and a namespace goes with the last
        # process in it, its links with it in one batch in the kernel.
        # Mininet's own stop would first delete each link from a shell
        # command at each end, one after the other: 25 minutes for a fabric
        # of 500 routers.
        self.net.links = []
        self.net.stop()
