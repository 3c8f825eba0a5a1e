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
        assert p["state"] != "SESSION_STATE_ESTABLISHED"
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
        assert p["state"] == "SESSION_STATE_ESTABLISHED"
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
