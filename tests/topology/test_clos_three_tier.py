"""A three-tier fabric from examples/clos.py: two pods of 2 spines over 2
leaves, both pods under 2 super-spines (super-spines AS 65000, each pod's
spines one AS, every leaf its own)."""
import pytest
from clos import Clos, running

pytestmark = pytest.mark.topology


def test_three_tiers_converge_and_servers_in_different_pods_talk(tmp_path):
    with running(Clos(tmp_path, spines=2, leaves=2, pods=2, super_spines=2)) as clos:
        # Every session up; every leaf has every other leaf's routes, in its
        # own pod and in the other, through both of its spines.
        clos.wait_converged()
        assert clos.kernel_ports("p1leaf1", "10.1.4.0/24") == ["swp1", "swp2"]
        # Across pods the path climbs to a super-spine: leaf, pod spines,
        # super-spines, pod spines, leaf.
        paths = clos.fabric.ctl_json(clos.hosts["p1leaf1"], "show", "bgp", "routes",
                                     "10.1.4.0/24")
        assert {tuple(p["as_path"]) for p in paths} == {(65001, 65000, 65002, 65104)}
        for src, dst in [("p1server1", "p2server2"), ("p2server1", "p1server2")]:
            for family in (4, 6):
                ok, out = clos.ping(src, dst, family, count=2)
                assert ok, out
