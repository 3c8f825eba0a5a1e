"""closbgpd as the EVPN spine between two FRR leaves (RFC 7432, RFC 8365).

    host1 -- leaf1 (FRR, AS 65101, VTEP 10.0.0.1) --\\
                                                    spine (closbgpd, AS 65100)
    host2 -- leaf2 (FRR, AS 65102, VTEP 10.0.0.2) --/

Unnumbered eBGP carries IPv4 unicast (the VTEPs' loopbacks) and L2VPN
EVPN on the same sessions. Each leaf has VNI 100 as an operator sets it
up: a VXLAN device (`nolearning`, no bridge learning on its port: EVPN
says where remote MACs are) and the host's port in one bridge. The
spine keeps the leaves' routes and passes them on with the next hop
unchanged: each leaf puts the other VTEP in its flood list (type 3),
learns the other host's MAC (type 2), the hosts ping each other in one
stretched segment, and a leaf that goes away is withdrawn from the other.
A BMP station watches the spine throughout: tshark reads the EVPN routes
in each view (pre-policy as the leaves sent them, post-policy after the
spine's EVPN route-map-in, the Loc-RIB) and their Statistics.
"""
import struct

import pytest

from lib.bmp_capture import BmpCapture
from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, veth, wait_for

pytestmark = pytest.mark.netns

BMP_PORT = 17913
SPINE = ("asn: 65100\nrouter-id: 10.0.0.100\n"
         "timers: {keepalive: 1, hold: 3, connect-retry: 1}\nneighbors:\n"
         "  - {interface: swp1, remote-as: external, bfd: false, evpn: true}\n"
         "  - {interface: swp2, remote-as: external, bfd: false, evpn: true}\n"
         f"bmp:\n  collectors: [{{address: 127.0.0.1, port: {BMP_PORT}, name: station}}]\n"
         "  statistics-interval: 1\n")


FLOODS_FROM_SWP1 = ("route-maps:\n  FLOODS-ONLY:\n"
                    "    - {action: permit, match: {evpn-route-type: multicast}}\n")


# zebra's own config (RAs for the unnumbered session): given the bgpd
# config's `vni 100` it would make VNI 100 an L3 VNI.
ZEBRA = "log stdout debugging\n!\ninterface swp1\n ipv6 nd ra-interval 3\n no ipv6 nd suppress-ra\n!\n"


def leaf_config(name, asn, vtep):
    """An FRR leaf: its VTEP in IPv4 unicast, every local VNI in EVPN with
    one route target for VNI 100 on both leaves (each leaf has its own AS,
    so FRR's automatic AS:VNI would differ)."""
    conf = unnumbered_config(name, asn, vtep, ["swp1"], networks=[f"{vtep}/32"])
    evpn = (" address-family l2vpn evpn\n  neighbor swp1 activate\n  advertise-all-vni\n"
            "  vni 100\n   route-target import 65000:100\n   route-target export 65000:100\n"
            "  exit-vni\n exit-address-family\n!\n")
    assert conf.endswith("!\n")
    return conf[:-2] + evpn


def vni_100(ns, vtep, host_port):
    """VNI 100 on a leaf: a bridge with the VXLAN device and the host's port.
    The VXLAN port does not learn (ifupdown2's `bridge-learning off`): with
    learning on, the bridge would learn the other host's MAC from any frame
    flooded through the tunnel, and a withdrawn MAC/IP route would leave
    that learned entry behind."""
    ns.ip("addr", "add", f"{vtep}/32", "dev", "lo")
    ns.ip("link", "add", "br100", "type", "bridge")
    ns.ip("link", "add", "vxlan100", "type", "vxlan", "id", "100", "local", vtep,
          "dstport", "4789", "nolearning")
    for port in ("vxlan100", host_port):
        ns.ip("link", "set", port, "master", "br100")
        ns.ip("link", "set", port, "up")
    ns.ip("link", "set", "br100", "up")
    ns.exec("bridge", "link", "set", "dev", "vxlan100", "learning", "off")


def fdb(ns):
    return ns.exec("bridge", "fdb", "show", "dev", "vxlan100").stdout


def mac_of(ns, dev):
    return ns.ip("-br", "link", "show", dev).stdout.split()[2]


def test_closbgpd_spine_between_two_frr_evpn_leaves(netns_factory, tmp_path):
    spine_ns = netns_factory("evspine")
    leaf_ns = [netns_factory("evleaf1"), netns_factory("evleaf2")]
    host_ns = [netns_factory("evhost1"), netns_factory("evhost2")]
    spine_ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
    for i in range(2):
        veth(spine_ns, f"swp{i + 1}", leaf_ns[i], "swp1")
        veth(leaf_ns[i], "swp2", host_ns[i], "eth0")
        vni_100(leaf_ns[i], f"10.0.0.{i + 1}", "swp2")
        host_ns[i].ip("addr", "add", f"10.1.1.{i + 1}/24", "dev", "eth0")
    station = BmpCapture(spine_ns, BMP_PORT, tmp_path)
    spine, leaves = None, []
    try:
        spine = Daemon(spine_ns, SPINE, tmp_path, "evspine")
        spine.wait_api()
        for i in range(2):
            leaves.append(FrrNode(leaf_ns[i], leaf_config(f"evleaf{i + 1}", 65101 + i,
                                                          f"10.0.0.{i + 1}"), tmp_path,
                                  daemon_configs={"zebra": ZEBRA}))
        # EVPN negotiated on both sessions.
        for swp in ("swp1", "swp2"):
            wait_for(lambda s=swp: "l2vpn-evpn" in spine.ctl_json("show", "bgp", "neighbors", s)
                     .get("capabilities", []), 30, f"EVPN negotiated on {swp}")
        # Type 3 through the spine: each VTEP in the other's flood list.
        for i in range(2):
            other = f"10.0.0.{2 - i}"
            wait_for(lambda n=leaf_ns[i], o=other: f"00:00:00:00:00:00 dst {o}" in fdb(n), 30,
                     f"VTEP {other} in leaf{i + 1}'s flood list")
        # One stretched segment: the hosts reach each other over the tunnel.
        wait_for(lambda: host_ns[0].exec("ping", "-c", "1", "-W", "1", "10.1.1.2",
                                         check=False).returncode == 0, 20,
                 "host1 pinging host2 across the VTEPs")
        # Type 2 through the spine: host1's MAC at leaf2, behind leaf1's VTEP.
        host1_mac = mac_of(host_ns[0], "eth0")
        wait_for(lambda: any(host1_mac in line and "dst 10.0.0.1" in line
                             for line in fdb(leaf_ns[1]).splitlines()), 20,
                 "host1's MAC learned by leaf2 through EVPN")
        # The spine's table: both VTEPs' type 3, host1's MAC/IP under VNI 100.
        routes = spine.ctl_json("show", "bgp", "evpn", "routes")
        imet = [r for r in routes["routes"] if r["type"] == 3]
        assert sorted(r["paths"][0]["next_hop"] for r in imet) == ["10.0.0.1", "10.0.0.2"], routes
        assert {r["paths"][0]["peer"] for r in imet} == {"swp1", "swp2"}
        assert all("encap:vxlan" in r["paths"][0]["ext_communities"] for r in imet)
        macs = spine.ctl_json("show", "bgp", "evpn", "routes", "type", "2", "vni", "100")
        assert any(host1_mac in r["route"] and r["paths"][0]["best"] for r in macs["routes"]), macs
        assert "Route Distinguisher: 10.0.0.1:2" in spine.ctl("show", "bgp", "evpn", "routes").stdout
        # The BMP station's Statistics Reports (every second) count them:
        # wait for one, as the phases below may each be shorter.
        wait_for(lambda: station.largest_statistic(10, 25, 70) >= 3, 10,
                 "a Statistics Report counting 3 EVPN routes in the Loc-RIB")
        wait_for(lambda: station.largest_statistic(9, 25, 70) >= 2, 10,
                 "a Statistics Report counting 2 EVPN routes in leaf1's Adj-RIB-In")
        # The neighbour's EVPN count: leaf1's routes in the table, what went to it.
        from_leaf1 = [r for r in routes["routes"] if r["paths"][0]["peer"] == "swp1"]
        counts = {f["family"]: f for f in spine.ctl_json("show", "bgp", "neighbors", "swp1")
                  ["families"]}
        assert counts["l2vpn-evpn"]["accepted"] >= len(from_leaf1) > 0, counts
        assert counts["l2vpn-evpn"]["sent"] > 0, counts
        assert "l2vpn-evpn:" in spine.ctl("show", "bgp", "neighbors", "swp1").stdout
        # A reload gives swp1 an EVPN route-map-in that keeps type 3 only:
        # leaf1 is asked for its routes again (ROUTE-REFRESH for L2VPN
        # EVPN), its MAC/IP routes are now denied and leave leaf2; its flood
        # entry stays. Without the route-map they come back the same way.
        spine.write_config(FLOODS_FROM_SWP1 + SPINE.replace(
            "swp1, remote-as: external, bfd: false, evpn: true",
            "swp1, remote-as: external, bfd: false, evpn: {route-map-in: FLOODS-ONLY}"))
        assert "policy re-applied" in spine.ctl("config", "reload").stdout
        wait_for(lambda: host1_mac not in fdb(leaf_ns[1]), 20,
                 "host1's MAC gone from leaf2 (denied by the spine's EVPN route-map-in)")
        assert "00:00:00:00:00:00 dst 10.0.0.1" in fdb(leaf_ns[1])
        spine.write_config(SPINE)
        spine.ctl("config", "reload")
        wait_for(lambda: any(host1_mac in line and "dst 10.0.0.1" in line
                             for line in fdb(leaf_ns[1]).splitlines()), 20,
                 "host1's MAC back at leaf2, behind leaf1's VTEP")
        assert spine.log_text().count("its EVPN route-map-in changed: asking it to send its "
                                      "routes again (ROUTE-REFRESH)") == 2
        # An EVPN max-prefix of 1 for swp1 (leaf1 sends two): warned at once
        # by the reload; with action warn the session stays.
        spine.write_config(SPINE.replace(
            "  - {interface: swp1, remote-as: external, bfd: false, evpn: true}",
            "  - {interface: swp1, remote-as: external, bfd: false, "
            "evpn: {max-prefix: {limit: 1, action: warn}}}"))
        spine.ctl("config", "reload")
        assert ("EVPN routes received, more than evpn max-prefix 1 (action warn: the session "
                "stays)") in spine.log_text(), spine.log_text()
        assert spine.ctl_json("show", "bgp", "neighbors", "swp1")["state"] == "established"
        # A soft reset in: the EVPN table keeps only what it accepted, so
        # leaf1 is asked for its routes again (and a BMP station gets them
        # before policy once more): FRR answers with its EVPN table again.
        host1 = bytes.fromhex(host1_mac.replace(":", ""))
        # First sent, then after each of the two ROUTE-REFRESHes.
        wait_for(lambda: station.route_monitoring(65101, False, host1) >= 3, 10,
                 "host1's MAC/IP route from leaf1 before policy, three times")
        seen = station.route_monitoring(65101, False, host1)
        assert "policy re-applied (in)" in spine.ctl("neighbor", "reset", "swp1", "--soft",
                                                     "in").stdout
        wait_for(lambda: "soft reset in of its EVPN routes: asking it to send its routes again "
                 "(ROUTE-REFRESH)" in spine.log_text(), 5, "the ROUTE-REFRESH logged")
        wait_for(lambda: station.route_monitoring(65101, False, host1) > seen, 10,
                 "host1's MAC/IP route from leaf1 before policy again")
        # allowas-in decides which EVPN routes are loops: a change asks again too.
        spine.write_config(SPINE.replace("swp1, remote-as: external, bfd: false, evpn: true",
                                         "swp1, remote-as: external, bfd: false, evpn: true, "
                                         "allowas-in: 1"))
        spine.ctl("config", "reload")
        wait_for(lambda: "its allowas-in changed (EVPN routes are kept only as accepted): asking "
                 "it to send its routes again (ROUTE-REFRESH)" in spine.log_text(), 5,
                 "the ROUTE-REFRESH for allowas-in logged")
        # MRT RIB dumps (RFC 6396): the EVPN table alone, and everything.
        spine.ctl("dump", "rib", str(tmp_path / "evpn.mrt"), "--table", "l2vpn-evpn")
        spine.ctl("dump", "rib", str(tmp_path / "all.mrt"))
        check_mrt(spine_ns, tmp_path, host1)
        # leaf1 goes away: the spine withdraws its routes from leaf2.
        leaves[0].stop()
        wait_for(lambda: "dst 10.0.0.1" not in fdb(leaf_ns[1]), 20,
                 "leaf1's VTEP and MAC withdrawn from leaf2")
        assert spine.stop() == 0, spine.log_text()
        station.stop()
        check_bmp(station.messages(), host1_mac.lower())
    finally:
        for leaf in leaves:
            leaf.stop()
        if spine:
            spine.stop()
        station.stop()


def mrt_records(path):
    """(type, subtype, body) of each record of an MRT file."""
    data, at, out = path.read_bytes(), 0, []
    while at + 12 <= len(data):
        _, kind, subtype, length = struct.unpack_from("!IHHI", data, at)
        out.append((kind, subtype, data[at + 12:at + 12 + length]))
        at += 12 + length
    assert at == len(data), "a truncated record"
    return out


def check_mrt(ns, tmp, host1):
    """The spine's EVPN routes as TABLE_DUMP_V2 RIB_GENERIC records (AFI 25,
    SAFI 70), after the unicast prefixes; no Debian MRT reader decodes EVPN
    NLRI, so the records are read here, and bgpdump reads the rest."""
    evpn = mrt_records(tmp / "evpn.mrt")
    assert evpn[0][:2] == (13, 1)  # PEER_INDEX_TABLE
    generic = [body for kind, subtype, body in evpn[1:] if (kind, subtype) == (13, 6)]
    assert len(generic) == len(evpn) - 1 >= 4, evpn  # both leaves' type 3 and MACs
    host1_routes = []
    for body in generic:
        afi, safi, route_type, length = struct.unpack_from("!HBBB", body, 4)
        assert (afi, safi) == (25, 70)
        nlri = body[9:9 + length]
        entries = struct.unpack_from("!H", body, 9 + length)[0]
        assert entries >= 1
        if route_type == 2 and host1 in nlri:
            host1_routes.append(body[9 + length + 2:])
    # Its entry has leaf1's VTEP as next hop (an MP_REACH_NLRI holding only
    # the next hop: length 5, an address of 4 octets, 10.0.0.1).
    assert host1_routes and all(b"\x0e\x05\x04\x0a\x00\x00\x01" in e for e in host1_routes)
    # The whole dump: the unicast prefixes, then the same EVPN routes.
    def routes(records):
        return [body[4:9 + body[8]] for kind, subtype, body in records if subtype == 6]
    everything = mrt_records(tmp / "all.mrt")
    assert routes(everything) == routes(evpn)
    assert {r[1] for r in everything[1:len(everything) - len(generic)]} <= {2, 4}
    lines = ns.exec("bgpdump", "-m", str(tmp / "all.mrt")).stdout.splitlines()
    assert {line.split("|")[5] for line in lines} == {"10.0.0.1/32", "10.0.0.2/32"}, lines


def check_bmp(messages, host1_mac):
    """What the spine's BMP station read of leaf1 (AS 65101) and the Loc-RIB."""
    assert not [m for m in messages if m.malformed and m.type != 3], \
        "malformed BMP (beyond old Wiresharks' reading of Peer Up TLVs)"
    def events(**header):
        """host1's MAC announced (+) and withdrawn (-) in a view, in order."""
        out = []
        for m in messages:
            if m.type == 0 and all(getattr(m, k) == v for k, v in header.items()):
                out += ["+"] * m.announced_macs.count(host1_mac)
                out += ["-"] * m.withdrawn_macs.count(host1_mac)
        return "".join(out)
    leaf1 = {"peer_type": 0, "peer_asn": 65101}
    # Pre-policy: what leaf1 sent, each time it sent it (each ROUTE-REFRESH
    # sends it again); never withdrawn by the spine's policy.
    assert events(post_policy=False, **leaf1).count("+") >= 4, events(post_policy=False, **leaf1)
    assert "-" not in events(post_policy=False, **leaf1)
    # Post-policy: gone while the route-map-in denied MAC/IP routes, back after.
    assert "+-+" in events(post_policy=True, **leaf1), events(post_policy=True, **leaf1)
    # The Loc-RIB: the same, and withdrawn when leaf1 went away.
    loc = events(peer_type=3)
    assert loc.startswith("+-+") and loc.endswith("-"), loc
    # Type 3 routes too, in the Loc-RIB; its first dump ends with EVPN's
    # End-of-RIB (AFI 25, SAFI 70).
    assert any(3 in m.announced_types for m in messages if m.peer_type == 3)
    assert any("25/70" in m.end_of_rib for m in messages if m.peer_type == 3)
    # Statistics Reports count EVPN routes per AFI/SAFI.
    stats = [s for m in messages if m.type == 1 for s in m.stats]
    assert any(s[0] == "adj-rib-in" and s[1] == "25/70" and s[2] >= 2 for s in stats), stats
    assert any(s[0] == "loc-rib" and s[1] == "25/70" and s[2] >= 3 for s in stats), stats
