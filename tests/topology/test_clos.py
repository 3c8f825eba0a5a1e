"""The example fabric (examples/clos.py: 2 spines over 4 leaves, a server per
leaf, BFD on every link) run all closbgpd, and mixed with FRR (spine2 and
leaf4 run FRR's bgpd and bfdd): the same checks hold for both."""
import time

import pytest
from clos import Clos, running

from lib.netns import wait_for

pytestmark = pytest.mark.topology

FABRICS = {"closbgpd": (), "mixed": ("spine2", "leaf4")}


@pytest.fixture(scope="module", params=FABRICS)
def clos(request, tmp_path_factory):
    with running(Clos(tmp_path_factory.mktemp(request.param), frr=FABRICS[request.param])) as c:
        c.wait_converged()
        yield c


def leaves(clos):
    return clos.of_role("leaf")


def prefixes_of(leaf):
    return [f"{leaf.loopback}/32", *leaf.server.subnets()]


def test_every_leaf_reaches_every_other_through_every_spine(clos):
    # wait_converged checked every session and every leaf's kernel route to
    # every other leaf's loopback and subnets; here, what those routes are.
    for leaf in leaves(clos):
        for prefix, _ in clos.expected_routes(leaf):
            assert clos.kernel_ports(leaf.name, prefix) == sorted(leaf.ports), (leaf.name, prefix)
    # IPv4 via the spines' IPv6 link-local addresses (RFC 8950).
    route = clos.fabric.ip_json(clos.hosts["leaf1"], "route", "show", "10.1.3.0/24")[0]
    assert route["protocol"] == "bgp"
    assert all(h["via"]["family"] == "inet6" and h["via"]["host"].startswith("fe80::")
               for h in route["nexthops"])
    servers = list(clos.servers)
    for src in servers:
        for dst in servers:
            for family in (4, 6):
                if src != dst:
                    ok, out = clos.ping(src, dst, family)
                    assert ok, out


def test_silent_loss_moves_traffic_to_the_other_spine_within_bfd_time(clos):
    leaf1 = clos.routers["leaf1"]
    port, kept = leaf1.ports[-1], leaf1.ports[:-1]  # the link to the last spine (FRR in "mixed")
    others = [p for leaf in leaves(clos) if leaf is not leaf1 for p in prefixes_of(leaf)]

    started = time.monotonic()
    clos.cut("leaf1", port)
    try:
        wait_for(lambda: all(clos.kernel_ports("leaf1", p) == kept for p in others), 10,
                 "leaf1's routes without the lossy link")
        took = time.monotonic() - started
        # BFD at 300 ms x 3: well before the 9 s hold time (latency: bench/).
        assert took < 3, f"{took:.2f} s"
        # The spine's end noticed too: the other leaves reach leaf1 by one spine.
        for leaf in leaves(clos)[1:]:
            wait_for(lambda: len(clos.kernel_ports(leaf.name, "10.1.1.0/24")) == 1, 5,
                     f"{leaf.name}'s route to leaf1 without the lossy link")
        for dst in list(clos.servers)[1:]:
            ok, out = clos.ping("server1", dst, count=3)
            assert ok, out
    finally:
        clos.mend("leaf1")
    clos.wait_converged()


def test_drained_spine_carries_no_traffic_while_another_is_there(clos):
    spine1 = clos.hosts["spine1"]
    rc, out = clos.fabric.ctl(spine1, "drain")
    assert rc == 0, out
    try:
        # Every leaf's swp1 goes to spine1: no route uses it any more.
        for leaf in leaves(clos):
            wait_for(lambda: all(clos.kernel_ports(leaf.name, p) == leaf.ports[1:]
                                 for p, _ in clos.expected_routes(leaf)), 15,
                     f"{leaf.name} off spine1")
        ok, out = clos.ping("server1", "server4", count=3)
        assert ok, out
    finally:
        rc, out = clos.fabric.ctl(spine1, "undrain")
        assert rc == 0, out
    clos.wait_converged()


def test_prefixes_outside_the_fabric_policy_go_nowhere(clos):
    leaf1 = clos.hosts["leaf1"]
    allowed, forbidden = "10.99.0.0/24", ["198.51.100.0/24", "fd00:bad::/48"]
    for prefix in [allowed, *forbidden]:
        rc, out = clos.fabric.ctl(leaf1, "route", "add", prefix)
        assert rc == 0, out
    try:
        # The allowed one arriving everywhere shows the others had their chance.
        for leaf in leaves(clos)[1:]:
            wait_for(lambda: len(clos.kernel_ports(leaf.name, allowed)) == 2, 15,
                     f"{allowed} at {leaf.name}")
        for name in clos.routers:
            if name != "leaf1":
                assert [clos.kernel_ports(name, p) for p in forbidden] == [[], []], name
        # spine1 received them from leaf1 (on its swp1; the Adj-RIB-In keeps
        # them) and rejected them.
        spine1 = clos.fabric.ctl_json(clos.hosts["spine1"], "show", "bgp", "routes")
        got = {r["prefix"]: r.get("accepted", False) for r in spine1 if r["peer"] == "swp1"}
        assert [got.get(p) for p in [allowed, *forbidden]] == [True, False, False]
    finally:
        for prefix in [allowed, *forbidden]:
            clos.fabric.ctl(leaf1, "route", "del", prefix)
    wait_for(lambda: clos.kernel_ports("leaf2", allowed) == [], 15, f"{allowed} withdrawn")


def test_aggregate_at_a_leaf_replaces_its_more_specifics(clos):
    specifics = ["10.11.1.0/24", "10.11.2.0/24"]
    rc, out = clos.reconfigure("leaf1", specifics,
                               "aggregates: [{prefix: 10.11.0.0/16, summary-only: true}]\n")
    assert rc == 0, out
    try:
        for leaf in leaves(clos)[1:]:
            wait_for(lambda: len(clos.kernel_ports(leaf.name, "10.11.0.0/16")) == 2, 15,
                     f"the aggregate at {leaf.name}")
            assert [clos.kernel_ports(leaf.name, p) for p in specifics] == [[], []]
    finally:
        rc, out = clos.reconfigure("leaf1")
        assert rc == 0, out
    wait_for(lambda: clos.kernel_ports("leaf2", "10.11.0.0/16") == [], 15, "aggregate withdrawn")
