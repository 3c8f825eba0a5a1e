"""Graceful restart's helper side with `helper: always` (RFC 4724): FRR's
bgpd is killed without a word (SIGKILL: no NOTIFICATION, its zebra and
kernel stay) and started again. closbgpd keeps FRR's paths, stale, in its
RIB and its kernel while FRR is away, and FRR's return replaces them: the
route never leaves closbgpd's kernel (`ip monitor` sees no deletion)."""
import json
import signal
import subprocess

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, terminate, veth, wait_for

pytestmark = pytest.mark.netns

FRR_ROUTE = "10.0.0.1/32"


def leaf_config():
    return ("asn: 65101\nrouter-id: 10.0.0.11\n"
            "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
            "graceful-restart: {helper: always}\n"
            "neighbors:\n  - {interface: swp1, remote-as: external}\n")


def frr_config():
    # Restarter mode (its capability lists both families) with the F bit
    # set on return: its forwarding was kept.
    text = unnumbered_config("grfrr", 65000, "10.0.0.1", ["swp1"], networks=[FRR_ROUTE])
    return text.replace(" bgp router-id 10.0.0.1\n",
                        " bgp router-id 10.0.0.1\n bgp graceful-restart\n"
                        " bgp graceful-restart preserve-fw-state\n")


def swp1(leaf):
    (p,) = [p for p in leaf.ctl_json("show", "bgp", "summary")["peers"] if p["interface"] == "swp1"]
    return p


def in_kernel(ns):
    return FRR_ROUTE.split("/")[0] in ns.ip("-4", "route", "show", "proto", "186").stdout


def test_a_killed_neighbour_keeps_its_routes_until_it_is_back(netns_factory, tmp_path):
    leaf_ns, frr_ns = netns_factory("grleaf"), netns_factory("grfrr")
    veth(leaf_ns, "swp1", frr_ns, "swp1")
    leaf = Daemon(leaf_ns, leaf_config(), tmp_path, "grleaf")
    frr = monitor = None
    try:
        leaf.wait_api()
        frr = FrrNode(frr_ns, frr_config(), tmp_path)
        wait_for(lambda: in_kernel(leaf_ns), 30, "FRR's route in the leaf's kernel")
        monitor = leaf_ns.popen("ip", "-4", "monitor", "route", stdout=subprocess.PIPE, text=True)

        bgpd, _ = frr.procs[1]
        bgpd.send_signal(signal.SIGKILL)
        bgpd.wait()
        p = wait_for(lambda: (lambda p: p if p["state"] != "established" else None)(swp1(leaf)),
                     10, "the session to go down")
        assert p["stale_paths"] >= 1, p
        assert in_kernel(leaf_ns)
        assert "graceful restart helper: always" in leaf.log_text()

        frr.start("bgpd")
        wait_for(lambda: swp1(leaf)["state"] == "established" and swp1(leaf)["stale_paths"] == 0,
                 60, "FRR back, its stale paths replaced")
        assert in_kernel(leaf_ns)
        terminate(monitor)
        changes = monitor.stdout.read()
        assert not [line for line in changes.splitlines()
                    if line.startswith("Deleted") and FRR_ROUTE.split("/")[0] in line], changes
    finally:
        if monitor:
            terminate(monitor)
        if frr:
            frr.stop()
        leaf.stop()


def test_frr_keeps_our_routes_long_lived_after_the_restart_time(netns_factory, tmp_path):
    """RFC 9494 with closbgpd as the restarting speaker: it offers a long-lived
    stale time; killed, FRR keeps its route through the (1 s) restart time
    and then as long-lived stale (LLGR_STALE, least preferred) until it is
    back, when the community goes."""
    leaf_ns, frr_ns = netns_factory("llleaf"), netns_factory("llfrr")
    veth(leaf_ns, "swp1", frr_ns, "swp1")
    config = ("asn: 65101\nrouter-id: 10.0.0.11\n"
              "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
              "graceful-restart: {restart-time: 1, long-lived-stale-time: 600}\n"
              "neighbors:\n  - {interface: swp1, remote-as: external}\n"
              "networks: [10.0.0.11/32]\n")
    leaf = Daemon(leaf_ns, config, tmp_path, "llleaf")
    frr = None
    try:
        leaf.wait_api()
        # FRR helps for up to its own long-lived stale time (the lower of
        # the two is used).
        frr_text = unnumbered_config("llfrr", 65000, "10.0.0.1", ["swp1"]).replace(
            " bgp router-id 10.0.0.1\n",
            " bgp router-id 10.0.0.1\n bgp long-lived-graceful-restart stale-time 600\n")
        frr = FrrNode(frr_ns, frr_text, tmp_path)

        def our_route():
            out = frr.vtysh("show bgp ipv4 unicast 10.0.0.11/32 json")
            paths = json.loads(out).get("paths", []) if out.strip() else []
            return paths[0] if paths else None

        wait_for(our_route, 30, "our route at FRR")
        assert "llgr-stale" not in json.dumps(our_route())
        leaf.stop(signal.SIGKILL)
        route = wait_for(lambda: (lambda r: r if r and "llgr-stale" in json.dumps(r) else None)(
            our_route()), 15, "FRR to keep our route as long-lived stale")
        assert route.get("stale"), route
        leaf = Daemon(leaf_ns, config, tmp_path, "llleaf2")
        wait_for(lambda: (lambda r: r and "llgr-stale" not in json.dumps(r))(our_route()), 30,
                 "our route fresh at FRR once we are back")
    finally:
        if frr:
            frr.stop()
        leaf.stop()


def test_a_killed_neighbours_routes_live_on_long_lived_and_only_for_llgr_peers(netns_factory,
                                                                               tmp_path):
    """RFC 9494 with closbgpd as the helper: FRR (restart time 1 s, long-lived
    stale time 600 s) is killed; closbgpd keeps its route through the
    restart time, then long-lived: tagged llgr-stale, still in its kernel,
    but withdrawn from a neighbour that did not offer LLGR. FRR back, the
    route is fresh and goes to that neighbour again."""
    leaf_ns, frr_ns, other_ns = (netns_factory(n) for n in ("lhleaf", "lhfrr", "lhother"))
    veth(leaf_ns, "swp1", frr_ns, "swp1")
    veth(leaf_ns, "swp2", other_ns, "swp1")
    leaf = Daemon(leaf_ns, leaf_config().replace(
        "graceful-restart: {helper: always}",
        "graceful-restart: {helper: always, long-lived-stale-time: 600}") +
        "  - {interface: swp2, remote-as: external}\n", tmp_path, "lhleaf")
    other = Daemon(other_ns, "asn: 65102\nrouter-id: 10.0.0.12\n"
                   "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
                   "neighbors:\n  - {interface: swp1, remote-as: external}\n", tmp_path, "lhother")
    frr = None
    try:
        leaf.wait_api()
        other.wait_api()
        frr = FrrNode(frr_ns, frr_config().replace(
            " bgp graceful-restart\n",
            " bgp graceful-restart\n bgp graceful-restart restart-time 1\n"
            " bgp long-lived-graceful-restart stale-time 600\n"), tmp_path)

        def at(daemon):
            routes = daemon.ctl_json("show", "bgp", "routes", FRR_ROUTE)
            return routes[0] if routes else None

        wait_for(lambda: at(other), 30, "FRR's route at the other neighbour, through the leaf")
        assert in_kernel(leaf_ns)
        bgpd, _ = frr.procs[1]
        bgpd.send_signal(signal.SIGKILL)
        bgpd.wait()
        route = wait_for(lambda: (lambda r: r if r and "llgr-stale" in r["communities"] else None)(
            at(leaf)), 15, "FRR's route long-lived stale at the leaf")
        assert in_kernel(leaf_ns)
        wait_for(lambda: at(other) is None, 10, "the long-lived route withdrawn from the other")
        assert "long-lived graceful restart: its restart time ran out; keeping its 1 ipv4-unicast" \
            in leaf.log_text()

        frr.start("bgpd")
        wait_for(lambda: (lambda r: r and "llgr-stale" not in r["communities"])(at(leaf)), 60,
                 "FRR back, its route fresh")
        wait_for(lambda: at(other), 30, "FRR's route at the other neighbour again")
        assert in_kernel(leaf_ns)
    finally:
        if frr:
            frr.stop()
        other.stop()
        leaf.stop()
