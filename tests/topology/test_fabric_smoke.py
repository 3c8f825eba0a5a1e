"""A leaf and two spines built with Mininet: every router runs closbgpd from a
config that names only fabric ports (the spines with a "swp*" pattern), the
sessions come up unnumbered, and the leaf learns both spines' loopbacks."""
import pytest

from lib.fabric import Fabric
from lib.netns import wait_for

pytestmark = pytest.mark.topology


def router_config(asn, router_id, interfaces):
    neighbors = "".join(f"  - interface: \"{i}\"\n    remote-as: external\n" for i in interfaces)
    return (f"asn: {asn}\nrouter-id: {router_id}\n"
            f"timers: {{keepalive: 1, hold: 3, connect-retry: 2}}\n"
            f"neighbors:\n{neighbors}networks: [{router_id}/32]\n")


@pytest.fixture
def fabric(tmp_path):
    f = Fabric(tmp_path)
    yield f
    f.stop()


def test_leaf_and_spines_peer_by_interface(fabric):
    leaf = fabric.router("leaf1")
    spines = [fabric.router("spine1"), fabric.router("spine2")]
    for s in spines:
        fabric.link(leaf, s)
    fabric.start()

    fabric.run_closbgpd(leaf, router_config(65101, "10.0.0.11", ["swp1", "swp2"]))
    for i, s in enumerate(spines, start=1):
        fabric.run_closbgpd(s, router_config(65000, f"10.0.0.{i}", ["swp*"]))
    for h in [leaf, *spines]:
        fabric.wait_api(h)

    def established_peers():
        peers = fabric.ctl_json(leaf, "show", "bgp", "summary")["peers"]
        return sorted(p["interface"] for p in peers if p["state"] == "SESSION_STATE_ESTABLISHED")

    wait_for(lambda: established_peers() == ["swp1", "swp2"], 30, "both uplinks Established")

    def leaf_routes():
        return {(r["prefix"], r["peer"]) for r in fabric.ctl_json(leaf, "show", "bgp", "routes")}

    wait_for(lambda: {("10.0.0.1/32", "swp1"), ("10.0.0.2/32", "swp2")} <= leaf_routes(), 15,
             "each spine's loopback at the leaf")
    for i, s in enumerate(spines, start=1):
        summary = fabric.ctl_json(s, "show", "bgp", "summary")
        assert summary["router_id"] == f"10.0.0.{i}"
        assert [p["interface"] for p in summary["peers"]] == ["swp1"]  # matched by "swp*"
        assert summary["peers"][0]["remote_as"] == 65101
