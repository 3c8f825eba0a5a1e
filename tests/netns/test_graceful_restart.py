"""Graceful restart's helper side with `helper: always` (RFC 4724): FRR's
bgpd is killed without a word (SIGKILL: no NOTIFICATION, its zebra and
kernel stay) and started again. closbgpd keeps FRR's paths, stale, in its
RIB and its kernel while FRR is away, and FRR's return replaces them: the
route never leaves closbgpd's kernel (`ip monitor` sees no deletion)."""
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

        frr._start("bgpd", tmp_path)
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
