"""Policy across a diamond of closbgpd routers (leaf1, leaf2 under spine1,
spine2), each leaf in its own AS, both spines in AS 65000:

- leaf2 aggregates 10.20.1.0/24 and 10.20.2.0/24 into 10.20.0.0/16,
  summary-only: leaf1 sees the summary and neither more-specific;
- leaf2's route-map-out denies 10.2.9.0/24 (it never appears anywhere) and
  prepends its AS twice on 10.2.1.0/24 (visible at leaf1);
- spine1's route-map-in tags everything from leaves with 65000:1 and the
  large community 65000:1:1 (visible at leaf1 on the paths via spine1 only);
- both spines send the leaves a default route of their own
  (default-originate): leaf1 installs it with both spines as next hops;
- leaf1 redistributes its connected server subnets (through a route-map
  that tags them): a subnet added on a new interface reaches leaf2 with
  origin incomplete, and goes away when the address is removed;
- leaf1's route-map-in raises local-preference to 200 for 10.2.1.0/24 via
  paths carrying 65000:1, so only spine1's path is in its ECMP set, while
  leaf2's loopback keeps both spines.
"""
import pytest

from lib.netns import wait_for

pytestmark = pytest.mark.topology

TIMERS = "timers: {keepalive: 1, hold: 3, connect-retry: 2}\n"

LEAF2 = TIMERS + """asn: 65102
router-id: 10.0.0.12
prefix-lists:
  SECRET: [{permit: 10.2.9.0/24}]
  LONGER-PATH: [{permit: 10.2.1.0/24}]
route-maps:
  TO-SPINE:
    - {action: deny, match: {prefix-list: SECRET}}
    - {action: permit, match: {prefix-list: LONGER-PATH}, set: {as-path-prepend: [65102, 65102]}}
    - {action: permit}
neighbors:
  - {interface: "swp*", remote-as: external, route-map-out: TO-SPINE}
networks: [10.0.0.12/32, 10.2.1.0/24, 10.2.9.0/24, 10.20.1.0/24, 10.20.2.0/24]
aggregates:
  - {prefix: 10.20.0.0/16, summary-only: true}
"""

SPINE = TIMERS.replace("{", "{{").replace("}", "}}") + """asn: 65000
router-id: 10.0.0.{n}
route-maps:
  FROM-LEAF:
    - action: permit
      set: {{community: {{add: ["65000:{tag}"]}}, large-community: {{add: ["65000:{tag}:1"]}}}}
neighbors:
  - {{interface: "swp*", remote-as: external, route-map-in: FROM-LEAF, default-originate: true}}
networks: [10.0.0.{n}/32]
"""

LEAF1 = TIMERS + """asn: 65101
router-id: 10.0.0.11
redistribute: {connected: {route-map: SERVERS}}
prefix-lists:
  PREFERRED: [{permit: 10.2.0.0/16, le: 24}]
  SERVER-SUBNETS: [{permit: 10.11.0.0/16, le: 24}]
community-lists:
  VIA-SPINE1: [{permit: ["65000:1"]}]
route-maps:
  FROM-SPINE:
    - action: permit
      match: {prefix-list: PREFERRED, community: VIA-SPINE1}
      set: {local-preference: 200}
    - {action: permit}
  SERVERS:
    - {action: permit, match: {prefix-list: SERVER-SUBNETS}, set: {community: {add: ["65101:7"]}}}
neighbors:
  - {interface: "swp*", remote-as: external, route-map-in: FROM-SPINE}
networks: [10.0.0.11/32]
"""


def test_route_maps_across_a_diamond(fabric):
    (leaf1, leaf2), spines = fabric.clos(["leaf1", "leaf2"], ["spine1", "spine2"])
    fabric.start()
    fabric.run_closbgpd(leaf1, LEAF1)
    fabric.run_closbgpd(leaf2, LEAF2)
    for n, spine in enumerate(spines, start=1):
        # spine2 tags with 65000:2: only spine1's paths match leaf1's list.
        fabric.run_closbgpd(spine, SPINE.format(n=n, tag=n))
    for h in (leaf1, leaf2, *spines):
        fabric.wait_api(h)

    def paths(host, prefix=None):
        return fabric.ctl_json(host, "show", "bgp", "routes", *([prefix] if prefix else []))

    def both_paths(prefix):
        p = paths(leaf1, prefix)
        return p if len(p) == 2 else None

    loopback = wait_for(lambda: both_paths("10.0.0.12/32"), 30, "leaf2's loopback via both spines")
    assert all(r["multipath"] for r in loopback), loopback  # local-pref untouched: ECMP
    by_spine = {r["peer"]: r for r in loopback}
    assert by_spine["swp1"]["communities"] == ["65000:1"]
    assert by_spine["swp1"]["large_communities"] == ["65000:1:1"]
    assert by_spine["swp2"]["communities"] == ["65000:2"]

    longer = wait_for(lambda: both_paths("10.2.1.0/24"), 15, "10.2.1.0/24 via both spines")
    assert all(r["as_path"] == [65000, 65102, 65102, 65102] for r in longer), longer
    by_spine = {r["peer"]: r for r in longer}
    assert by_spine["swp1"]["local_pref"] == 200
    assert by_spine["swp1"]["best"] and by_spine["swp1"]["multipath"]
    assert "local_pref" not in by_spine["swp2"] and not by_spine["swp2"]["multipath"]
    # The kernel follows the ECMP set: one next hop, through spine1.
    route = fabric.ip_json(leaf1, "route", "show", "10.2.1.0/24")
    assert route and route[0].get("dev") == "swp1", route

    # The denied prefix is nowhere: not at the spines, not at leaf1.
    for host in (leaf1, *spines):
        assert [r for r in paths(host) if r["prefix"] == "10.2.9.0/24"] == [], host.name
    assert fabric.ip_json(leaf1, "route", "show", "10.2.9.0/24") == []

    # Each spine's own default route, both in leaf1's ECMP set and kernel.
    default = wait_for(lambda: both_paths("0.0.0.0/0"), 15, "the spines' default routes")
    assert all(r["as_path"] == [65000] and r["multipath"] for r in default), default
    kernel_default = wait_for(lambda: fabric.ip_json(leaf1, "route", "show", "default"), 10,
                              "the default route in leaf1's kernel")
    assert kernel_default[0]["protocol"] == "bgp", kernel_default

    # A server subnet appears on leaf1 and is redistributed; then it goes.
    # (A veth pair stands in for a server port: this kernel has no dummy.)
    leaf1.cmd("ip link add srv1 type veth peer name srv1p && ip link set srv1p up && "
              "ip link set srv1 up && ip addr add 10.11.0.1/24 dev srv1")

    def at_leaf2(prefix):
        return [r for r in paths(leaf2, prefix) if r["prefix"] == prefix]

    subnet = wait_for(lambda: at_leaf2("10.11.0.0/24"), 15, "leaf1's server subnet at leaf2")
    assert all(r["origin"] == "incomplete" and r["as_path"][-1] == 65101 for r in subnet), subnet
    assert all("65101:7" in r["communities"] for r in subnet), subnet
    leaf1.cmd("ip addr del 10.11.0.1/24 dev srv1")
    wait_for(lambda: at_leaf2("10.11.0.0/24") == [], 15, "the subnet withdrawn")

    # The aggregate replaced its more-specifics, and is sent like any route.
    summary = wait_for(lambda: both_paths("10.20.0.0/16"), 15, "leaf2's aggregate at leaf1")
    assert all(r["as_path"] == [65000, 65102] for r in summary), summary
    assert [r for r in paths(leaf1) if r["prefix"].startswith("10.20.")
            and r["prefix"] != "10.20.0.0/16"] == []
