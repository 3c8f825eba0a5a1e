"""A three-tier fabric from examples/clos.py: two pods of 2 spines over 2
leaves, both pods under 2 super-spines (super-spines AS 65000, each pod's
spines one AS, every leaf its own). One fabric serves every test here."""
import pytest
from clos import Clos, running

from lib.netns import wait_for

pytestmark = pytest.mark.topology


@pytest.fixture(scope="module")
def clos(tmp_path_factory):
    with running(Clos(tmp_path_factory.mktemp("three-tier"), spines=2, leaves=2, pods=2,
                      super_spines=2)) as c:
        c.wait_converged()
        yield c


def test_three_tiers_converge_and_servers_in_different_pods_talk(clos):
    # Every session up; every leaf has every other leaf's routes, in its
    # own pod and in the other, through both of its spines.
    assert clos.kernel_ports("p1leaf1", "10.1.4.0/24") == ["swp1", "swp2"]
    # Across pods the path climbs to a super-spine: leaf, pod spines,
    # super-spines, pod spines, leaf.
    paths = clos.fabric.ctl_json(clos.hosts["p1leaf1"], "show", "bgp", "routes", "10.1.4.0/24")
    assert {tuple(p["as_path"]) for p in paths} == {(65001, 65000, 65002, 65104)}
    for src, dst in [("p1server1", "p2server2"), ("p2server1", "p1server2")]:
        for family in (4, 6):
            ok, out = clos.ping(src, dst, family, count=2)
            assert ok, out


# Pod 1's spines summarise 10.12.0.0/16, which p1leaf1 fills with two /24s;
# pod 2 announces a covering 10.12.0.0/14 (as a default route would cover
# it). When one /24 goes, the summary stays up with the other: a packet for
# the lost /24 reaches a pod 1 spine through the summary, and without a
# discard route there the spine's next match is the /14, back up to a
# super-spine, which sends it down again: a loop until the TTL runs out.
SUMMARY, COVER = "10.12.0.0/16", "10.12.0.0/14"
SPECIFICS = ["10.12.1.0/24", "10.12.2.0/24"]
POD1_SPINES = ["p1spine1", "p1spine2"]
LOST = "10.12.1.5"  # inside the /24 that goes


def summarise(clos, discard):
    for spine in POD1_SPINES:
        rc, out = clos.reconfigure(spine, extra=f"aggregates: [{{prefix: {SUMMARY}, "
                                   f"discard: {str(discard).lower()}}}]\n")
        assert rc == 0, out


def blackholed(clos, name):
    routes = clos.fabric.ip_json(clos.hosts[name], "-4", "route", "show", SUMMARY)
    return [r.get("type") for r in routes] == ["blackhole"]


def ping_lost(clos):
    """What a server of pod 2 hears back from a ping to the lost /24."""
    return clos.hosts["p2server1"].cmd(f"ping -4 -c 1 -W 1 {LOST}")


def test_a_summary_drops_what_no_more_specific_covers_instead_of_looping(clos):
    try:
        rc, out = clos.reconfigure("p2leaf1", [COVER])
        assert rc == 0, out
        rc, out = clos.reconfigure("p1leaf1", SPECIFICS)
        assert rc == 0, out
        summarise(clos, discard=False)
        wait_for(lambda: len(clos.kernel_ports("p2leaf1", SUMMARY)) == 2, 20,
                 "the summary at p2leaf1")
        assert all(not blackholed(clos, s) for s in POD1_SPINES)
        rc, out = clos.reconfigure("p1leaf1", SPECIFICS[1:])
        assert rc == 0, out
        wait_for(lambda: all(clos.kernel_ports(s, SPECIFICS[0]) == [] for s in POD1_SPINES), 20,
                 f"{SPECIFICS[0]} withdrawn from pod 1's spines")

        # Without the discard the packet circles between the tiers.
        assert "Time to live exceeded" in ping_lost(clos)

        summarise(clos, discard=True)
        wait_for(lambda: all(blackholed(clos, s) for s in POD1_SPINES), 20,
                 "the summary's blackhole route on pod 1's spines")
        fib = clos.fabric.ctl_json(clos.hosts["p1spine1"], "show", "fib", SUMMARY)
        assert [(r["state"], r["next_hops"]) for r in fib] == [
            ("installed", [{"interface": "", "gateway": "", "blackhole": True, "weight": 1}])], fib
        out = ping_lost(clos)
        assert "Time to live exceeded" not in out and " 0 received" in out, out
        # What the other /24 reaches is unchanged: the discard only takes
        # what no more-specific covers.
        assert clos.kernel_ports("p1spine1", SPECIFICS[1]) == ["swp3"]

        # The last more-specific goes: the summary and its discard go.
        rc, out = clos.reconfigure("p1leaf1")
        assert rc == 0, out
        wait_for(lambda: all(clos.fabric.ip_json(clos.hosts[s], "-4", "route", "show", SUMMARY)
                             == [] for s in POD1_SPINES), 20, "the discard removed")
    finally:
        for name in ["p1leaf1", "p2leaf1", *POD1_SPINES]:
            clos.reconfigure(name)
