"""What closbgpd puts on the wire (TTL 255, DSCP CS6) and RFC 5082 TTL
security, checked with tshark and against FRR."""
import subprocess
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, run, veth, wait_for

pytestmark = pytest.mark.netns


def config(asn, router_id, ttl_security=False):
    return (f"asn: {asn}\nrouter-id: {router_id}\n"
            "timers: {keepalive: 1, hold: 3, connect-retry: 2}\n"
            f"neighbors:\n  - interface: swp1\n    remote-as: external\n"
            f"    ttl-security: {'true' if ttl_security else 'false'}\n"
            f"networks: [{router_id}/32]\n")


def state(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0]["state"] if peers else None


@pytest.fixture
def pair(netns_factory, tmp_path):
    leaf, spine = netns_factory("leaf"), netns_factory("spine")
    veth(leaf, "swp1", spine, "swp1")
    return leaf, spine, tmp_path


def test_bgp_packets_carry_ttl_255_and_dscp_cs6(pair):
    leaf_ns, spine_ns, tmp = pair
    pcap = tmp / "bgp.pcap"
    cap = leaf_ns.popen("tshark", "-q", "-i", "swp1", "-f", "tcp port 179", "-w", str(pcap),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: pcap.exists(), 15, "tshark to start capturing")
    time.sleep(0.5)
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1"), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: state(leaf) == "established", 20, "the session")
        time.sleep(1.5)  # a few keepalives
    finally:
        leaf.stop()
        spine.stop()
        cap.terminate()
        cap.wait()
    # Every packet of our sockets, handshake included. Resets are left out:
    # the kernel sends them from its own control socket with default TTL.
    rows = run("tshark", "-r", str(pcap), "-Y", "tcp.port == 179 && tcp.flags.reset == 0",
               "-T", "fields",
               "-e", "ipv6.hlim", "-e", "ipv6.tclass.dscp").stdout.split("\n")
    rows = [r.split("\t") for r in rows if r.strip()]
    assert len(rows) >= 10
    assert {tuple(r) for r in rows} == {("255", "48")}


def test_ttl_security_requires_255(pair):
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", ttl_security=True), tmp, "leaf")
    # FRR sends TTL 1 to an eBGP neighbour unless told otherwise: never up.
    frr = FrrNode(spine_ns, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"]), tmp)
    try:
        leaf.wait_api()
        time.sleep(8)
        assert state(leaf) != "established"
        assert "Established" not in frr.vtysh("show bgp summary")
    finally:
        frr.stop()
        leaf.stop()
    # With ttl-security on FRR too, it sends 255 and the session comes up.
    # (The daemon is restarted because its connection to the first FRR waits
    # out the OpenSent hold time: even that FRR's FIN arrived with TTL 1.)
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11", ttl_security=True), tmp, "leaf2")
    frr = FrrNode(spine_ns, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"],
                                              ttl_security=True), tmp)
    try:
        wait_for(lambda: state(leaf) == "established", 30,
                 "the session once FRR sends TTL 255")
    finally:
        leaf.stop()
        frr.stop()


BLOCK_BGP = """table inet closbgp_block_bgp {
  chain input { type filter hook input priority -400; tcp dport 179 drop; tcp sport 179 drop; }
  chain output { type filter hook output priority -400; tcp dport 179 drop; tcp sport 179 drop; }
}
"""


def test_blackholed_bgp_expires_the_hold_timer_while_bfd_stays_up(pair):
    """TCP port 179 silently dropped on a link whose BFD still runs: the
    hold timer (3 s here) ends the session and its NOTIFICATION 4/0 is
    sent (and lost); BFD, which sees a healthy path, stays Up."""
    leaf_ns, spine_ns, tmp = pair
    leaf = Daemon(leaf_ns, config(65101, "10.0.0.11"), tmp, "leaf")
    spine = Daemon(spine_ns, config(65000, "10.0.0.1"), tmp, "spine")
    try:
        leaf.wait_api()
        wait_for(lambda: state(leaf) == "established", 20, "the session")
        peer = lambda: leaf.ctl_json("show", "bgp", "summary")["peers"][0]  # noqa: E731
        wait_for(lambda: peer()["bfd_state"] == "up", 10, "BFD up")
        leaf_ns.exec("nft", "-f", "-", input=BLOCK_BGP)
        blocked = time.monotonic()
        wait_for(lambda: state(leaf) != "established", 10, "the hold timer")
        elapsed = time.monotonic() - blocked
        assert 1.5 <= elapsed <= 5.0, elapsed  # hold 3 s after the last keepalive
        log = leaf.log_text()
        assert "hold timer expired" in log and "BFD down" not in log
        assert peer()["bfd_state"] == "up"
        assert peer()["last_error"] == "hold timer expired"
        wait_for(lambda: "hold timer expired" in spine.log_text(), 10, "the spine's hold timer")
    finally:
        leaf_ns.exec("nft", "delete", "table", "inet", "closbgp_block_bgp", check=False)
        leaf.stop()
        spine.stop()
