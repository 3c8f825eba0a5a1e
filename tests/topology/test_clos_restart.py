"""closbgpd on a leaf of the example fabric killed with SIGKILL: its kernel
routes stay, the rest of the fabric routes around it (without graceful
restart the spines drop its routes at once), and when it starts again it
adopts the routes it left instead of deleting and re-adding them (the FIB
reconciles once the initial tables are in)."""
import subprocess
import time

import pytest
from clos import Clos, running

from lib.netns import wait_for

pytestmark = pytest.mark.topology


def kernel(clos, name):
    """Our routes and nexthop objects, as the kernel shows them."""
    ip = lambda *args: clos.fabric.ip_json(clos.hosts[name], *args)  # noqa: E731
    return (ip("-4", "route", "show", "proto", "bgp"), ip("-6", "route", "show", "proto", "bgp"),
            ip("nexthop", "show"))


def test_killed_leaf_keeps_its_routes_and_restarts_without_touching_them(tmp_path):
    with running(Clos(tmp_path)) as clos:
        clos.wait_converged()
        leaf1, leaf2 = clos.hosts["leaf1"], clos.hosts["leaf2"]
        # A service address leaf1 withdraws while leaf2 is down: stale at the restart.
        assert clos.fabric.ctl(leaf1, "route", "add", "10.99.0.0/24")[0] == 0
        wait_for(lambda: clos.kernel_ports("leaf2", "10.99.0.0/24"), 10, "10.99.0.0/24 at leaf2")
        before = kernel(clos, "leaf2")
        assert len(before[0]) == 9  # the other leaves' loopbacks and subnets, 2 spines', 10.99

        started = time.monotonic()
        clos.fabric.kill(leaf2)
        wait_for(lambda: clos.kernel_ports("leaf1", "10.1.2.0/24") == [], 5,
                 "the other leaves to drop leaf2's subnet")
        assert time.monotonic() - started < 3
        assert kernel(clos, "leaf2") == before
        ok, out = clos.ping("server1", "server3", count=3)
        assert ok, out
        assert clos.fabric.ctl(leaf1, "route", "del", "10.99.0.0/24")[0] == 0

        monitor = leaf2.popen(["ip", "monitor", "route", "nexthop"], stdout=subprocess.PIPE,
                              text=True)
        time.sleep(0.2)
        clos.fabric.run_closbgpd(leaf2, clos.config(clos.routers["leaf2"]))
        clos.fabric.wait_api(leaf2)
        clos.wait_converged()
        wait_for(lambda: "reconciled" in (tmp_path / "leaf2.log").read_text(), 10,
                 "the FIB to reconcile")
        time.sleep(1)
        monitor.terminate()
        # The one change: the stale route goes. Nothing else was rewritten.
        changes = [line for line in monitor.communicate()[0].splitlines()
                   if line and not line.startswith("\t")]  # tab: a multipath route's nexthops
        assert len(changes) == 1 and changes[0].startswith("Deleted 10.99.0.0/24"), changes
        after = kernel(clos, "leaf2")
        assert after == ([r for r in before[0] if r["dst"] != "10.99.0.0/24"], *before[1:])
        assert ("11 of the previous run's 12 routes left as they were, 0 written, 1 removed"
                in (tmp_path / "leaf2.log").read_text())
