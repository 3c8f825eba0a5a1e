"""Numbered eBGP sessions over IPv4 with BIRD 2 and GoBGP, including a
dynamic neighbour accepted from a listen-range, and removed once it has
been down for its range's expire-after, and add-path (RFC 7911) with a
GoBGP route server that gives two next hops for one prefix."""
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


def test_gobgp_add_path_two_next_hops_for_one_prefix(netns_factory, tmp_path):
    """GoBGP, as a route server would, sends one prefix twice under two
    path ids with two next hops on the link (192.0.2.2 itself and .3, a
    third party): both are kept, form the ECMP set and are installed; a
    withdrawal of one id leaves the other. GoBGP takes ids from us too."""
    leaf_ns, gobgp_ns = router_and_peers(netns_factory, ["192.0.2.2", "192.0.2.3"], "apleaf",
                                         "apgobgp")
    leaf = Daemon(leaf_ns, leaf_config("{address: 192.0.2.2, remote-as: 65003, "
                                       "add-path: {receive: true, send: all}}"), tmp_path, "apleaf")
    gobgp = GobgpNode(gobgp_ns, tmp_path, gobgp_config(65003, "10.0.0.3", [("192.0.2.1", 65101)],
                                                      add_path=True))
    try:
        leaf.wait_api()
        for identifier, hop in ((1, "192.0.2.2"), (2, "192.0.2.3")):
            gobgp.gobgp("global", "rib", "add", "10.9.0.0/24", "identifier", str(identifier),
                        "nexthop", hop, "-a", "ipv4")
        p = wait_for(lambda: (lambda q: q if q and q["state"] == "established" else None)(
            summary_peer(leaf)), 30, "the session with GoBGP")
        assert "add-path-receive" in p["capabilities"] and "add-path-send" in p["capabilities"], p
        received = lambda: [r for r in leaf.ctl_json("show", "bgp", "neighbors", "192.0.2.2",
                                                     "received-routes")
                            if r["prefix"] == "10.9.0.0/24"]
        wait_for(lambda: len(received()) == 2, 15, "both of GoBGP's paths")
        assert sorted(r["next_hop"] for r in received()) == ["192.0.2.2", "192.0.2.3"]
        assert len({r["path_id"] for r in received()}) == 2
        detail = leaf.ctl_json("show", "bgp", "route", "10.9.0.0/24")
        assert [p["multipath"] for p in detail["paths"]] == [True, True], detail
        kernel = lambda: leaf_ns.ip("route", "show", "10.9.0.0/24").stdout
        wait_for(lambda: "192.0.2.2" in kernel() and "192.0.2.3" in kernel(), 10,
                 "both next hops in the kernel")
        wait_for(lambda: "10.0.0.11/32" in gobgp.gobgp("global", "rib", "-a", "ipv4").stdout, 15,
                 "our route in GoBGP, sent with a path id")
        gobgp.gobgp("global", "rib", "del", "10.9.0.0/24", "identifier", "2", "-a", "ipv4")
        wait_for(lambda: [r["next_hop"] for r in received()] == ["192.0.2.2"], 15,
                 "one path left")
        wait_for(lambda: "192.0.2.3" not in kernel(), 10, "the withdrawn next hop out of the kernel")
    finally:
        leaf.stop()
        gobgp.stop()
