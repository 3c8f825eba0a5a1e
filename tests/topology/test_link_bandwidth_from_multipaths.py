"""A link bandwidth worked out from the ECMP set (FRR's `set extcommunity
bandwidth cumulative | num-multipaths`), sent by a closbgpd spine to FRR.

    leaf1 (ours, 200M) \\
    leaf2 (FRR, 100M)  -- spine1 (ours) -- leaf3 (FRR)

leaf1 and leaf2 both announce two anycast prefixes with their link
bandwidth; spine1 has both paths of each in its ECMP set and sends leaf3
10.98.0.0/24 with their sum (`cumulative`: 300 Mbps) and 10.97.0.0/24
with 1 Mbps per path (`num-multipaths`: 2 Mbps), as a leaf with several
servers behind it tells the spines how many it has. leaf2's uplink goes:
the set shrinks and leaf3 is sent 200 Mbps and 1 Mbps, though spine1's
best path did not change.
"""
import json

import pytest

from lib.frr import unnumbered_config
from lib.netns import wait_for

pytestmark = pytest.mark.topology

ANYCAST = ["10.98.0.0/24", "10.97.0.0/24"]
TIMERS = "timers: {keepalive: 1, hold: 3, connect-retry: 2}\n"

LEAF1 = TIMERS + """asn: 65101
router-id: 10.0.0.11
route-maps:
  TO-SPINE: [{action: permit, set: {link-bandwidth: 200M}}]
neighbors:
  - {interface: "swp*", remote-as: external, route-map-out: TO-SPINE}
networks: ["10.98.0.0/24", "10.97.0.0/24"]
"""

SPINE1 = TIMERS + """asn: 65000
router-id: 10.0.0.1
prefix-lists:
  SUMMED: [{permit: 10.98.0.0/24}]
route-maps:
  TO-LEAF:
    - {action: permit, match: {prefix-list: SUMMED}, set: {link-bandwidth: cumulative}}
    - {action: permit, set: {link-bandwidth: num-multipaths}}
neighbors:
  - {interface: "swp*", remote-as: external, route-map-out: TO-LEAF}
"""


def frr_bandwidth(frr, prefix):
    """The link bandwidth, in bytes per second, of FRR's path to `prefix`."""
    out = json.loads(frr.vtysh(f"show bgp ipv4 unicast {prefix} json") or "{}")
    for path in out.get("paths", []):
        for word in path.get("extendedCommunity", {}).get("string", "").split():
            if word.startswith("LB:65000:"):
                return int(word.split(":")[2])
    return None


@pytest.fixture
def spine_with_two_leaves(fabric):
    (leaf1, leaf2, leaf3), (spine1,) = fabric.clos(["leaf1", "leaf2", "leaf3"], ["spine1"])
    fabric.start()
    fabric.run_closbgpd(leaf1, LEAF1)
    fabric.run_closbgpd(spine1, SPINE1)
    fabric.run_frr(leaf2, unnumbered_config("leaf2", 65102, "10.0.0.12", ["swp1"], ANYCAST,
                                            sets_out=["extcommunity bandwidth 100"]))
    leaf3 = fabric.run_frr(leaf3, unnumbered_config("leaf3", 65103, "10.0.0.13", ["swp1"]))
    fabric.wait_api(spine1)
    return fabric, spine1, leaf2, leaf3


def test_the_spine_sends_the_sum_and_the_count_of_its_ecmp_set(spine_with_two_leaves):
    fabric, spine1, leaf2, leaf3 = spine_with_two_leaves
    # 300 Mbps and 2 x 1 Mbps, in bytes per second.
    wait_for(lambda: frr_bandwidth(leaf3, "10.98.0.0/24") == 37500000, 60,
             "the sum of both leaves' bandwidths at leaf3")
    wait_for(lambda: frr_bandwidth(leaf3, "10.97.0.0/24") == 250000, 10,
             "two paths' worth at leaf3")
    # What spine1 says it sent, in our notation.
    sent = {r["prefix"]: r["ext_communities"]
            for r in fabric.ctl_json(spine1, "show", "bgp", "neighbors", "swp3",
                                     "advertised-routes")}
    assert sent["10.98.0.0/24"] == ["lb:65000:300M"] and sent["10.97.0.0/24"] == ["lb:65000:2M"]

    # leaf2 goes: leaf1's path alone, which was spine1's best already.
    paths = fabric.ctl_json(spine1, "show", "bgp", "routes", "10.98.0.0/24")
    assert {(p["peer"], p["best"], p["multipath"]) for p in paths if p["accepted"]} == {
        ("swp1", True, True), ("swp2", False, True)}, paths
    leaf2.cmd("ip link set swp1 down")
    wait_for(lambda: frr_bandwidth(leaf3, "10.98.0.0/24") == 25000000, 30,
             "leaf1's bandwidth alone at leaf3")
    wait_for(lambda: frr_bandwidth(leaf3, "10.97.0.0/24") == 125000, 10, "one path's worth")
