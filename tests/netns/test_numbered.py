"""Numbered eBGP sessions over IPv4 with BIRD 2 and GoBGP, including a
dynamic neighbour accepted from a listen-range, and removed once it has
been down for its range's expire-after."""
import pytest

from lib.netns import Daemon, router_and_peers, wait_for
from lib.peers import BirdNode, bird_numbered_config, GobgpNode, gobgp_config

pytestmark = pytest.mark.netns


@pytest.fixture
def link(netns_factory, tmp_path):
    return (*router_and_peers(netns_factory, ["192.0.2.2"], "leaf", "peer"), tmp_path)


def leaf_config(neighbor):
    return ("asn: 65101\nrouter-id: 10.0.0.11\ntimers: {keepalive: 1, hold: 3, connect-retry: 2}\n"
            f"neighbors:\n  - {neighbor}\nnetworks: [10.0.0.11/32]\n")


def summary_peer(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0] if peers else None


def routes(d):
    return {r["prefix"]: r for r in d.ctl_json("show", "bgp", "routes")}


def test_bird_numbered(link):
    leaf_ns, bird_ns, tmp = link
    leaf = Daemon(leaf_ns, leaf_config("{address: 192.0.2.2, remote-as: 65002}"), tmp, "leaf")
    bird = BirdNode(bird_ns, tmp, bird_numbered_config(65002, "10.0.0.2", "192.0.2.2", "192.0.2.1",
                                                       65101, routes=["10.0.0.2/32"]))
    try:
        leaf.wait_api()
        p = wait_for(lambda: (lambda q: q if q and q["state"] == "established" else None)(
            summary_peer(leaf)), 30, "the session with BIRD")
        assert p["remote_as"] == 65002 and p["address"] == "192.0.2.2"
        r = wait_for(lambda: routes(leaf).get("10.0.0.2/32"), 15, "BIRD's route")
        assert r["next_hop"] == "192.0.2.2" and r["as_path"] == [65002]
        # Installed via the neighbour on its link (the session's interface).
        kernel = wait_for(lambda: leaf_ns.ip("-j", "route", "show", "10.0.0.2/32").stdout.strip()
                          not in ("", "[]") and leaf_ns.ip("route", "show", "10.0.0.2/32").stdout,
                          10, "BIRD's route in the kernel")
        assert "via 192.0.2.2 dev swp1 proto bgp" in kernel, kernel
        wait_for(lambda: "10.0.0.11/32" in bird.birdc("show", "route", "10.0.0.11/32"), 15,
                 "our route in BIRD")
        assert "192.0.2.1" in bird.birdc("show", "route", "10.0.0.11/32", "all")
    finally:
        leaf.stop()
        bird.stop()


def test_gobgp_dynamic_neighbour_from_listen_range(link):
    leaf_ns, gobgp_ns, tmp = link
    leaf = Daemon(leaf_ns, leaf_config("{listen-range: 192.0.2.0/24, remote-as: external, "
                                       "expire-after: 2}"), tmp, "leaf")
    gobgp = GobgpNode(gobgp_ns, tmp, gobgp_config(65003, "10.0.0.3", [("192.0.2.1", 65101)]))
    try:
        leaf.wait_api()
        gobgp.gobgp("global", "rib", "add", "10.0.0.3/32", "-a", "ipv4")
        p = wait_for(lambda: (lambda q: q if q and q["state"] == "established" else None)(
            summary_peer(leaf)), 30, "the dynamic session with GoBGP")
        assert p["address"] == "192.0.2.2" and p["remote_as"] == 65003
        wait_for(lambda: "10.0.0.3/32" in routes(leaf), 15, "GoBGP's route")
        wait_for(lambda: "10.0.0.11/32" in gobgp.gobgp("global", "rib", "-a", "ipv4").stdout, 15,
                 "our route in GoBGP")
        assert "dynamic neighbour from listen-range 192.0.2.0/24" in leaf.log_text()
        # GoBGP goes away: down for expire-after (2 s), the neighbour is removed.
        gobgp.stop()
        wait_for(lambda: summary_peer(leaf) is None, 15, "the dynamic neighbour removed")
        assert "dynamic neighbour removed: down for" in leaf.log_text()
        assert "10.0.0.3/32" not in routes(leaf)
    finally:
        leaf.stop()
        gobgp.stop()
