"""closbgpd as an EVPN leaf routing a tenant (symmetric IRB, RFC 9135; IP
prefix routes, RFC 9136) beside an FRR leaf, through an FRR spine.

    host1 -- leaf1 (closbgpd, AS 65101, VTEP 10.0.0.1, VNI 100: 10.1.1.0/24, 2001:db8:1::/64) --\\
                                                                              spine (FRR, AS 65100)
    host2 -- leaf2 (FRR, AS 65102, VTEP 10.0.0.2, VNI 200: 10.2.2.0/24, 2001:db8:2::/64) -------/

The hosts are in different subnets, each bridged on its own leaf only;
they reach each other routed through the tenant's L3 VNI 4001, which both
leaves have as a VXLAN device in a bridge without ports (`br4001`, its MAC
the router MAC). This kernel has no VRF devices, so the tenant is the
main routing table (`vrfs: [{name: default, vni: 4001}]`, FRR's `vrf
default / vni 4001`). Each leaf advertises its subnet as a type-5 route and
its hosts' MAC/IP routes with the L3 VNI as second label; each installs
the other's as routes `via VTEP dev br4001 onlink`, with the other's
router MAC as neighbour and FDB entry (IPv6 routes through the VTEP's
IPv4-mapped address, ::ffff:10.0.0.2). One fabric serves every check.
"""
import re
import subprocess
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, metrics_text, veth, wait_for

pytestmark = pytest.mark.netns

LEAF1 = ("asn: 65101\nrouter-id: 10.0.0.1\n"
         "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
         "networks: [{prefix: 10.0.0.1/32}]\nmetrics: {listen: \"127.0.0.1:9179\"}\n"
         "evpn: {advertise-all-vni: true, vrfs: [{name: default, vni: 4001}]}\n"
         "neighbors:\n  - {interface: swp1, remote-as: external, bfd: false, evpn: true}\n")

ZEBRA = ("log stdout debugging\n!\ninterface swp1\n ipv6 nd ra-interval 3\n no ipv6 nd suppress-ra\n"
         "!\nvrf default\n vni 4001\nexit-vrf\n!\n")

# leaf2's subnet goes out as type 5 only: not into the underlay (IPv4
# unicast), or host1's packets would reach it without the overlay. So does
# 10.0.0.0/16, which holds leaf2's own VTEP: closbgpd must refuse it (the
# tunnel to 10.0.0.2 would lead into itself) and say so.
LEAF2 = """frr defaults datacenter
hostname irleaf2
log stdout debugging
!
interface swp1
 ipv6 nd ra-interval 3
 no ipv6 nd suppress-ra
!
ip prefix-list TENANT seq 5 permit 10.2.2.0/24
ip prefix-list TENANT seq 10 permit 10.0.0.0/16
ipv6 prefix-list TENANT6 seq 5 permit 2001:db8:2::/64
!
route-map TENANT-ONLY permit 10
 match ip address prefix-list TENANT
exit
route-map TENANT-ONLY permit 20
 match ipv6 address prefix-list TENANT6
exit
!
route-map UNDERLAY-OUT deny 10
 match ip address prefix-list TENANT
exit
route-map UNDERLAY-OUT permit 20
exit
!
router bgp 65102
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor swp1 interface remote-as external
 address-family ipv4 unicast
  network 10.0.0.2/32
  network 10.2.2.0/24
  network 10.0.0.0/16
  neighbor swp1 route-map UNDERLAY-OUT out
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:2::/64
 exit-address-family
 address-family l2vpn evpn
  neighbor swp1 activate
  advertise-all-vni
  advertise ipv4 unicast route-map TENANT-ONLY
  advertise ipv6 unicast route-map TENANT-ONLY
 exit-address-family
!
"""


def spine_config():
    conf = unnumbered_config("irspine", 65100, "10.0.0.100", ["swp1", "swp2"])
    assert conf.endswith("!\n")
    return conf[:-2] + (" address-family l2vpn evpn\n  neighbor swp1 activate\n"
                        "  neighbor swp2 activate\n exit-address-family\n!\n")


def bridged(ns, vni, vtep, svi_addresses=(), port=None):
    """A VNI as an operator sets it up with ifupdown2: a bridge with the
    VXLAN device (and a host's port); the bridge's own interface (the SVI)
    routes for the hosts. Without a port or address: the L3 VNI."""
    ns.ip("link", "add", f"br{vni}", "type", "bridge")
    ns.ip("link", "add", f"vxlan{vni}", "type", "vxlan", "id", str(vni), "local", vtep,
          "dstport", "4789", "nolearning")
    for dev in (f"vxlan{vni}", *([port] if port else [])):
        ns.ip("link", "set", dev, "master", f"br{vni}")
        ns.ip("link", "set", dev, "up")
    ns.exec("bridge", "link", "set", "dev", f"vxlan{vni}", "learning", "off",
            "neigh_suppress", "on")
    for address in svi_addresses:
        ns.ip("addr", "add", address, "dev", f"br{vni}", "nodad")
    ns.ip("link", "set", f"br{vni}", "up")


def leaf(ns, vtep, vni, svi_addresses):
    ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
    ns.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    ns.ip("addr", "add", f"{vtep}/32", "dev", "lo")
    bridged(ns, vni, vtep, svi_addresses, "swp2")
    bridged(ns, 4001, vtep)


def host(ns, subnet, gateway_host):
    """A host `subnet`.N (IPv4 10.S.S.N/24, IPv6 2001:db8:S::N/64), its
    gateway the leaf's SVI at .254."""
    for address, gateway in ((f"10.{subnet}.{subnet}.{gateway_host}/24",
                              f"10.{subnet}.{subnet}.254"),
                             (f"2001:db8:{subnet}::{gateway_host}/64", f"2001:db8:{subnet}::254")):
        ns.ip("addr", "add", address, "dev", "eth0", "nodad")
        ns.ip("route", "add", "default", "via", gateway)


def mac_of(ns, dev):
    return ns.ip("-br", "link", "show", dev).stdout.split()[2]


def route(ns, prefix):
    return ns.ip("-6" if ":" in prefix else "-4", "route", "show", prefix).stdout


def ping(ns, address):
    return ns.exec("ping", "-c", "1", "-W", "1", address, check=False).returncode == 0


SVI1 = ["10.1.1.254/24", "2001:db8:1::254/64"]
SVI2 = ["10.2.2.254/24", "2001:db8:2::254/64"]


def test_closbgpd_routes_a_tenant_beside_an_frr_leaf(netns_factory, tmp_path):
    spine_ns = netns_factory("irspine")
    leaf1_ns, leaf2_ns = netns_factory("irleaf1"), netns_factory("irleaf2")
    host1, host2 = netns_factory("irhost1"), netns_factory("irhost2")
    spine_ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
    veth(spine_ns, "swp1", leaf1_ns, "swp1")
    veth(spine_ns, "swp2", leaf2_ns, "swp1")
    veth(leaf1_ns, "swp2", host1, "eth0")
    veth(leaf2_ns, "swp2", host2, "eth0")
    leaf(leaf1_ns, "10.0.0.1", 100, SVI1)
    leaf(leaf2_ns, "10.0.0.2", 200, SVI2)
    host(host1, 1, 1)
    host(host2, 2, 2)
    rmac1, rmac2 = mac_of(leaf1_ns, "br4001"), mac_of(leaf2_ns, "br4001")

    spine = leaf2 = None
    leaf1 = Daemon(leaf1_ns, LEAF1, tmp_path, "irleaf1")
    try:
        leaf1.wait_api()
        spine = FrrNode(spine_ns, spine_config(), tmp_path)
        leaf2 = FrrNode(leaf2_ns, LEAF2, tmp_path, daemon_configs={"zebra": ZEBRA})

        # Type 5 both ways: each leaf's subnet at the other, through the
        # L3 VNI to the other's VTEP; the router MACs resolve the VTEPs.
        wait_for(lambda: "via 10.0.0.1 dev br4001" in route(leaf2_ns, "10.1.1.0/24"), 40,
                 "leaf1's subnet (type 5 from closbgpd) in leaf2's kernel")
        wait_for(lambda: "via 10.0.0.2 dev br4001" in route(leaf1_ns, "10.2.2.0/24"), 40,
                 "leaf2's subnet (type 5 from FRR) installed by closbgpd")
        installed = route(leaf1_ns, "10.2.2.0/24")
        assert "proto bgp" in installed and "metric 21" in installed and "onlink" in installed, \
            installed
        neigh = leaf1_ns.ip("neigh", "show", "10.0.0.2", "dev", "br4001").stdout
        assert f"lladdr {rmac2}" in neigh and "extern_learn" in neigh, neigh
        fdb = leaf1_ns.exec("bridge", "fdb", "show", "dev", "vxlan4001").stdout
        assert any(line.startswith(rmac2) and "dst 10.0.0.2" in line for line in fdb.splitlines()), \
            fdb

        # IPv6 too, through the VTEPs' IPv4-mapped addresses.
        wait_for(lambda: "via ::ffff:10.0.0.1 dev br4001" in route(leaf2_ns, "2001:db8:1::/64"),
                 20, "leaf1's IPv6 subnet (type 5 from closbgpd) in leaf2's kernel")
        wait_for(lambda: "via ::ffff:10.0.0.2 dev br4001" in route(leaf1_ns, "2001:db8:2::/64"),
                 20, "leaf2's IPv6 subnet installed by closbgpd")
        neigh6 = leaf1_ns.ip("neigh", "show", "::ffff:10.0.0.2", "dev", "br4001").stdout
        assert f"lladdr {rmac2}" in neigh6, neigh6

        # Routed across the overlay: host1's subnet to host2's.
        wait_for(lambda: ping(host1, "10.2.2.2"), 20, "host1 pinging host2 through L3 VNI 4001")
        wait_for(lambda: ping(host1, "2001:db8:2::2"), 20, "host1 pinging host2 over IPv6")

        # Type 2 with the L3 VNI: each host's address as a host route at the
        # other leaf.
        wait_for(lambda: "via 10.0.0.1 dev br4001" in route(leaf2_ns, "10.1.1.1"), 20,
                 "host1's MAC/IP route (L3 VNI label) as a host route at leaf2")
        wait_for(lambda: "via 10.0.0.2 dev br4001" in route(leaf1_ns, "10.2.2.2"), 20,
                 "host2's MAC/IP route as a host route installed by closbgpd")
        ours = leaf1.ctl_json("show", "bgp", "evpn", "routes", "type", "2", "rd", "10.0.0.1:100")
        with_ip = [r for r in ours["routes"] if "[10.1.1.1]" in r["route"]]
        assert with_ip, ours
        ext = with_ip[0]["paths"][0]["ext_communities"]
        assert f"rmac:{rmac1}" in ext and "rt:65101:4001" in ext, ext
        assert with_ip[0]["paths"][0]["vnis"] == [100, 4001], with_ip

        # What closbgpd shows of the tenant.
        tenants = leaf1.ctl_json("show", "evpn", "vrf")["tenants"]
        assert [(t["name"], t["l3vni"], t["vtep"], t["router_mac"], t["subnets"])
                for t in tenants] == [("default", 4001, "10.0.0.1", rmac1,
                                       ["10.1.1.0/24", "2001:db8:1::/64"])], tenants
        routes = {r["prefix"]: r["vteps"] for r in tenants[0]["routes"]}
        for prefix in ("10.2.2.0/24", "10.2.2.2/32", "2001:db8:2::/64"):
            assert routes.get(prefix) == ["10.0.0.2"], routes
        assert tenants[0]["router_macs"] == [{"vtep": "10.0.0.2", "mac": rmac2}], tenants
        assert "L3 VNI 4001 (vrf default)" in leaf1.ctl("show", "evpn", "vni").stdout
        assert f'closbgp_evpn_tenant_routes{{l3vni="4001"}} {len(routes)}' in metrics_text(leaf1_ns)

        # A type 5 holding its own VTEP: refused, logged with the neighbour.
        wait_for(lambda: "[5]:[0]:[16]:[10.0.0.0] not installed: its prefix holds its own VTEP "
                 "10.0.0.2" in leaf1.log_text(), 20, "the VTEP-holding prefix refused and logged")
        assert "swp1: EVPN route" in leaf1.log_text()
        assert "br4001" not in route(leaf1_ns, "10.0.0.0/16")
        refused = re.search(r"^closbgp_evpn_refused_routes_total (\d+)$", metrics_text(leaf1_ns), re.M)
        assert refused and int(refused.group(1)) >= 1, metrics_text(leaf1_ns)

        # Someone removes closbgpd's tenant route: it is put back.
        leaf1_ns.ip("route", "del", "10.2.2.0/24", "metric", "21")
        wait_for(lambda: "via 10.0.0.2 dev br4001" in route(leaf1_ns, "10.2.2.0/24"), 10,
                 "the removed tenant route put back")

        # A restart without churn: the tenant's routes and router MAC stay
        # and are adopted, neither deleted nor written again.
        monitor_log = tmp_path / "irleaf1-monitor.txt"
        with open(monitor_log, "w") as out:
            monitor = leaf1_ns.popen("ip", "monitor", "route", "neigh", stdout=out,
                                     stderr=subprocess.STDOUT)
            try:
                time.sleep(0.2)  # subscribed before the restart
                leaf1.stop()
                assert "via 10.0.0.2" in route(leaf1_ns, "10.2.2.0/24")
                leaf1 = Daemon(leaf1_ns, LEAF1, tmp_path, "irleaf1-again")
                leaf1.wait_api()
                wait_for(lambda: "entries of ours in the kernel that nobody wants go"
                         in leaf1.log_text(), 30, "the restarted daemon's sweep")
                wait_for(lambda: "via 10.0.0.1 dev br4001" in route(leaf2_ns, "10.1.1.1"), 30,
                         "host1's host route at leaf2 again")
                assert monitor.poll() is None, monitor_log.read_text()
            finally:
                monitor.terminate()
                monitor.wait()
        events = monitor_log.read_text()
        assert all(a not in events for a in ("10.2.2.", "2001:db8:2:", "10.0.0.2 ")), events
        assert ping(host1, "10.2.2.2")

        # leaf2 goes away: its routes and router MAC go from leaf1.
        leaf2.stop()
        wait_for(lambda: "10.0.0.2" not in route(leaf1_ns, "10.2.2.0/24")
                 and "10.0.0.2" not in route(leaf1_ns, "10.2.2.2"), 20,
                 "leaf2's tenant routes removed from leaf1")
        wait_for(lambda: rmac2 not in leaf1_ns.exec("bridge", "fdb", "show", "dev",
                                                   "vxlan4001").stdout, 20,
                 "leaf2's router MAC removed from vxlan4001")

        # A reload gives the tenant a route target: its type 5 carries it.
        leaf1.write_config(LEAF1.replace("vni: 4001}", "vni: 4001, route-target: 65000:4001}"))
        assert "evpn route targets changed" in leaf1.ctl("config", "reload").stdout
        type5 = leaf1.ctl_json("show", "bgp", "evpn", "routes", "type", "5")["routes"]
        assert [r["paths"][0]["ext_communities"] for r in type5 if "10.1.1.0" in r["route"]] \
            == [["rt:65000:4001", "encap:vxlan", f"rmac:{rmac1}"]], type5
        # And a route-map for its subnets: the IPv4 one no longer goes out as
        # type 5, the IPv6 one does.
        leaf1.write_config("route-maps: {V6-ONLY: [{action: permit, match: {family: ipv6-unicast}}]}\n"
                           + LEAF1.replace("vni: 4001}", "vni: 4001, route-target: 65000:4001, "
                                                         "route-map: V6-ONLY}"))
        assert "evpn tenant route-map changed" in leaf1.ctl("config", "reload").stdout
        type5 = [r["route"] for r in
                 leaf1.ctl_json("show", "bgp", "evpn", "routes", "type", "5")["routes"]]
        assert not any("10.1.1.0" in r for r in type5), type5
        assert any("2001:db8:1::" in r for r in type5), type5
    finally:
        for node in (leaf2, spine):
            if node:
                node.stop()
        leaf1.stop()
