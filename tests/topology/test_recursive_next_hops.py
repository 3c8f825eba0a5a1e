"""iBGP between loopbacks over two spines: next hops resolved through the
underlay.

    leaf1 (lo 10.255.0.1) == spine1, spine2 == leaf2 (lo 10.255.0.2)

The underlay is unnumbered eBGP: each leaf sends its spines only its
loopback (both leaves are in AS 65001, hence allowas-in: 1; the spines
send a leaf's AS its own routes back, sender-as-path-loop-detection off).
The overlay is an iBGP session between the loopbacks that carries only
each leaf's server subnet, whose next hop is the other leaf's loopback.

- leaf1 resolves 10.255.0.2 through its underlay route (`show bgp
  nexthop` says so) and installs the
  overlay subnet on the same two-spine set (the same nexthop group), and
  a ping between the loopbacks goes through that group (the spines do not
  know the overlay subnet: its packets need a tunnel, which is EVPN's job);
- the overlay session's BFD is multihop (RFC 5883) by itself (`bfd: true`,
  a neighbour on none of our links), from the loopbacks;
- leaf1's link to spine1 goes down: the group shrinks to spine2 in place
  (the same nexthop id), the overlay session and its BFD stay up, the ping
  still goes through; the link back, the group has both spines again.
"""
import pytest

from lib.netns import wait_for

pytestmark = pytest.mark.topology

TIMERS = "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"


def leaf(n):
    other = 3 - n
    return TIMERS + f"""asn: 65001
router-id: 10.255.0.{n}
prefix-lists:
  OWN-LOOPBACK: [{{permit: 10.255.0.{n}/32}}]
  SERVERS: [{{permit: 10.{n}.0.0/24}}]
route-maps:
  UNDERLAY-OUT: [{{action: permit, match: {{prefix-list: OWN-LOOPBACK}}}}]
  OVERLAY-OUT: [{{action: permit, match: {{prefix-list: SERVERS}}}}]
neighbors:
  - {{interface: "swp*", remote-as: external, allowas-in: 1, route-map-out: UNDERLAY-OUT}}
  - {{address: 10.255.0.{other}, remote-as: internal, update-source: lo,
      route-map-out: OVERLAY-OUT, bfd: true}}
networks: [10.255.0.{n}/32, 10.{n}.0.0/24]
"""


def spine(n):
    return TIMERS + f"""asn: 65000
router-id: 10.0.0.{n}
neighbors:
  - {{interface: "swp*", remote-as: external, sender-as-path-loop-detection: false}}
"""


@pytest.fixture
def overlay(fabric):
    leaves, spines = fabric.clos(["leaf1", "leaf2"], ["spine1", "spine2"])
    fabric.start()
    for n, host in enumerate(leaves, 1):
        fabric.loopback(host, f"10.255.0.{n}")
        fabric.run_closbgpd(host, leaf(n))
    for n, host in enumerate(spines, 1):
        fabric.run_closbgpd(host, spine(n))
    for host in leaves + spines:
        fabric.wait_api(host)
    return fabric, leaves


def overlay_peer(fabric, host):
    peers = fabric.ctl_json(host, "show", "bgp", "summary")["peers"]
    return next((p for p in peers if p.get("address", "").startswith("10.255.")), {})


def overlay_state(fabric, host):
    return overlay_peer(fabric, host).get("state")


def pings(host, source, target):
    return "1 received" in host.cmd(f"ping -c1 -W1 -I {source} {target}")


def test_overlay_routes_follow_the_underlay(overlay):
    fabric, (leaf1, leaf2) = overlay
    wait_for(lambda: overlay_state(fabric, leaf1) == "established", 60,
             "the iBGP session between the loopbacks")
    for host in (leaf1, leaf2):
        wait_for(lambda: overlay_peer(fabric, host).get("bfd_state") == "up", 15,
                 "multihop BFD between the loopbacks")
        assert overlay_peer(fabric, host)["bfd_multihop"]
    both = {"swp1": 1, "swp2": 1}
    wait_for(lambda: (fabric.kernel_route(leaf1, "10.2.0.0/24") or (0, {}))[1] == both, 30,
             "the overlay subnet installed over both spines")
    nhid, _ = fabric.kernel_route(leaf1, "10.2.0.0/24")
    # The same set as the loopback it resolves through: the same group.
    assert fabric.kernel_route(leaf1, "10.255.0.2/32") == (nhid, both)

    [path] = [r for r in fabric.ctl_json(leaf1, "show", "bgp", "routes", "10.2.0.0/24")]
    assert path["next_hop"] == "10.255.0.2" and path["best"] and path["peer"] == "10.255.0.2"
    [fib] = fabric.ctl_json(leaf1, "show", "fib", "10.2.0.0/24")
    assert fib["state"] == "installed" and len(fib["next_hops"]) == 2, fib
    # What it resolves through, as the operator asks for it.
    [tracked] = fabric.ctl_json(leaf1, "show", "bgp", "nexthop")["next_hops"]
    assert (tracked["address"], tracked["resolved"], tracked["via"], tracked["connected"]) == \
        ("10.255.0.2", True, "10.255.0.2/32", False), tracked
    assert sorted(h["interface"] for h in tracked["next_hops"]) == ["swp1", "swp2"]
    rc, text = fabric.ctl(leaf1, "show", "bgp", "nexthop")
    assert rc == 0 and "10.255.0.2 resolved through 10.255.0.2/32" in text, text
    assert pings(leaf1, "10.255.0.1", "10.255.0.2")

    leaf1.cmd("ip link set swp1 down")
    wait_for(lambda: fabric.kernel_route(leaf1, "10.2.0.0/24") == (nhid, {"swp2": 1}), 30,
             "the overlay subnet's group shrunk to spine2, in place")
    assert fabric.kernel_route(leaf1, "10.255.0.2/32") == (nhid, {"swp2": 1})
    [tracked] = fabric.ctl_json(leaf1, "show", "bgp", "nexthop")["next_hops"]
    assert [h["interface"] for h in tracked["next_hops"]] == ["swp2"], tracked
    assert overlay_state(fabric, leaf1) == "established"
    assert (overlay_peer(fabric, leaf1)["bfd_state"], overlay_peer(fabric, leaf1)["bfd_flaps"]) \
        == ("up", 0)
    assert pings(leaf1, "10.255.0.1", "10.255.0.2")

    leaf1.cmd("ip link set swp1 up")
    wait_for(lambda: (fabric.kernel_route(leaf1, "10.2.0.0/24") or (0, {}))[1] == both, 60,
             "the overlay subnet over both spines again")
    assert overlay_state(fabric, leaf1) == "established"
    assert pings(leaf1, "10.255.0.1", "10.255.0.2")
