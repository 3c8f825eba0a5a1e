"""BFD on unnumbered links between real daemons: it comes up with closbgpd
and with FRR's bfdd, silent loss takes BFD and BGP down within the detection
time and withdraws the routes, and a peer without BFD keeps its session."""
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, drop_all, restore, veth, wait_for

pytestmark = pytest.mark.netns


def config(asn, router_id, bfd="{interval-ms: 300, multiplier: 3}"):
    return (f"asn: {asn}\nrouter-id: {router_id}\n"
            "timers: {keepalive: 3, hold: 9, connect-retry: 2}\n"
            f"neighbors:\n  - interface: swp1\n    remote-as: external\n    bfd: {bfd}\n"
            f"networks: [{router_id}/32]\n")


def peer(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0] if peers else {}


def routes(d):
    return {r["prefix"] for r in d.ctl_json("show", "bgp", "routes")}


@pytest.fixture
def pair(netns_factory, tmp_path):
    leaf, spine = netns_factory("leaf"), netns_factory("spine")
    veth(leaf, "swp1", spine, "swp1")
    return leaf, spine, tmp_path


def test_silent_loss_takes_bfd_and_bgp_down_within_detection_time(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1"), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: peer(leaf).get("bfd_state") == "up" and "10.0.0.1/32" in routes(leaf), 20,
                 "BFD up and routes learned")
        assert peer(spine).get("bfd_state") == "up"
        drop_all(leaf_ns, "swp1")
        lost = time.monotonic()
        wait_for(lambda: "10.0.0.1/32" not in routes(leaf), 5, "the route withdrawn")
        elapsed = time.monotonic() - lost
        # 300 ms x 3 = 0.9 s detection; the hold time (9 s) would be far slower.
        assert elapsed < 3.0, f"took {elapsed:.2f} s"
        p = peer(leaf)
        assert p["bfd_state"] == "down"
        assert p["state"] != "established"
        assert "BFD down" in p["last_error"]
        assert "BFD down (Control Detection Time Expired)" in leaf.log_text()
        restore(leaf_ns)
        wait_for(lambda: peer(leaf).get("bfd_state") == "up" and "10.0.0.1/32" in routes(leaf), 30,
                 "BFD and the route back after the loss ends")
    finally:
        leaf.stop()
        spine.stop()


def test_peer_without_bfd_keeps_its_session(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1", bfd="false"), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 20, "routes without BFD on the peer")
        time.sleep(4)  # several detection times
        p = peer(leaf)
        assert p["state"] == "established"
        assert p["bfd_state"] == "down"
        assert peer(spine).get("bfd_state", "") == ""
    finally:
        leaf.stop()
        spine.stop()


def test_bfd_with_frr_bfdd(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    frr = FrrNode(spine_ns, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"],
                                              ["10.0.0.1/32"], bfd=True), tmp,
                  daemons=("zebra", "bgpd", "bfdd"))
    try:
        leaf.wait_api()
        wait_for(lambda: peer(leaf).get("bfd_state") == "up", 30, "BFD up with FRR's bfdd")
        wait_for(lambda: "Status: up" in frr.vtysh("show bfd peers"), 10, "FRR sees BFD up")
        drop_all(leaf_ns, "swp1")
        wait_for(lambda: "10.0.0.1/32" not in routes(leaf), 5, "FRR's route withdrawn on loss")
        wait_for(lambda: "Status: down" in frr.vtysh("show bfd peers"), 10, "FRR sees BFD down")
        restore(leaf_ns)
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 40, "the route back")
    finally:
        leaf.stop()
        frr.stop()


def test_packets_below_ttl_255_are_dropped_and_counted(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1"), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: peer(leaf).get("bfd_state") == "up", 20, "BFD up")
        leaf_ll = leaf_ns.ip("-6", "-o", "addr", "show", "dev", "swp1", "scope", "link").stdout.split()[3]
        leaf_ll = leaf_ll.split("/")[0]
        # A well-formed BFD packet (Down, discriminator 1) sent with hop limit 64.
        sender = ("import socket\n"
                  "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                  "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 64)\n"
                  "pkt = bytes([0x20, 0x40, 3, 24]) + (1).to_bytes(4, 'big') + bytes(4)"
                  " + (1000000).to_bytes(4, 'big') * 2 + bytes(4)\n"
                  "idx = socket.if_nametoindex('swp1')\n"
                  f"[s.sendto(pkt, ('{leaf_ll}', 3784, 0, idx)) for _ in range(5)]\n")
        spine_ns.exec("/usr/bin/python3", "-c", sender)
        wait_for(lambda: int(peer(leaf)["bfd_packets_dropped"]) >= 5, 5, "the drops counted")
        assert "TTL 64, not 255" in leaf.log_text()
        assert peer(leaf)["bfd_state"] == "up"  # the real session is untouched
        assert int(peer(leaf)["bfd_packets_received"]) > 0
    finally:
        leaf.stop()
        spine.stop()


def test_strict_mode_holds_bgp_until_bfd_is_up(pair):
    leaf_ns, spine_ns, tmp = pair
    strict = "{interval-ms: 300, multiplier: 3, strict: true}"
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", bfd=strict), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1", bfd="false"), tmp, "spine")
    try:
        leaf.wait_api()
        time.sleep(6)  # the spine runs no BFD: BGP must not come up
        assert peer(leaf)["state"] != "established"
        assert "strict BFD is not Up" in leaf.log_text()
        spine.stop()
        spine = Daemon(spine_ns, config(65000, "10.0.0.1"), tmp, "spine-bfd")
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 30, "BGP once BFD is up")
        assert peer(leaf)["bfd_state"] == "up"
    finally:
        leaf.stop()
        spine.stop()


def test_bfd_on_a_numbered_ipv4_session(netns_factory, tmp_path):
    leaf_ns, spine_ns = netns_factory("leaf"), netns_factory("spine")
    veth(leaf_ns, "swp1", spine_ns, "swp1")
    leaf_ns.ip("addr", "add", "192.0.2.1/24", "dev", "swp1")
    spine_ns.ip("addr", "add", "192.0.2.2/24", "dev", "swp1")

    def numbered(asn, rid, other):
        return (f"asn: {asn}\nrouter-id: {rid}\ntimers: {{keepalive: 3, hold: 9, connect-retry: 2}}\n"
                f"neighbors:\n  - {{address: {other}, remote-as: external, bfd: {{interval-ms: 100}}}}\n"
                f"networks: [{rid}/32]\n")

    leaf = Daemon(leaf_ns, numbered(65101, "10.0.0.11", "192.0.2.2"), tmp_path, "leaf")
    spine = Daemon(spine_ns, numbered(65000, "10.0.0.1", "192.0.2.1"), tmp_path, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: peer(leaf).get("bfd_state") == "up" and "10.0.0.1/32" in routes(leaf), 20,
                 "BFD up over IPv4")
        drop_all(leaf_ns, "swp1")
        wait_for(lambda: "10.0.0.1/32" not in routes(leaf), 3, "withdraw within the detection time")
    finally:
        leaf.stop()
        spine.stop()
