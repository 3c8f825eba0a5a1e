"""A hundred session flaps leave nothing behind: the same open file
descriptors, sessions, routes and interned attribute sets as before, on
both ends. Flaps are operator hard resets, alternating ends, between two
closbgpd with several attribute sets on the wire."""
import os

import pytest

from lib.netns import Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

FLAPS = 100
# Each network through a route-map that tags it with its own community: one
# attribute set each, on both ends.
ROUTE_MAPS = "".join(f"  TAG{i}:\n    - {{action: permit, set: {{community: {{add: [\"65000:{i}\"]}}}}}}\n"
                     for i in range(5))


def config(asn, rid, peer, networks):
    nets = "".join(f"  - {{prefix: {n}, route-map: TAG{i}}}\n" for i, n in enumerate(networks))
    return (f"asn: {asn}\nrouter-id: {rid}\ntimers: {{keepalive: 1, hold: 3, connect-retry: 1}}\n"
            f"neighbors:\n  - {{address: {peer}, remote-as: external}}\n"
            f"networks:\n{nets}route-maps:\n{ROUTE_MAPS}")


def snapshot(d):
    s = d.ctl_json("show", "bgp", "summary")
    (p,) = s["peers"]
    return {"fds": len(os.listdir(f"/proc/{d.proc.pid}/fd")),
            "established": p["state"] == "established",
            "received": int(p["prefixes_received"]), "sent": int(p["prefixes_sent"]),
            "rib": int(s["rib_prefixes"]), "attribute_sets": int(s["rib_attribute_sets"])}


def test_hundred_flaps_leave_nothing_behind(netns_factory, tmp_path):
    left_ns, right_ns = router_and_peers(netns_factory, ["192.0.2.2"], "left", "right")
    left = Daemon(left_ns, config(65101, "10.0.0.11", "192.0.2.2",
                                  [f"10.11.{i}.0/24" for i in range(5)]), tmp_path, "left")
    right = Daemon(right_ns, config(65000, "10.0.0.1", "192.0.2.1",
                                    [f"10.1.{i}.0/24" for i in range(5)]), tmp_path, "right")
    try:
        left.wait_api()
        right.wait_api()

        def settled():
            a, b = snapshot(left), snapshot(right)
            ok = all(s["established"] and s["received"] == 5 and s["sent"] == 5 for s in (a, b))
            return (a, b) if ok else None

        before = wait_for(settled, 20, "both sessions with every route")
        assert before[0]["attribute_sets"] >= 10  # 5 own + 5 received
        for i in range(FLAPS):
            d = left if i % 2 == 0 else right
            # The reset is done when closctl returns: what settles next is a new session.
            d.ctl("neighbor", "reset", "192.0.2.2" if d is left else "192.0.2.1")
            wait_for(settled, 15, f"the session back after flap {i + 1}")
        after = settled()
        assert after == before, f"before {before}, after {after}"
        for d in (left, right):
            assert d.log_text().count(": session established with") == FLAPS + 1
    finally:
        codes = left.stop(), right.stop()
    # Under AddressSanitizer a leak or memory error makes the exit code non-zero.
    assert codes == (0, 0), left.log_text()[-3000:] + right.log_text()[-3000:]
