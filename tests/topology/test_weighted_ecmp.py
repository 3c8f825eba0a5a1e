"""Weighted ECMP from the link bandwidth community (RFC 10005), with FRR.

A diamond where each tier mixes the two daemons: leaf1 runs closbgpd and
leaf2 FRR; spine1 runs FRR and spine2 closbgpd. Both spines announce one
anycast service (10.99.0.0/24 and 2001:db8:99::/64), each with a link
bandwidth set by its outbound route-map: spine1's FRR `set extcommunity
bandwidth 300` (Mbps), spine2's `link-bandwidth: 100M`.

- leaf1 (ours) reads FRR's community and its own, and installs each prefix
  on a nexthop group weighted 3 to 1 (300 to 100);
- leaf2 (FRR) reads ours as well as its own kind: its kernel route is
  weighted 75 to 25;
- leaf1, killed and started again, adopts its weighted groups as they are.
"""
import signal

import pytest

from lib.frr import unnumbered_config
from lib.netns import wait_for

pytestmark = pytest.mark.topology

PREFIXES = ["10.99.0.0/24", "2001:db8:99::/64"]
TIMERS = "timers: {keepalive: 1, hold: 3, connect-retry: 2}\n"

LEAF1 = TIMERS + """asn: 65101
router-id: 10.0.0.11
neighbors:
  - {interface: "swp*", remote-as: external}
"""

SPINE2 = TIMERS + """asn: 65000
router-id: 10.0.0.2
route-maps:
  TO-LEAF: [{action: permit, set: {link-bandwidth: 100M}}]
neighbors:
  - {interface: "swp*", remote-as: external, route-map-out: TO-LEAF}
networks: ["10.99.0.0/24", "2001:db8:99::/64"]
"""


def kernel_weights(fabric, host, prefix):
    """{device: weight} of the kernel's route for `prefix`, through its
    nexthop group or its own multipath next hops."""
    route = fabric.kernel_route(host, prefix)
    return route and route[1]


@pytest.fixture
def diamond(fabric):
    (leaf1, leaf2), (spine1, spine2) = fabric.clos(["leaf1", "leaf2"], ["spine1", "spine2"])
    fabric.start()
    fabric.run_closbgpd(leaf1, LEAF1)
    fabric.run_closbgpd(spine2, SPINE2)
    ports = ["swp1", "swp2"]
    fabric.run_frr(leaf2, unnumbered_config("leaf2", 65102, "10.0.0.12", ports))
    fabric.run_frr(spine1, unnumbered_config("spine1", 65000, "10.0.0.1", ports, PREFIXES,
                                             sets_out=["extcommunity bandwidth 300"]))
    fabric.wait_api(leaf1)
    fabric.wait_api(spine2)
    return fabric, leaf1, leaf2


def test_link_bandwidth_weighs_the_kernels_ecmp_both_ways(diamond):
    fabric, leaf1, leaf2 = diamond
    for prefix in PREFIXES:
        wait_for(lambda: kernel_weights(fabric, leaf1, prefix) == {"swp1": 3, "swp2": 1}, 60,
                 f"{prefix} weighted 3 to 1 at leaf1")
        # `show fib` says so too, from the RIB's side and the kernel's.
        [route] = fabric.ctl_json(leaf1, "show", "fib", prefix)
        assert route["state"] == "installed", route
        want = {("swp1", 3), ("swp2", 1)}
        assert {(h["interface"], h["weight"]) for h in route["next_hops"]} == want
        assert {(h["interface"], h["weight"]) for h in route["kernel_next_hops"]} == want
        rc, text = fabric.ctl(leaf1, "show", "fib", prefix)
        assert rc == 0 and "swp1 weight 3" in text and "swp2 weight 1" in text, text
        # Each path shows its community by name.
        paths = fabric.ctl_json(leaf1, "show", "bgp", "routes", prefix)
        assert {(p["peer"], tuple(p["ext_communities"])) for p in paths} == {
            ("swp1", ("lb:65000:300M",)), ("swp2", ("lb:65000:100M",))}
        # FRR reads ours: 100 of 400 Mbps.
        wait_for(lambda: kernel_weights(fabric, leaf2, prefix) == {"swp1": 75, "swp2": 25}, 60,
                 f"{prefix} weighted 75 to 25 at leaf2 (FRR)")

    # A restart adopts the weighted groups: nothing is written again.
    fabric.kill(leaf1, signal.SIGKILL)
    fabric.run_closbgpd(leaf1, LEAF1)
    log = fabric.tmp / "leaf1.log"
    wait_for(lambda: "2 of the previous run's 2 routes left as they were, 0 written, 0 removed"
             in log.read_text(), 60,
             "leaf1 to adopt its weighted routes")
    for prefix in PREFIXES:
        assert kernel_weights(fabric, leaf1, prefix) == {"swp1": 3, "swp2": 1}
