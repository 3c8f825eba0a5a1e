"""What a neighbour may send: max-prefix (warn, restart, idle) and the
per-neighbour path-attribute filter, inside live sessions with a scripted
peer (a well-formed sentinel prefix sent last proves that every UPDATE
before it was processed) or another closbgpd over an unnumbered link."""
import time

import pytest

from lib import raw_peer
from lib.bgp_speaker import prefix_nlri, update
from lib.netns import Daemon, router_and_peers, terminate, veth, wait_for

pytestmark = pytest.mark.netns

VALID = raw_peer.valid_attributes()
PEER = "192.0.2.2"


def prefixes(count, base="10.9"):
    return b"".join(prefix_nlri(f"{base}.{i}.0/24") for i in range(count))


def routes(d):
    return {r["prefix"]: r for r in d.ctl_json("show", "bgp", "routes")}


def neighbor(d):
    return d.ctl_json("show", "bgp", "neighbors", PEER)


@pytest.fixture
def dut(netns_factory, tmp_path):
    """Starts closbgpd with `neighbor_extra` (YAML flow items) on its one
    neighbour; stopped at the end of the test."""
    dut_ns, peer_ns = router_and_peers(netns_factory, [PEER], "dut", "peer")
    daemons = []

    def make(neighbor_extra):
        cfg = ("asn: 65101\nrouter-id: 10.0.0.11\ntimers: {connect-retry: 1}\n"
               f"neighbors:\n  - {{address: {PEER}, remote-as: 65002, {neighbor_extra}}}\n")
        d = Daemon(dut_ns, cfg, tmp_path, "dut")
        daemons.append(d)
        d.wait_api()
        return d

    yield make, peer_ns, tmp_path
    for d in daemons:
        d.stop()


# RFC 4486 sec. 4: AFI 1, SAFI 1, the limit 5.
LIMIT_5 = {"code": 6, "subcode": 1, "data": "00010100000005"}


def test_max_prefix_restart_closes_the_session_and_retries_later(dut):
    make, peer_ns, tmp = dut
    d = make("max-prefix: {limit: 5, restart-after: 2}")
    peer = raw_peer.start(peer_ns, tmp, [update(attributes=VALID, nlri=prefixes(4)),
                                         update(attributes=VALID, nlri=prefixes(2, "10.8"))])
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        assert raw_peer.next_report(peer) == LIMIT_5
        n = wait_for(lambda: (lambda n: n if n.get("max_prefix_exceeded") else None)(neighbor(d)), 5,
                     "the neighbour to show the limit exceeded")
        assert n["max_prefix"] == 5 and n["state"] != "established"
        assert routes(d) == {}  # nothing of the session that broke the limit is left
        summary = d.ctl("show", "bgp", "summary").stdout
        assert "Idle (PfxCt)" in summary
        log = d.log_text()
        assert f"{PEER}: 4 prefixes received, close to max-prefix 5" in log
        assert f"{PEER}: 6 prefixes received, more than max-prefix 5: closing the session; it restarts in 2 s" in log
        # After restart-after the neighbour starts again by itself.
        wait_for(lambda: not neighbor(d).get("max_prefix_exceeded"), 6, "the restart")
        assert f"{PEER}: restarting after max-prefix" in d.log_text()
    finally:
        terminate(peer)


def test_max_prefix_idle_waits_for_the_operator(dut):
    make, peer_ns, tmp = dut
    d = make("max-prefix: {limit: 5, action: idle}")
    peer = raw_peer.start(peer_ns, tmp, [update(attributes=VALID, nlri=prefixes(6))])
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        assert raw_peer.next_report(peer) == LIMIT_5
        wait_for(lambda: neighbor(d).get("max_prefix_exceeded"), 5, "the limit to be exceeded")
        assert f"it stays down until `closctl neighbor enable {PEER}`" in d.log_text()
        assert "restarting after max-prefix" not in d.log_text()
        d.ctl("neighbor", "enable", PEER)
        assert not neighbor(d).get("max_prefix_exceeded")
    finally:
        terminate(peer)


def test_max_prefix_warn_keeps_the_session(dut):
    make, peer_ns, tmp = dut
    d = make("max-prefix: {limit: 5, action: warn}")
    peer = raw_peer.start(peer_ns, tmp, [update(attributes=VALID, nlri=prefixes(6)),
                                         update(attributes=VALID, nlri=prefix_nlri("10.7.0.0/24"))])
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        wait_for(lambda: "10.7.0.0/24" in routes(d), 10, "the sentinel")
        assert len(routes(d)) == 7
        n = neighbor(d)
        assert n["state"] == "established" and not n.get("max_prefix_exceeded")
        log = d.log_text()
        assert "more than max-prefix 5 (action warn: the session stays)" in log
        assert log.count("more than max-prefix") == 1  # said once, not per UPDATE
    finally:
        terminate(peer)


def test_expected_routes_makes_room_and_a_changed_hint_reimports_nothing(dut):
    make, peer_ns, tmp = dut
    d = make("expected-routes: {ipv4-unicast: 20000}")
    peer = raw_peer.start(peer_ns, tmp, [update(attributes=VALID, nlri=prefixes(3))])
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        wait_for(lambda: len(routes(d)) == 3, 10, "the routes")
        assert f"{PEER}: room made for 20000 IPv4 and 0 IPv6 prefixes (expected-routes)" in d.log_text()
        # A hint (or a limit) is the session's: a reload that changes it
        # leaves the paths as imported and asks the peer for nothing.
        d.config.write_text(d.config.read_text().replace("20000", "30000"))
        changes = d.ctl("config", "reload").stdout
        assert f"neighbor {PEER}: max-prefix, expected-routes or path-attribute updated" in changes
        assert "policy re-applied" not in changes
        n = neighbor(d)
        assert n["state"] == "established" and len(routes(d)) == 3
        assert "30000" in d.ctl("show", "running-config").stdout
    finally:
        terminate(peer)


# Attribute 99 sent as well-known (Optional bit clear): unrecognized, which
# RFC 4271 answers with a session reset, unless the filter drops it first.
WELL_KNOWN_99 = bytes.fromhex("40630100")
OPTIONAL_100 = bytes.fromhex("c0640100")


def test_path_attribute_filter_discards_or_withdraws_before_parsing(dut):
    make, peer_ns, tmp = dut
    d = make("path-attribute: {discard: [99], treat-as-withdraw: [100]}")
    messages = [
        update(attributes=VALID + WELL_KNOWN_99, nlri=prefix_nlri("10.9.1.0/24")),
        update(attributes=VALID + WELL_KNOWN_99, nlri=prefix_nlri("10.9.2.0/24")),
        update(attributes=VALID, nlri=prefix_nlri("10.9.3.0/24")),
        update(attributes=VALID + OPTIONAL_100, nlri=prefix_nlri("10.9.3.0/24")),  # withdraws it
        update(attributes=VALID, nlri=prefix_nlri("10.9.9.0/24")),  # the sentinel
    ]
    peer = raw_peer.start(peer_ns, tmp, messages, route_refresh=True)
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        wait_for(lambda: "10.9.9.0/24" in routes(d), 10, "the sentinel")
        r = routes(d)
        assert "10.9.1.0/24" in r and "10.9.2.0/24" in r and "10.9.3.0/24" not in r
        n = neighbor(d)
        assert n["state"] == "established"
        assert int(n["updates_filtered"]) == 3 and int(n.get("rfc7606_events", 0)) == 0
        log = d.log_text()
        assert f"{PEER}: UPDATE attribute 99 discarded as configured" in log
        assert f"{PEER}: UPDATE attribute 100 withdraws the route as configured" in log
        assert log.count("attribute 99 discarded") == 1  # once per session, then counted

        # A changed filter applies to the running session and asks the peer
        # for its routes again, so paths already received are filtered too.
        d.config.write_text(d.config.read_text().replace("discard: [99]", "discard: [99, 32]"))
        changes = d.ctl("config", "reload").stdout
        assert f"neighbor {PEER}: max-prefix, expected-routes or path-attribute updated" in changes
        assert raw_peer.next_report(peer) == {"route_refresh": [1, 1]}
        assert neighbor(d)["state"] == "established"
    finally:
        terminate(peer)


def test_max_prefix_idle_holds_an_interface_neighbour(netns_factory, tmp_path):
    """An unnumbered neighbour stopped by max-prefix stays down although its
    link is up (the interface scan must not restart it) until enabled; six
    networks from the other closbgpd exceed the limit again."""
    a, b = netns_factory("leaf"), netns_factory("spine")
    veth(a, "swp1", b, "swp1")
    base = ("asn: {asn}\nrouter-id: {rid}\ntimers: {{connect-retry: 1}}\n"
            "neighbors:\n  - {{interface: swp1, remote-as: external, bfd: false{extra}}}\n")
    leaf = Daemon(a, base.format(asn=65101, rid="10.0.0.11",
                                 extra=", max-prefix: {limit: 5, action: idle}"), tmp_path, "leaf")
    nets = "networks: [" + ", ".join(f"10.1.{i}.0/24" for i in range(6)) + "]\n"
    spine = Daemon(b, base.format(asn=65000, rid="10.0.0.1", extra="") + nets, tmp_path, "spine")
    try:
        leaf.wait_api()
        spine.wait_api()

        def exceeded():
            return leaf.ctl_json("show", "bgp", "neighbors", "swp1").get("max_prefix_exceeded")

        wait_for(exceeded, 20, "the limit to stop the session")
        time.sleep(2.5)  # two interface scans
        assert exceeded()
        assert leaf.log_text().count("more than max-prefix 5: closing the session") == 1
        leaf.ctl("neighbor", "enable", "swp1")
        wait_for(lambda: leaf.log_text().count("more than max-prefix 5: closing") == 2, 20,
                 "the session to come back and exceed the limit again")
    finally:
        leaf.stop()
        spine.stop()
