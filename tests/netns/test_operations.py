"""Operations against a live closbgpd with two scripted eBGP neighbours.
Drain: WARM at start until the initial tables are in, then LIVE; DRAINED
sends GRACEFUL_SHUTDOWN and a longer AS path, for the node or one
neighbour; WARM sends nothing. Routes added through the API. Both survive a
restart (the state file)."""
import contextlib
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


@contextlib.contextmanager
def running(dut_ns, peers_ns, tmp):
    """closbgpd and its two neighbours, stopped afterwards (a restart is a
    second `with`: the state file stays)."""
    d = Daemon(dut_ns, CONFIG, tmp, "dut")
    peers = []
    try:
        d.wait_api()
        peers = [ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001),
                 ScriptedPeer(peers_ns.name, B, "192.0.2.1", 65002)]
        yield d, *peers
    finally:
        for p in peers:
            p.close()
        d.stop()
        time.sleep(0.5)


def seen(peer, prefix):
    routes, _ = peer.snapshot()
    return (routes[prefix], peer.communities.get(prefix)) if prefix in routes else None


def node_state(d):
    return d.ctl_json("show", "bgp", "summary")["drain_state"]


def test_drain_states(link):
    dut_ns, peers_ns, tmp = link
    with running(dut_ns, peers_ns, tmp) as (d, a, b):
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
        wait_for(lambda: seen(a, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT]), 10,
                 "the drained network at a")
        peers = d.ctl_json("show", "bgp", "summary")["peers"]
        assert {p["drain_state"] for p in peers} == {"drained"}

        d.ctl("undrain")
        wait_for(lambda: seen(b, "10.60.0.0/24") == ([65000, 65001], []), 10, "undrained at b")
        # Each neighbour's UPDATE is its own send: wait for a's too.
        wait_for(lambda: seen(a, "10.50.0.0/24") == ([65000], []), 10, "undrained at a")

        # One neighbour only.
        assert "neighbour 192.0.2.3 is now drained" in d.ctl("drain", B).stdout
        wait_for(lambda: seen(b, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT]), 10,
                 "b alone drained")
        assert seen(a, "10.50.0.0/24") == ([65000], []), "a stays undrained"
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
    with running(dut_ns, peers_ns, tmp) as (d, a, b):
        wait_for(lambda: seen(b, "10.50.0.0/24") == ([65000, 65000, 65000], [GSHUT]), 15,
                 "still drained after the restart")
        assert node_state(d) == "drained"
        assert "the node was left drained" in d.log_text()


def test_routes_added_through_the_api(link):
    dut_ns, peers_ns, tmp = link
    with running(dut_ns, peers_ns, tmp) as (d, a, b):
        wait_for(lambda: seen(b, "10.50.0.0/24"), 15, "live")
        out = d.ctl("route", "add", "10.77.0.1/32", "community", "65000:7,no-export", "med", "5")
        assert "route 10.77.0.1/32 originated" in out.stdout
        wait_for(lambda: seen(b, "10.77.0.1/32") == ([65000], [65000 << 16 | 7, 0xFFFFFF01]), 10,
                 "the service address at b")
        # Added again: replaced.
        d.ctl("route", "add", "10.77.0.1/32", "community", "65000:8")
        wait_for(lambda: seen(b, "10.77.0.1/32") == ([65000], [65000 << 16 | 8]), 10, "replaced")
        for args, says in [(["10.50.0.0/24"], "originated by the configuration"),
                           (["10.77.0.2/32", "community", "65000:99999"], "not a community"),
                           (["10.77.0.0/33"], "not a prefix")]:
            r = d.ctl("route", "add", *args, check=False)
            assert r.returncode == 1 and says in r.stderr, (args, r.stderr)
        assert d.ctl("route", "del", "10.1.1.1/32", check=False).returncode == 1
        assert "routes:" in (tmp / "dut.yaml.state").read_text()
    with running(dut_ns, peers_ns, tmp) as (d, a, b):
        wait_for(lambda: seen(b, "10.77.0.1/32") == ([65000], [65000 << 16 | 8]), 15,
                 "the route again after a restart")
        assert "route 10.77.0.1/32 withdrawn" in d.ctl("route", "del", "10.77.0.1/32").stdout
        wait_for(lambda: seen(b, "10.77.0.1/32") is None, 10, "withdrawn at b")
