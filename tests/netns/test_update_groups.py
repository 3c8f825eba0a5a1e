"""Update groups through a live router: three eBGP neighbours of one
closbgpd share one group; a path never goes back to its source, and when
the best path moves from one neighbour to another, the old source is sent
it and the new one gets a withdrawal."""
import pytest

from lib.bgp_speaker import ScriptedPeer
from lib.netns import Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

PEERS = {"192.0.2.2": 65001, "192.0.2.3": 65002, "192.0.2.4": 65003}
P = "10.99.0.0/24"


@pytest.fixture
def spine(netns_factory, tmp_path):
    dut_ns, peers_ns = router_and_peers(netns_factory, PEERS, "spine", "leaves")
    neighbors = "".join(f"  - {{address: {a}, remote-as: {asn}}}\n" for a, asn in PEERS.items())
    d = Daemon(dut_ns, "asn: 65000\nrouter-id: 10.0.0.1\nfib: {enabled: false}\n"
               f"neighbors:\n{neighbors}", tmp_path, "spine")
    d.wait_api()
    peers = {}
    try:
        for a, asn in PEERS.items():
            peers[a] = ScriptedPeer(peers_ns.name, a, "192.0.2.1", asn)
        yield d, peers
    finally:
        for p in peers.values():
            p.close()
        d.stop()


def sent(d):
    return {p["address"]: int(p.get("prefixes_sent", 0))
            for p in d.ctl_json("show", "bgp", "summary")["peers"]}


def test_best_path_moving_between_members(spine):
    d, peers = spine
    a, b, c = (peers[x] for x in PEERS)
    a.announce(P)
    wait_for(lambda: P in b.snapshot()[0] and P in c.snapshot()[0], 10, "P at b and c")
    assert b.snapshot()[0][P] == [65000, 65001]
    assert P not in a.snapshot()[0]  # never back to its source
    assert sent(d) == {"192.0.2.2": 0, "192.0.2.3": 1, "192.0.2.4": 1}
    assert "in an update group of 3" in d.log_text()

    # b announces it too; a (lower router-id) stays best: nothing changes.
    b.announce(P)
    a.withdraw(P)
    # Now b's path is the best: a is sent it, b is withdrawn from, c updated.
    wait_for(lambda: a.snapshot()[0].get(P) == [65000, 65002], 10, "P via b at a")
    wait_for(lambda: P not in b.snapshot()[0], 10, "P withdrawn from b")
    wait_for(lambda: c.snapshot()[0].get(P) == [65000, 65002], 10, "P via b at c")
    assert b.snapshot()[1].get(P, 0) >= 1
    wait_for(lambda: sent(d) == {"192.0.2.2": 1, "192.0.2.3": 0, "192.0.2.4": 1}, 5,
             "per-member prefixes sent")

    # The last path goes: withdrawn from everyone who had it.
    b.withdraw(P)
    wait_for(lambda: P not in a.snapshot()[0] and P not in c.snapshot()[0], 10, "P gone")
    assert sent(d) == {"192.0.2.2": 0, "192.0.2.3": 0, "192.0.2.4": 0}
