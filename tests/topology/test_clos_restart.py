"""closbgpd on a leaf of the example fabric restarted.

Killed with SIGKILL (a crash: no restart announced): its kernel routes
stay, the spines drop its routes at once and the rest of the fabric routes
around it; when it starts again it adopts the routes it left instead of
deleting and re-adding them (the FIB reconciles once the initial tables
are in).

Stopped with SIGTERM (graceful restart negotiated: a planned restart): the
spines keep its routes, stale, its kernel keeps forwarding, and servers
behind it keep answering pings throughout; back, it sends its routes again
and the spines' stale copies are replaced without a change anywhere."""
import signal
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


@pytest.mark.parametrize("frr", [(), ("spine2", "leaf4")], ids=["closbgpd", "mixed"])
def test_planned_restart_keeps_the_servers_behind_the_leaf_reachable(tmp_path, frr):
    # In "mixed", spine2 runs FRR: its bgpd is the other helper.
    with running(Clos(tmp_path, frr=frr)) as clos:
        clos.wait_converged()
        leaf2 = clos.hosts["leaf2"]
        leaf1 = clos.fabric.node(clos.hosts["leaf1"])
        monitor = leaf1.popen("ip", "monitor", "route", stdout=subprocess.PIPE, text=True)
        # 10 pings a second from server1 to server2 (behind leaf2) throughout.
        pings = clos.hosts["server1"].popen(["ping", "-i", "0.1", "-W", "1", "-c", "80",
                                            clos.servers["server2"].address(4)],
                                           stdout=subprocess.PIPE, text=True)
        time.sleep(1)
        clos.fabric.kill(leaf2, signal.SIGTERM)  # graceful restart negotiated: a planned restart
        spine_log = tmp_path / "spine1.log"
        wait_for(lambda: "graceful restart: keeping its 3 paths" in spine_log.read_text(), 5,
                 "spine1 to keep leaf2's paths")
        time.sleep(2)  # the daemon is away
        clos.fabric.run_closbgpd(leaf2, clos.config(clos.routers["leaf2"]))
        clos.fabric.wait_api(leaf2)
        clos.wait_converged()
        wait_for(lambda: "graceful restart complete" in spine_log.read_text(), 15,
                 "leaf2's paths sent again to spine1")
        out = pings.communicate(timeout=30)[0]
        monitor.terminate()
        changes = monitor.communicate()[0]
        assert " 80 received" in out, out
        # leaf1 never lost its routes to leaf2, nor changed them.
        assert changes == "", changes
        # It sent them all again: none was withdrawn as stale.
        assert "stale paths withdrawn" not in spine_log.read_text()
        assert "stale paths of" not in spine_log.read_text()
