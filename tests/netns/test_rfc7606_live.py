"""RFC 7606 inside a live session: a scripted peer sends malformed UPDATEs;
treat-as-withdraw withdraws and keeps the session, attribute-discard installs
the route without the attribute, and a session-reset case gets the exact
NOTIFICATION. A well-formed sentinel prefix sent last proves that every
UPDATE before it was processed (no sleeps)."""
import socket
import struct

import pytest

from lib.bgp_speaker import ScriptedPeer, message, prefix_nlri, update
from lib.netns import Daemon, router_and_peers, terminate, wait_for
from lib import raw_peer

pytestmark = pytest.mark.netns

AS_PATH = bytes.fromhex("4002060201") + struct.pack("!I", 65002)
NEXT_HOP = bytes.fromhex("400304") + socket.inet_aton("192.0.2.2")
VALID = raw_peer.valid_attributes()


@pytest.fixture
def dut(netns_factory, tmp_path):
    dut_ns, peer_ns = router_and_peers(netns_factory, ["192.0.2.2"], "dut", "peer")
    cfg = ("asn: 65101\nrouter-id: 10.0.0.11\n"
           "neighbors:\n  - {address: 192.0.2.2, remote-as: 65002}\n")
    d = Daemon(dut_ns, cfg, tmp_path, "dut")
    d.wait_api()
    yield d, peer_ns, tmp_path
    d.stop()


def routes(d):
    return {r["prefix"]: r for r in d.ctl_json("show", "bgp", "routes")}


def test_survivable_errors_keep_the_session(dut):
    d, peer_ns, tmp = dut
    messages = [
        update(attributes=VALID, nlri=prefix_nlri("10.9.1.0/24")),
        # COMMUNITIES of 5 octets: treat-as-withdraw (never installed).
        update(attributes=VALID + bytes.fromhex("c008050000000000"), nlri=prefix_nlri("10.9.2.0/24")),
        # ORIGIN value 7 on an installed prefix: treat-as-withdraw removes it.
        update(attributes=bytes.fromhex("40010107") + AS_PATH + NEXT_HOP, nlri=prefix_nlri("10.9.1.0/24")),
        # LOCAL_PREF from an eBGP peer: discarded, route installed.
        update(attributes=VALID + bytes.fromhex("40050400000064"), nlri=prefix_nlri("10.9.3.0/24")),
        # ATOMIC_AGGREGATE of 1 octet: discarded, route installed.
        update(attributes=VALID + bytes.fromhex("40060100"), nlri=prefix_nlri("10.9.4.0/24")),
        # Unknown optional transitive attribute: kept, not an error.
        update(attributes=VALID + bytes.fromhex("c0630201ff"), nlri=prefix_nlri("10.9.5.0/24")),
        # RFC 7607: AS 0 in AS_PATH withdraws an installed prefix; in
        # AGGREGATOR the attribute goes, the route stays.
        update(attributes=VALID, nlri=prefix_nlri("10.9.6.0/24")),
        update(attributes=bytes.fromhex("40010100 40020a0202") + struct.pack("!II", 65002, 0)
               + NEXT_HOP, nlri=prefix_nlri("10.9.6.0/24")),
        update(attributes=VALID + bytes.fromhex("c00708 00000000 0a000001"),
               nlri=prefix_nlri("10.9.7.0/24")),
        update(attributes=VALID, nlri=prefix_nlri("10.9.9.0/24")),  # the sentinel
    ]
    peer = raw_peer.start(peer_ns, tmp, messages)
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        wait_for(lambda: "10.9.9.0/24" in routes(d), 15, "the sentinel prefix")
        r = routes(d)
        assert "10.9.1.0/24" not in r  # withdrawn by treat-as-withdraw
        assert "10.9.2.0/24" not in r
        assert r["10.9.3.0/24"]["accepted"] and "local_pref" not in r["10.9.3.0/24"]
        assert "10.9.4.0/24" in r and "10.9.5.0/24" in r
        assert "10.9.6.0/24" not in r and "10.9.7.0/24" in r
        peers = d.ctl_json("show", "bgp", "summary")["peers"]
        assert peers[0]["state"] == "established"
        log = d.log_text()
        assert "192.0.2.2: UPDATE attribute 8: COMMUNITIES must be a non-zero multiple of 4" in log
        assert "(treat-as-withdraw)" in log and "(attribute-discard)" in log
        assert "AS_PATH contains AS 0 (RFC 7607)" in log
        assert "AGGREGATOR names AS 0 (RFC 7607)" in log
    finally:
        terminate(peer)


def test_session_reset_sends_the_exact_notification(dut):
    d, peer_ns, tmp = dut
    bad_attr = bytes.fromhex("40630100")  # unrecognized well-known attribute
    peer = raw_peer.start(peer_ns, tmp, [update(attributes=VALID + bad_attr, nlri=prefix_nlri("10.9.1.0/24"))])
    try:
        assert raw_peer.next_report(peer) == {"established": True}
        notification = raw_peer.next_report(peer)
        assert notification == {"code": 3, "subcode": 2, "data": bad_attr.hex()}
        wait_for(lambda: "Unrecognized Well-known Attribute" in d.log_text(), 5, "the log")
    finally:
        terminate(peer)


def test_malformed_open_and_route_refresh_leave_other_sessions_alone(netns_factory, tmp_path):
    """An OPEN whose capability overruns its parameter gets OPEN Message
    Error; an OPEN from AS 0 gets Bad Peer AS even where any external AS is
    welcome (RFC 7607); a ROUTE-REFRESH of the wrong length gets
    ROUTE-REFRESH Message Error / Invalid Message Length (RFC 7313);
    another neighbour's session is never touched."""
    dut_ns, peer_ns = router_and_peers(netns_factory, ["192.0.2.2", "192.0.2.3"], "dut", "peer")
    cfg = ("asn: 65101\nrouter-id: 10.0.0.11\n"
           "neighbors:\n  - {address: 192.0.2.2, remote-as: external}\n"
           "  - {address: 192.0.2.3, remote-as: 65003}\n")
    d = Daemon(dut_ns, cfg, tmp_path, "dut")
    other = None
    try:
        d.wait_api()
        other = ScriptedPeer(peer_ns.name, "192.0.2.3", "192.0.2.1", 65003)
        bad_open = message(1, bytes.fromhex("04 fdea 00b4 0a000002 04 02 02 4104"))
        peer = raw_peer.start(peer_ns, tmp_path, [bad_open])
        try:
            assert raw_peer.next_report(peer) == {"code": 2, "subcode": 0, "data": ""}
        finally:
            terminate(peer)
        peer = raw_peer.start(peer_ns, tmp_path, [], asn=0)
        try:
            assert raw_peer.next_report(peer) == {"code": 2, "subcode": 2, "data": ""}
        finally:
            terminate(peer)
        wait_for(lambda: "RFC 7607" in d.log_text(), 5, "the log to name RFC 7607")
        bad_refresh = message(5, bytes.fromhex("0001 00 01 00"))
        peer = raw_peer.start(peer_ns, tmp_path, [bad_refresh])
        try:
            assert raw_peer.next_report(peer) == {"established": True}
            assert raw_peer.next_report(peer) == {"code": 7, "subcode": 1, "data": bad_refresh.hex()}
        finally:
            terminate(peer)
        states = {p["address"]: p["state"] for p in d.ctl_json("show", "bgp", "summary")["peers"]}
        assert states["192.0.2.3"] == "established"
        assert d.log_text().count("192.0.2.3: session established") == 1
    finally:
        if other:
            other.close()
        d.stop()
