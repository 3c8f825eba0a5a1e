"""BGP unnumbered sessions between real daemons in namespaces: closbgpd with
closbgpd, and closbgpd with FRR, configured by interface name only."""
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, veth, wait_for

pytestmark = pytest.mark.netns


def config(asn, router_id, interfaces=("swp1",), networks=()):
    neighbors = "".join(f"  - interface: {i}\n    remote-as: external\n" for i in interfaces)
    nets = "".join(f"  - {n}\n" for n in networks)
    return (f"asn: {asn}\nrouter-id: {router_id}\ntimers: {{keepalive: 1, hold: 3, connect-retry: 2}}\n"
            f"neighbors:\n{neighbors}networks:\n{nets}")


def peer(daemon, name="swp1"):
    for p in daemon.ctl_json("show", "bgp", "summary")["peers"]:
        if p["interface"] == name:
            return p
    return None


def established(daemon, name="swp1"):
    p = peer(daemon, name)
    return p if p and p["state"] == "established" else None


def routes(daemon):
    return {r["prefix"]: r for r in daemon.ctl_json("show", "bgp", "routes")}


@pytest.fixture
def pair(netns_factory, tmp_path):
    leaf, spine = netns_factory("leaf"), netns_factory("spine")
    veth(leaf, "swp1", spine, "swp1")
    return leaf, spine, tmp_path


def test_two_closbgpd_unnumbered(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", networks=["10.0.0.11/32", "2001:db8::11/128"]),
                  tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1", networks=["10.0.0.1/32", "2001:db8::1/128"]),
                   tmp, "spine")
    try:
        for d in (leaf, spine):
            d.wait_api()
        p = wait_for(lambda: established(leaf), 20, "leaf's session to be Established")
        assert p["remote_as"] == 65000
        assert p["address"].startswith("fe80::")
        assert p["hold_time"] == 3
        assert p["peer_router_id"] == "10.0.0.1"
        wait_for(lambda: established(spine), 10, "spine's session")
        r = wait_for(lambda: routes(leaf).get("10.0.0.1/32"), 10, "spine's IPv4 loopback at leaf")
        assert r["next_hop"].startswith("fe80::")  # IPv4 via IPv6 link-local (RFC 8950)
        assert r["as_path"] == [65000]
        assert r["accepted"]
        wait_for(lambda: "2001:db8::1/128" in routes(leaf), 10, "spine's IPv6 loopback at leaf")
        wait_for(lambda: "10.0.0.11/32" in routes(spine), 10, "leaf's loopback at spine")
        s = peer(leaf)
        assert int(s["prefixes_received"]) == 2 and int(s["prefixes_sent"]) == 2
    finally:
        assert leaf.stop() == 0, leaf.log_text()
        spine.stop()
    # SIGTERM sent Cease / Administrative Shutdown: the spine saw it.
    assert "Administrative Shutdown" in spine.log_text()


def test_closbgpd_with_frr_unnumbered(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", networks=["10.0.0.11/32", "2001:db8::11/128"]),
                  tmp, "leaf")
    frr = FrrNode(spine_ns, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"],
                                              ["10.0.0.1/32", "2001:db8::1/128"]), tmp)
    try:
        leaf.wait_api()
        p = wait_for(lambda: established(leaf), 30, "the session with FRR")
        assert p["remote_as"] == 65000
        assert p["peer_hostname"] == "spine1"
        wait_for(lambda: {"10.0.0.1/32", "2001:db8::1/128"} <= set(routes(leaf)), 15,
                 "FRR's loopbacks at closbgpd")
        # FRR has our loopback via our link-local address.
        out = wait_for(lambda: (lambda o: o if "10.0.0.11/32" in o else None)(
            frr.vtysh("show ip bgp 10.0.0.11/32")), 15, "our loopback in FRR")
        assert "65101" in out
        assert "fe80::" in out
        assert "2001:db8::11/128" in frr.vtysh("show bgp ipv6 unicast")
        # FRR sends our own routes back; they are kept but not accepted (loop).
        back = wait_for(lambda: routes(leaf).get("10.0.0.11/32"), 10, "our route echoed by FRR")
        assert back["accepted"] is False
    finally:
        leaf.stop()
        frr.stop()


def test_link_down_and_up(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", networks=["10.0.0.11/32"]), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1", networks=["10.0.0.1/32"]), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 20, "routes before the flap")
        leaf_ns.ip("link", "set", "swp1", "down")
        down = time.monotonic()
        wait_for(lambda: not established(leaf), 10, "the session down on link down")
        # The kernel's link notification acts in milliseconds; BFD (300 ms x 3)
        # or the once-a-second interface scan would take up to a second.
        elapsed = time.monotonic() - down
        assert elapsed < 0.5, f"the session outlived its link by {elapsed:.2f} s"
        assert "link down" in leaf.log_text()
        wait_for(lambda: "10.0.0.1/32" not in routes(leaf), 10, "the spine's routes gone")
        leaf_ns.ip("link", "set", "swp1", "up")
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 30, "routes back after link up")
    finally:
        leaf.stop()
        spine.stop()


def test_peer_returns_with_a_new_link_local_address(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", networks=["10.0.0.11/32"]), tmp, "leaf")
    spine_cfg = config(65000, "10.0.0.1", networks=["10.0.0.1/32"])
    spine = Daemon(spine_ns, spine_cfg, tmp, "spine")
    try:
        leaf.wait_api()
        first = wait_for(lambda: established(leaf), 20, "first session")["address"]
        # The spine "reboots" with a new MAC, hence a new link-local address.
        spine.stop()
        spine_ns.ip("link", "set", "swp1", "down")
        spine_ns.ip("link", "set", "swp1", "address", "02:00:00:00:00:99")
        spine_ns.ip("link", "set", "swp1", "up")
        spine = Daemon(spine_ns, spine_cfg, tmp, "spine2")
        p = wait_for(lambda: (lambda q: q if q and q["address"] != first else None)(established(leaf)),
                     30, "a session to the new address")
        assert p["address"] == "fe80::ff:fe00:99"
        wait_for(lambda: "10.0.0.1/32" in routes(leaf), 10, "routes over the new session")
    finally:
        leaf.stop()
        spine.stop()
