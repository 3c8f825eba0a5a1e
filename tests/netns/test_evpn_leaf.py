"""closbgpd as an EVPN leaf beside an FRR leaf, through an FRR spine
(RFC 7432, RFC 8365).

    host1 -- leaf1 (closbgpd, AS 65101, VTEP 10.0.0.1) --\\
                                                          spine (FRR, AS 65100)
    host2 -- leaf2 (FRR, AS 65102, VTEP 10.0.0.2) ------/
    host3 --/  (the host that moves: host1's MAC at leaf2)

Each leaf has VNI 100 as an operator sets it up with ifupdown2 or `ip
link`: a VXLAN device (`nolearning`) and the hosts' ports in one bridge,
whose own interface (the SVI) has an address in the hosts' subnet.
closbgpd finds the VNI in the kernel (`evpn: {advertise-all-vni: true}`),
advertises it (type 3) and the MACs and addresses its bridge learns
(type 2), and installs what leaf2 advertises: the flood list, remote MACs
and remote neighbours, `extern_learn`. Both leaves use automatic route
targets (AS:VNI, each its own AS): each imports the other's by the VNI
alone. One fabric serves every check.
"""
import contextlib
import subprocess
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, metrics_text, veth, wait_for

pytestmark = pytest.mark.netns

LEAF1 = ("asn: 65101\nrouter-id: 10.0.0.1\n"
         "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
         "networks: [{prefix: 10.0.0.1/32}]\nmetrics: {listen: \"127.0.0.1:9179\"}\n"
         "evpn: {advertise-all-vni: true}\n"
         "neighbors:\n  - {interface: swp1, remote-as: external, bfd: false, evpn: true}\n")

# zebra's own config: given bgpd's `vni 100` it would make VNI 100 an L3 VNI.
ZEBRA = "log stdout debugging\n!\ninterface swp1\n ipv6 nd ra-interval 3\n no ipv6 nd suppress-ra\n!\n"


def with_evpn(conf, interfaces, vni_lines=""):
    evpn = (" address-family l2vpn evpn\n"
            + "".join(f"  neighbor {i} activate\n" for i in interfaces)
            + vni_lines + " exit-address-family\n!\n")
    assert conf.endswith("!\n")
    return conf[:-2] + evpn


def spine_config():
    return with_evpn(unnumbered_config("elspine", 65100, "10.0.0.100", ["swp1", "swp2"]),
                     ["swp1", "swp2"])


def leaf2_config():
    return with_evpn(unnumbered_config("elleaf2", 65102, "10.0.0.2", ["swp1"],
                                       networks=["10.0.0.2/32"]), ["swp1"],
                     "  advertise-all-vni\n")


def vni_100(ns, vtep, svi_address, host_ports):
    """VNI 100 on a leaf: a bridge with the VXLAN device and the hosts' ports;
    the bridge learns nothing on the VXLAN port (EVPN says where remote MACs
    are) and answers ARP for remote hosts from its neighbour table (as
    ifupdown2's `bridge-learning off` and `bridge-arp-nd-suppress on`)."""
    ns.ip("addr", "add", f"{vtep}/32", "dev", "lo")
    ns.ip("link", "add", "br100", "type", "bridge")
    ns.ip("link", "add", "vxlan100", "type", "vxlan", "id", "100", "local", vtep,
          "dstport", "4789", "nolearning")
    for port in ("vxlan100", *host_ports):
        ns.ip("link", "set", port, "master", "br100")
        ns.ip("link", "set", port, "up")
    ns.exec("bridge", "link", "set", "dev", "vxlan100", "learning", "off", "neigh_suppress", "on")
    ns.ip("addr", "add", svi_address, "dev", "br100")
    ns.ip("link", "set", "br100", "up")


def fdb(ns):
    return ns.exec("bridge", "fdb", "show", "dev", "vxlan100").stdout


def fdb_line(ns, mac):
    return next((line for line in fdb(ns).splitlines() if line.startswith(mac) and "dst" in line),
                "")


def neighbours(ns):
    return ns.ip("neigh", "show", "dev", "br100").stdout


def router_at(ns, address, mac):
    """`address` at `mac` in `ns`'s br100 neighbour table, with the router
    flag (an IPv6 router's: the NAs answered for it say so)."""
    return any(line.startswith(f"{address} lladdr {mac}") and "router" in line.split()
               for line in neighbours(ns).splitlines())


def mac_of(ns, dev):
    return ns.ip("-br", "link", "show", dev).stdout.split()[2]


def ping(ns, address):
    return ns.exec("ping", "-c", "1", "-W", "1", address, check=False).returncode == 0


@contextlib.contextmanager
def kernel_events(ns, path):
    """`bridge monitor fdb` and `ip monitor neigh` in `ns` into `path` while
    the block runs (subscribed before it starts); both live to its end."""
    with open(path, "w") as out:
        monitors = [ns.popen(*cmd, stdout=out, stderr=subprocess.STDOUT)
                    for cmd in (("bridge", "monitor", "fdb"), ("ip", "monitor", "neigh"))]
        try:
            time.sleep(0.2)
            yield
            assert all(m.poll() is None for m in monitors), path.read_text()
        finally:
            for m in monitors:
                m.terminate()
                m.wait()


def our_route(leaf, mac):
    """leaf1's own type-2 route for `mac` (MAC only) in its table, or None."""
    routes = leaf.ctl_json("show", "bgp", "evpn", "routes", "type", "2", "rd", "10.0.0.1:100")
    return next((r for r in routes["routes"] if mac in r["route"] and "[32]" not in r["route"]),
                None)


def test_closbgpd_leaf_beside_an_frr_leaf(netns_factory, tmp_path):
    spine_ns = netns_factory("elspine")
    leaf1_ns, leaf2_ns = netns_factory("elleaf1"), netns_factory("elleaf2")
    host1, host2, host3 = (netns_factory("elhost1"), netns_factory("elhost2"),
                           netns_factory("elhost3"))
    spine_ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
    veth(spine_ns, "swp1", leaf1_ns, "swp1")
    veth(spine_ns, "swp2", leaf2_ns, "swp1")
    veth(leaf1_ns, "swp2", host1, "eth0")
    veth(leaf2_ns, "swp2", host2, "eth0")
    veth(leaf2_ns, "swp3", host3, "eth0")
    vni_100(leaf1_ns, "10.0.0.1", "10.1.1.251/24", ["swp2"])
    vni_100(leaf2_ns, "10.0.0.2", "10.1.1.252/24", ["swp2", "swp3"])
    for i, host in enumerate((host1, host2), 1):
        host.ip("addr", "add", f"10.1.1.{i}/24", "dev", "eth0")
    # host3 is where host1 moves to: same MAC and address, port down until then.
    host1_mac = mac_of(host1, "eth0")
    for host in (host1, host3):  # nothing but what the test sends (no IPv6 DAD or MLD)
        host.exec("sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1")
    host3.ip("link", "set", "eth0", "down")
    host3.ip("link", "set", "eth0", "address", host1_mac)
    host3.ip("addr", "add", "10.1.1.1/24", "dev", "eth0")
    leaf2_ns.ip("link", "set", "swp3", "down")

    spine = leaf2 = None
    leaf1 = Daemon(leaf1_ns, LEAF1, tmp_path, "elleaf1")
    try:
        leaf1.wait_api()
        spine = FrrNode(spine_ns, spine_config(), tmp_path)
        leaf2 = FrrNode(leaf2_ns, leaf2_config(), tmp_path, daemon_configs={"zebra": ZEBRA})
        wait_for(lambda: "l2vpn-evpn" in leaf1.ctl_json("show", "bgp", "neighbors", "swp1")
                 .get("capabilities", []), 30, "EVPN negotiated with the spine")

        # Type 3 both ways: each VTEP in the other's flood list.
        wait_for(lambda: "00:00:00:00:00:00 dst 10.0.0.1" in fdb(leaf2_ns), 30,
                 "leaf1's VNI 100 (found in its kernel) in leaf2's flood list")
        wait_for(lambda: "00:00:00:00:00:00 dst 10.0.0.2" in fdb(leaf1_ns), 30,
                 "leaf2's VTEP in leaf1's flood list, installed by closbgpd")

        # One stretched segment; the SVIs resolve their hosts (ARP).
        wait_for(lambda: ping(host1, "10.1.1.2"), 20, "host1 pinging host2 across the VTEPs")
        assert ping(leaf1_ns, "10.1.1.1") and ping(leaf2_ns, "10.1.1.2")

        # Type 2 both ways: host1's MAC and address at leaf2 behind leaf1's
        # VTEP; host2's at leaf1, installed extern_learn, its address in
        # br100's neighbour table for ARP suppression.
        host2_mac = mac_of(host2, "eth0")
        wait_for(lambda: "dst 10.0.0.1" in fdb_line(leaf2_ns, host1_mac), 20,
                 "host1's MAC advertised by closbgpd, at leaf2")
        wait_for(lambda: f"10.1.1.1 lladdr {host1_mac}" in neighbours(leaf2_ns), 20,
                 "host1's address (MAC/IP route) in leaf2's neighbour table")
        wait_for(lambda: "extern_learn" in fdb_line(leaf1_ns, host2_mac)
                 and "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac), 20,
                 "host2's MAC installed by closbgpd behind leaf2's VTEP")
        wait_for(lambda: any(f"10.1.1.2 lladdr {host2_mac}" in line and "extern_learn" in line
                             for line in neighbours(leaf1_ns).splitlines()), 20,
                 "host2's address installed by closbgpd in br100's neighbour table")
        # Someone removes them (the VXLAN device's entry, the address): the
        # removals are not echoes of closbgpd's writes, and it puts both back.
        leaf1_ns.exec("bridge", "fdb", "del", host2_mac, "dev", "vxlan100", "self")
        leaf1_ns.ip("neigh", "del", "10.1.1.2", "dev", "br100")
        wait_for(lambda: "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac), 10,
                 "host2's MAC put back by closbgpd")
        wait_for(lambda: any(f"10.1.1.2 lladdr {host2_mac}" in line and "extern_learn" in line
                             for line in neighbours(leaf1_ns).splitlines()), 10,
                 "host2's address put back by closbgpd")

        # What closbgpd shows of its VNI: VTEP, RD, targets, flood list,
        # MACs and addresses, local and remote.
        vni = leaf1.ctl_json("show", "evpn", "vni")["vnis"]
        assert [(v["vni"], v["vtep"], v["rd"], v["export_rt"], v["import_rt"], v["remote_vteps"])
                for v in vni] == [(100, "10.0.0.1", "10.0.0.1:100", "rt:65101:100", "rt:*:100",
                                   ["10.0.0.2"])], vni
        macs = {m["mac"]: m for m in leaf1.ctl_json("show", "evpn", "mac", "vni", "100")
                ["vnis"][0]["macs"]}
        assert macs[host1_mac].get("local") and macs[host2_mac]["vtep"] == "10.0.0.2", macs
        arp = leaf1.ctl("show", "evpn", "arp-cache", "vni", "100").stdout
        assert any(line.split()[:4] == ["10.1.1.2", host2_mac, "remote", "10.0.0.2"]
                   for line in arp.splitlines()), arp
        assert any(line.split()[:3] == ["10.1.1.1", host1_mac, "local"]
                   for line in arp.splitlines()), arp
        metrics = metrics_text(leaf1_ns)
        for sample in ('closbgp_evpn_local_macs{vni="100"} 1', 'closbgp_evpn_remote_macs{vni="100"} 1',
                       'closbgp_evpn_remote_neighbors{vni="100"} 1',
                       'closbgp_evpn_remote_vteps{vni="100"} 1'):
            assert sample in metrics, metrics

        # The SVI as the segment's default gateway (a reload): br100's MAC
        # and address go out as a MAC/IP route with the Default Gateway
        # community, and leaf2 (FRR) installs them; advertise-svi-ip sends
        # it without the community; off again, it is withdrawn.
        svi_mac = mac_of(leaf1_ns, "br100")
        leaf1_ns.ip("addr", "add", "2001:db8:1::251/64", "dev", "br100", "nodad")

        def svi_at_leaf2():
            return any(line.startswith(f"10.1.1.251 lladdr {svi_mac}") and "extern_learn" in line
                       for line in neighbours(leaf2_ns).splitlines())

        def svi_route():
            routes = leaf1.ctl_json("show", "bgp", "evpn", "routes", "type", "2", "rd",
                                    "10.0.0.1:100")["routes"]
            return next((r for r in routes if "[10.1.1.251]" in r["route"]), None)

        for key in ("advertise-default-gw", "advertise-svi-ip"):
            leaf1.write_config(LEAF1.replace("advertise-all-vni: true}",
                                             f"advertise-all-vni: true, {key}: true}}"))
            assert "evpn SVI advertisement changed" in leaf1.ctl("config", "reload").stdout
            wait_for(svi_at_leaf2, 20, f"leaf1's SVI in leaf2's neighbour table ({key})")
            # Its IPv6 address goes with the ARP/ND community's Router flag.
            wait_for(lambda: router_at(leaf2_ns, "2001:db8:1::251", svi_mac), 20,
                     f"leaf1's SVI IPv6 address at leaf2 as a router's ({key})")
            assert "dst 10.0.0.1" in fdb_line(leaf2_ns, svi_mac)
            ext = svi_route()["paths"][0]["ext_communities"]
            gateway = key == "advertise-default-gw"
            assert ("default-gw" in ext) == gateway, ext
            wait_for(lambda: ("Default Gateway" in leaf2.vtysh(
                "show bgp l2vpn evpn route type macip")) == gateway, 20,
                f"leaf1's SVI route at leaf2 as {key} sends it")
        leaf1.write_config(LEAF1)
        assert "evpn SVI advertisement changed" in leaf1.ctl("config", "reload").stdout
        wait_for(lambda: not svi_at_leaf2(), 20, "leaf1's SVI withdrawn from leaf2")
        assert svi_route() is None
        # FRR's SVI the other way: leaf2 with advertise-default-gw sends its
        # IPv6 address with the Router flag, and closbgpd installs it as a
        # router's (`ip neigh` shows `router`; so does show evpn arp-cache).
        leaf2_ns.ip("addr", "add", "2001:db8:1::252/64", "dev", "br100", "nodad")
        leaf2_svi_mac = mac_of(leaf2_ns, "br100")
        evpn_af = ("configure terminal", "router bgp 65102", "address-family l2vpn evpn")
        leaf2.vtysh(*evpn_af, "advertise-default-gw")
        wait_for(lambda: router_at(leaf1_ns, "2001:db8:1::252", leaf2_svi_mac), 20,
                 "leaf2's SVI IPv6 address installed by closbgpd with the router flag")
        arp = leaf1.ctl("show", "evpn", "arp-cache", "vni", "100").stdout
        assert any(line.split()[0] == "2001:db8:1::252" and line.split()[-1] == "router"
                   for line in arp.splitlines()), arp
        leaf2.vtysh(*evpn_af, "no advertise-default-gw")
        wait_for(lambda: "2001:db8:1::252 " not in neighbours(leaf1_ns), 20,
                 "leaf2's SVI withdrawn from leaf1")

        # The host moves to leaf2 (host3, same MAC) while leaf1's bridge
        # still has it (a quiet host: `arp off`): leaf2 advertises it with
        # the next sequence number; closbgpd withdraws its own route and
        # points the MAC at leaf2, and its bridge follows.
        host1.ip("link", "set", "eth0", "arp", "off")
        leaf2_ns.ip("link", "set", "swp3", "up")
        host3.ip("link", "set", "eth0", "up")
        wait_for(lambda: ping(host3, "10.1.1.2"), 20, "the moved host reaching host2")
        wait_for(lambda: "dst 10.0.0.2" in fdb_line(leaf1_ns, host1_mac), 20,
                 "host1's MAC behind leaf2 at leaf1 after the move")
        wait_for(lambda: our_route(leaf1, host1_mac) is None, 20,
                 "closbgpd's route for the moved MAC withdrawn")
        assert f"{host1_mac} dev swp2" not in leaf1_ns.exec("bridge", "fdb", "show").stdout

        # And back, leaf2 still holding it: closbgpd advertises it with a
        # higher sequence than leaf2's, and leaf2 points it at leaf1 again.
        host3.ip("link", "set", "eth0", "arp", "off")
        host1.ip("link", "set", "eth0", "arp", "on")
        wait_for(lambda: ping(host1, "10.1.1.2"), 20, "host1 back at leaf1")
        wait_for(lambda: our_route(leaf1, host1_mac) is not None, 20,
                 "closbgpd advertising host1's MAC again")
        ext = our_route(leaf1, host1_mac)["paths"][0]["ext_communities"]
        assert any(c.startswith("mm:") and int(c.split(":")[1]) >= 2 for c in ext), ext
        wait_for(lambda: "dst 10.0.0.1" in fdb_line(leaf2_ns, host1_mac), 20,
                 "leaf2 pointing host1's MAC at leaf1 again")

        # A restart without churn: closbgpd stops (SIGTERM) and starts
        # again; the entries it installed stay in the kernel throughout and
        # are adopted: neither deleted nor written again.
        monitor_log = tmp_path / "elleaf1-monitor.txt"
        with kernel_events(leaf1_ns, monitor_log):
            leaf1.stop()
            assert "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac)
            assert "00:00:00:00:00:00 dst 10.0.0.2" in fdb(leaf1_ns)
            leaf1 = Daemon(leaf1_ns, LEAF1, tmp_path, "elleaf1-again")
            leaf1.wait_api()
            wait_for(lambda: our_route(leaf1, host1_mac) is not None, 30,
                     "host1's MAC advertised again after the restart")
            wait_for(lambda: "entries of ours in the kernel that nobody wants go"
                     in leaf1.log_text(), 30, "the restarted daemon's sweep")
            wait_for(lambda: "dst 10.0.0.1" in fdb_line(leaf2_ns, host1_mac), 30,
                     "leaf2 learning host1's MAC again")
        events = monitor_log.read_text()
        assert host2_mac not in events and "10.0.0.2" not in events and "10.1.1.2" not in events, \
            events

        # Host port down: the bridge forgets the MAC, closbgpd withdraws it.
        leaf1_ns.ip("link", "set", "swp2", "down")
        start = time.monotonic()
        wait_for(lambda: "dst 10.0.0.1" not in fdb_line(leaf2_ns, host1_mac), 10,
                 "host1's MAC withdrawn from leaf2 after its port went down")
        assert time.monotonic() - start < 3, "withdrawal took more than 3 s"

        # leaf2 goes away: closbgpd removes its flood entry, MAC and address.
        leaf2.stop()
        wait_for(lambda: "10.0.0.2" not in fdb(leaf1_ns), 20,
                 "leaf2's flood entry and MAC removed from vxlan100")
        wait_for(lambda: "10.1.1.2 " not in neighbours(leaf1_ns).replace("FAILED", ""), 20,
                 "host2's address removed from br100")
    finally:
        for node in (leaf2, spine):
            if node:
                node.stop()
        leaf1.stop()


def test_duplicate_addresses_and_a_mac_that_keeps_moving(netns_factory, tmp_path):
    """Two hosts behind two leaves (closbgpd and FRR, peering directly;
    FRR's own duplicate detection off). First with one IP address and MACs
    of their own, each known to its leaf before the leaves peer: closbgpd
    finds the address claimed with two MACs as soon as FRR's route is in,
    says so with both claims, and that it is over once FRR's claim goes. Then with one MAC
    too: the MAC moves back and forth with every frame; after 3 moves
    (configured: FRR's default is 5) closbgpd freezes it until cleared
    (`freeze: permanent`): no longer advertised by us, shown as a
    duplicate, the warning logged; `closctl clear evpn dup-addr` thaws it."""
    leaf1_ns, leaf2_ns = netns_factory("eldleaf1"), netns_factory("eldleaf2")
    host1, host3 = netns_factory("eldhost1"), netns_factory("eldhost3")
    veth(leaf1_ns, "swp1", leaf2_ns, "swp1")
    veth(leaf1_ns, "swp2", host1, "eth0")
    veth(leaf2_ns, "swp2", host3, "eth0")
    vni_100(leaf1_ns, "10.0.0.1", "10.1.1.251/24", ["swp2"])
    vni_100(leaf2_ns, "10.0.0.2", "10.1.1.252/24", ["swp2"])
    mac, mac3 = mac_of(host1, "eth0"), mac_of(host3, "eth0")
    for host in (host1, host3):
        host.exec("sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1")
        host.ip("addr", "add", "10.1.1.1/24", "dev", "eth0")
    leaf2_conf = with_evpn(unnumbered_config("eldleaf2", 65102, "10.0.0.2", ["swp1"],
                                             networks=["10.0.0.2/32"]), ["swp1"],
                           "  advertise-all-vni\n  no dup-addr-detection\n")
    leaf2 = None
    conf = LEAF1.replace("metrics: {listen: \"127.0.0.1:9179\"}\n", "").replace(
        "evpn: {advertise-all-vni: true}",
        "evpn: {advertise-all-vni: true, "
        "duplicate-detection: {max-moves: 3, time: 60, freeze: permanent}}")
    leaf1 = Daemon(leaf1_ns, conf, tmp_path, "eldleaf1")
    try:
        leaf1.wait_api()
        # 10.1.1.1 at host1 for leaf1, at host3 for leaf2, before they peer.
        assert ping(host1, "10.1.1.251") and ping(host3, "10.1.1.252")
        def local_here():
            vni = leaf1.ctl_json("show", "evpn", "arp-cache", "vni", "100")["vnis"][0]
            return any(n["ip"] == "10.1.1.1" and n.get("local") for n in vni["neighbors"])
        wait_for(local_here, 10, "10.1.1.1 resolved at leaf1")
        leaf2 = FrrNode(leaf2_ns, leaf2_conf, tmp_path, daemon_configs={"zebra": ZEBRA})
        wait_for(lambda: "00:00:00:00:00:00 dst 10.0.0.2" in fdb(leaf1_ns), 30,
                 "the leaves' type 3 exchanged")
        wait_for(lambda: "address 10.1.1.1 is claimed with different MACs" in leaf1.log_text(),
                 20, "the duplicate address found")
        assert (f"({mac} here, {mac3} behind VTEP 10.0.0.2): a duplicate address (two hosts "
                "with one IP); ours is used here") in leaf1.log_text(), leaf1.log_text()
        # Over when FRR's claim goes: FRR gives it up itself within a
        # second or so (it takes our route as the address moving to us), at
        # the latest when leaf2's kernel forgets host3's binding.
        leaf2_ns.ip("neigh", "flush", "to", "10.1.1.1", "dev", "br100")
        wait_for(lambda: "address 10.1.1.1 has one MAC again" in leaf1.log_text(), 20,
                 "the duplicate address over")

        # Now one MAC too: both hosts talk, each frame teaches its leaf the MAC again.
        host3.ip("link", "set", "eth0", "address", mac)
        senders = [h.popen("ping", "-i", "0.2", "-w", "20", "10.1.1.251" if h is host1
                           else "10.1.1.252", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for h in (host1, host3)]
        try:
            def duplicate():
                macs = leaf1.ctl_json("show", "evpn", "mac", "vni", "100")["vnis"][0]["macs"]
                return any(m["mac"] == mac and m.get("duplicate") for m in macs)
            wait_for(duplicate, 20, "the MAC frozen as a duplicate")
        finally:
            for s in senders:
                s.terminate()
                s.wait()
        assert "moved 3 times in 60 s" in leaf1.log_text()
        assert ("a duplicate (two hosts with one MAC, or a loop); frozen until cleared"
                in leaf1.log_text())
        assert our_route(leaf1, mac) is None  # not advertised by us while frozen
        assert "local (dup)" in leaf1.ctl("show", "evpn", "mac", "vni", "100").stdout

        # The operator clears it (FRR's `clear evpn dup-addr`): a MAC that
        # does not parse is refused; another VNI's clearing leaves it.
        bad = leaf1.ctl("clear", "evpn", "dup-addr", "vni", "100", "mac", "zz", check=False)
        assert bad.returncode == 1 and "'zz' is no MAC" in bad.stderr, bad.stderr
        assert "0 duplicate MACs" in leaf1.ctl("clear", "evpn", "dup-addr", "vni", "200").stdout
        assert duplicate()
        out = leaf1.ctl("clear", "evpn", "dup-addr", "vni", "100", "mac", mac).stdout
        assert f"VNI 100, MAC {mac}: 1 duplicate MAC frozen no more" in out, out
        assert not duplicate()
        assert "no longer frozen: cleared by the operator" in leaf1.log_text()
    finally:
        if leaf2:
            leaf2.stop()
        leaf1.stop()


def test_a_leaf_restarting_gracefully_keeps_its_routes_at_the_other(netns_factory, tmp_path):
    """Graceful restart for EVPN (RFC 4724 with RFC 8538's N bit; closbgpd at
    both ends, peering directly): leaf2 stops (SIGTERM: a planned restart)
    and starts again. leaf1 keeps leaf2's EVPN routes, stale, and so what it
    installed for them: leaf2's flood entry, host2's MAC and address never
    leave leaf1's kernel, nor are they written again; leaf2's End-of-RIB
    ends the restart. host2 is an IPv6 router (it forwards, so its NAs say
    so): leaf2 advertises its address with the Router flag and leaf1
    installs it with the kernel's router flag, kept through the restart
    too."""
    leaf1_ns, leaf2_ns = netns_factory("egrleaf1"), netns_factory("egrleaf2")
    host2 = netns_factory("egrhost2")
    veth(leaf1_ns, "swp1", leaf2_ns, "swp1")
    veth(leaf2_ns, "swp2", host2, "eth0")
    vni_100(leaf1_ns, "10.0.0.1", "10.1.1.251/24", [])
    vni_100(leaf2_ns, "10.0.0.2", "10.1.1.252/24", ["swp2"])
    host2.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    host2.ip("addr", "add", "10.1.1.2/24", "dev", "eth0")
    host2.ip("addr", "add", "2001:db8:1::2/64", "dev", "eth0", "nodad")
    leaf2_ns.ip("addr", "add", "2001:db8:1::252/64", "dev", "br100", "nodad")
    host2_mac = mac_of(host2, "eth0")
    conf1 = LEAF1.replace("metrics: {listen: \"127.0.0.1:9179\"}\n", "")
    conf2 = conf1.replace("asn: 65101\nrouter-id: 10.0.0.1", "asn: 65102\nrouter-id: 10.0.0.2") \
        .replace("10.0.0.1/32", "10.0.0.2/32")
    leaf1 = Daemon(leaf1_ns, conf1, tmp_path, "egrleaf1")
    leaf2 = Daemon(leaf2_ns, conf2, tmp_path, "egrleaf2")
    try:
        leaf1.wait_api()
        leaf2.wait_api()
        wait_for(lambda: ping(host2, "10.1.1.252"), 20, "host2 speaking to leaf2's SVI")
        wait_for(lambda: ping(leaf2_ns, "2001:db8:1::2"), 20, "leaf2 resolving host2's IPv6")
        wait_for(lambda: "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac)
                 and "00:00:00:00:00:00 dst 10.0.0.2" in fdb(leaf1_ns)
                 and f"10.1.1.2 lladdr {host2_mac}" in neighbours(leaf1_ns), 30,
                 "leaf2's flood entry, host2's MAC and address at leaf1")
        wait_for(lambda: router_at(leaf1_ns, "2001:db8:1::2", host2_mac), 20,
                 "host2's IPv6 address at leaf1 as a router's (learned so at leaf2)")
        neighbor = leaf1.ctl_json("show", "bgp", "neighbors", "swp1")
        assert "graceful-restart" in neighbor["capabilities"], neighbor
        # leaf2 restarts with forwarding state to keep: leaf1's route and
        # flood entry in its kernel. leaf1 sends them once it is LIVE, which
        # may be after leaf2 (each leaves WARM on its own scan); a leaf2
        # stopped before has kept nothing, so its OPEN says so (F bit 0)
        # and leaf1 rightly drops its routes at once.
        wait_for(lambda: "10.0.0.1 " in leaf2_ns.ip("route", "show", "10.0.0.1").stdout
                 and "00:00:00:00:00:00 dst 10.0.0.1" in fdb(leaf2_ns), 20,
                 "leaf1's route and flood entry in leaf2's kernel")

        monitor_log = tmp_path / "egrleaf1-monitor.txt"
        with kernel_events(leaf1_ns, monitor_log):
            leaf2.stop()
            wait_for(lambda: "graceful restart: keeping its" in leaf1.log_text(), 10,
                     "leaf1 keeping leaf2's routes while it restarts")
            assert "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac)
            leaf2 = Daemon(leaf2_ns, conf2, tmp_path, "egrleaf2-again")
            leaf2.wait_api()
            wait_for(lambda: "graceful restart complete" in leaf1.log_text(), 30,
                     "leaf2 back, every stale route sent again")
        events = monitor_log.read_text()
        assert host2_mac not in events and "10.0.0.2" not in events and "10.1.1.2 " not in events, \
            events
        assert "dst 10.0.0.2" in fdb_line(leaf1_ns, host2_mac)
        assert router_at(leaf1_ns, "2001:db8:1::2", host2_mac)
    finally:
        leaf2.stop()
        leaf1.stop()
