"""A leaf and two spines built with Mininet: every router runs closbgpd from a
config that names only fabric ports (the spines with a "swp*" pattern), the
sessions come up unnumbered, and the leaf learns both spines' loopbacks."""
import pytest

from lib.netns import wait_for

pytestmark = pytest.mark.topology


def router_config(asn, router_id, interfaces):
    neighbors = "".join(f"  - interface: \"{i}\"\n    remote-as: external\n" for i in interfaces)
    return (f"asn: {asn}\nrouter-id: {router_id}\n"
            f"timers: {{keepalive: 1, hold: 3, connect-retry: 2}}\n"
            f"neighbors:\n{neighbors}networks: [{router_id}/32]\n")


def test_leaf_and_spines_peer_by_interface(fabric):
    (leaf,), spines = fabric.clos(["leaf1"], ["spine1", "spine2"])
    fabric.start()

    fabric.run_closbgpd(leaf, router_config(65101, "10.0.0.11", ["swp1", "swp2"]))
    for i, s in enumerate(spines, start=1):
        fabric.run_closbgpd(s, router_config(65000, f"10.0.0.{i}", ["swp*"]))
    for h in [leaf, *spines]:
        fabric.wait_api(h)

    def established_peers():
        peers = fabric.ctl_json(leaf, "show", "bgp", "summary")["peers"]
        return sorted(p["interface"] for p in peers if p["state"] == "established")

    wait_for(lambda: established_peers() == ["swp1", "swp2"], 30, "both uplinks Established")

    def leaf_routes():
        return {(r["prefix"], r["peer"]) for r in fabric.ctl_json(leaf, "show", "bgp", "routes")}

    wait_for(lambda: {("10.0.0.1/32", "swp1"), ("10.0.0.2/32", "swp2")} <= leaf_routes(), 15,
             "each spine's loopback at the leaf")
    for i, s in enumerate(spines, start=1):
        summary = fabric.ctl_json(s, "show", "bgp", "summary")
        assert summary["router_id"] == f"10.0.0.{i}"
        assert [p["interface"] for p in summary["peers"]] == ["swp1"]  # matched by "swp*"
        assert summary["peers"][0]["remote_as"] == 65101


def test_diamond_propagates_routes_with_ecmp(fabric):
    leaves, spines = fabric.clos(["leaf1", "leaf2"], ["spine1", "spine2"])
    fabric.start()
    for i, leaf in enumerate(leaves, start=1):
        fabric.loopback(leaf, f"10.0.0.1{i}")
        fabric.run_closbgpd(leaf, router_config(65100 + i, f"10.0.0.1{i}", ["swp*"]))
    for i, spine in enumerate(spines, start=1):
        fabric.loopback(spine, f"10.0.0.{i}")
        fabric.run_closbgpd(spine, router_config(65000, f"10.0.0.{i}", ["swp*"]))
    for h in leaves + spines:
        fabric.wait_api(h)

    def paths(host, prefix):
        return [r for r in fabric.ctl_json(host, "show", "bgp", "routes", prefix)]

    # leaf1 reaches leaf2's loopback through both spines, both in the ECMP set.
    got = wait_for(lambda: (lambda p: p if len(p) == 2 and all(r["multipath"] for r in p) else None)(
        paths(leaves[0], "10.0.0.12/32")), 30, "two ECMP paths to leaf2 at leaf1")
    assert sorted(r["peer"] for r in got) == ["swp1", "swp2"]
    assert sum(r["best"] for r in got) == 1
    assert all(r["as_path"] == [65000, 65102] for r in got)
    assert all(r["next_hop"].startswith("fe80::") for r in got)
    # And the other way round.
    wait_for(lambda: len(paths(leaves[1], "10.0.0.11/32")) == 2, 15, "two paths to leaf1 at leaf2")
    # A spine never sends a leaf's route back to it, nor one through the other
    # spine: leaf1 has only its own.
    assert [r["peer"] for r in paths(leaves[0], "10.0.0.11/32")] == ["local"]

    # The kernel holds the ECMP set: an IPv4 route via a nexthop group of
    # both spines' IPv6 link-local addresses, protocol bgp (186).
    def kernel_route():
        r = fabric.ip_json(leaves[0], "route", "show", "10.0.0.12/32")
        return r[0] if r and "nhid" in r[0] else None

    route = wait_for(kernel_route, 10, "leaf2's loopback in leaf1's kernel")
    assert route["protocol"] == "bgp"
    group = fabric.ip_json(leaves[0], "nexthop", "show", "id", str(route["nhid"]))[0]
    members = [fabric.ip_json(leaves[0], "nexthop", "show", "id", str(m["id"]))[0]
               for m in group["group"]]
    assert sorted(m["dev"] for m in members) == ["swp1", "swp2"]
    assert all(m["gateway"].startswith("fe80::") for m in members)
    # Packets cross the fabric: leaf1's loopback to leaf2's, through a spine.
    out = leaves[0].cmd("ping -c 3 -W 2 -I 10.0.0.11 10.0.0.12")
    assert " 0% packet loss" in out, out

    # One uplink goes down: the route keeps its nexthop group, which is
    # rewritten in place to the remaining spine; packets still flow.
    def group_size():
        r = kernel_route()
        if not r or r["nhid"] != route["nhid"]:
            return None
        return len(fabric.ip_json(leaves[0], "nexthop", "show", "id", str(r["nhid"]))[0]["group"])

    def ping_ok():
        return " 0% packet loss" in leaves[0].cmd("ping -c 1 -W 1 -I 10.0.0.11 10.0.0.12")

    leaves[0].cmd("ip link set swp2 down")
    wait_for(lambda: group_size() == 1, 10, "the group rewritten to one spine")
    # Replies may hash to spine2 until it notices (about a second): then all answer.
    wait_for(ping_ok, 10, "pings through the remaining spine")
    leaves[0].cmd("ip link set swp2 up")
    try:
        wait_for(lambda: group_size() == 2, 30, "both spines back in the same group")
    except AssertionError:
        print(leaves[0].cmd("ip -d route show 10.0.0.12; ip nexthop show"))
        print(fabric.ctl(leaves[0], "show", "bgp", "routes")[1])
        raise

    # leaf2 fails (a crash; SIGTERM would be a graceful restart, with its
    # routes kept): the spines withdraw its loopback from leaf1.
    fabric.kill(leaves[1])
    wait_for(lambda: paths(leaves[0], "10.0.0.12/32") == [], 15, "leaf2's loopback withdrawn")
    wait_for(lambda: fabric.ip_json(leaves[0], "route", "show", "10.0.0.12/32") == [], 10,
             "and removed from the kernel")
    # Its group and the nexthops only it used are gone too.
    assert route["nhid"] not in [n["id"] for n in fabric.ip_json(leaves[0], "nexthop", "show")]
