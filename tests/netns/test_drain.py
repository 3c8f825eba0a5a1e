"""Drain states against a live closbgpd with two scripted eBGP neighbours:
WARM at start until the initial tables are in, then LIVE; DRAINED sends
GRACEFUL_SHUTDOWN and a longer AS path, for the node or one neighbour; WARM
sends nothing; the state survives a restart (state file)."""
import time

import pytest

from lib.bgp_speaker import ScriptedPeer
from lib.netns import Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

A, B = "192.0.2.2", "192.0.2.3"
GSHUT = 0xFFFF0000
CONFIG = """asn: 65000
router-id: 10.0.0.1
fib: {enabled: false}
drain: {prepend: 2, warm-up: 30}
neighbors:
  - {address: 192.0.2.2, remote-as: 65001}
  - {address: 192.0.2.3, remote-as: 65002}
networks: [10.50.0.0/24]
"""


@pytest.fixture
def link(netns_factory, tmp_path):
    return (*router_and_peers(netns_factory, (A, B)), tmp_path)


def start(dut_ns, peers_ns, tmp):
    d = Daemon(dut_ns, CONFIG, tmp, "dut")
    d.wait_api()
    return d, ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001), ScriptedPeer(
        peers_ns.name, B, "192.0.2.1", 65002)


def seen(peer, prefix):
    routes, _ = peer.snapshot()
    return (routes[prefix], peer.communities.get(prefix)) if prefix in routes else None


def node_state(d):
    return d.ctl_json("show", "bgp", "summary")["drain_state"]


def test_drain_states(link):
    dut_ns, peers_ns, tmp = link
    d, a, b = start(dut_ns, peers_ns, tmp)
    try:
        # WARM until both neighbours' initial tables are in, then LIVE.
        wait_for(lambda: seen(b, "10.50.0.0/24") == ([65000], []), 15, "the network at b")
        assert node_state(d) == "live"
        log = d.log_text()
        assert log.index("starting WARM") < log.index("initial convergence")
        a.announce("10.60.0.0/24")
        wait_for(lambda: seen(b, "10.60.0.0/24") == ([65000, 65001], []), 10, "a's route at b")

        assert "node is now drained" in d.ctl("drain").stdout
        wait_for(lambda: seen(b, "10.60.0.0/24") == ([65000, 65000, 65000, 65001], [GSHUT]), 10,
                 "the drained route at b")
        assert seen(a, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT])
        peers = d.ctl_json("show", "bgp", "summary")["peers"]
        assert {p["drain_state"] for p in peers} == {"drained"}

        d.ctl("undrain")
        wait_for(lambda: seen(b, "10.60.0.0/24") == ([65000, 65001], []), 10, "undrained at b")

        # One neighbour only.
        assert "neighbour 192.0.2.3 is now drained" in d.ctl("drain", B).stdout
        wait_for(lambda: seen(b, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT]), 10,
                 "b alone drained")
        assert seen(a, "10.50.0.0/24") == ([65000], [])
        r = d.ctl("drain", "192.0.2.99", check=False)
        assert r.returncode == 1 and "no neighbour" in r.stderr

        # WARM: nothing is sent.
        d.ctl("warm")
        wait_for(lambda: seen(b, "10.50.0.0/24") is None and seen(b, "10.60.0.0/24") is None and
                 seen(a, "10.50.0.0/24") is None, 10, "everything withdrawn")

        # Drained at shutdown: drained again after a restart.
        d.ctl("drain")
        d.ctl("undrain", B)
        assert "drain: drained" in (tmp / "dut.yaml.state").read_text()
    finally:
        a.close()
        b.close()
        d.stop()
    time.sleep(0.5)
    d, a, b = start(dut_ns, peers_ns, tmp)
    try:
        wait_for(lambda: seen(b, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT]), 15,
                 "still drained after the restart")
        assert node_state(d) == "drained"
        assert "the node was left drained" in d.log_text()
    finally:
        a.close()
        b.close()
        d.stop()
