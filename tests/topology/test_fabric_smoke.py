"""A leaf and two spines built with Mininet: every router runs closbgpd from
a config that names only its fabric ports, and answers on its own API."""
import pytest

from lib.fabric import Fabric

pytestmark = pytest.mark.topology


def router_config(asn, router_id, ports):
    neighbors = "".join(f"  - interface: {p}\n    remote-as: external\n" for p in ports)
    return f"asn: {asn}\nrouter-id: {router_id}\nneighbors:\n{neighbors}networks: [{router_id}/32]\n"


@pytest.fixture
def fabric(tmp_path):
    f = Fabric(tmp_path)
    yield f
    f.stop()


def test_every_router_runs_and_answers(fabric):
    leaf = fabric.router("leaf1")
    spines = [fabric.router("spine1"), fabric.router("spine2")]
    for s in spines:
        fabric.link(leaf, s)
    fabric.start()
    assert "swp1" in leaf.intfNames() and "swp2" in leaf.intfNames()

    fabric.run_closbgpd(leaf, router_config(65101, "10.0.0.11", ["swp1", "swp2"]))
    for i, s in enumerate(spines, start=1):
        fabric.run_closbgpd(s, router_config(65000, f"10.0.0.{i}", ["swp1"]))
    for h in [leaf, *spines]:
        fabric.wait_api(h)

    leaf_summary = fabric.ctl_json(leaf, "show", "bgp", "summary")
    assert leaf_summary["router_id"] == "10.0.0.11"
    assert sorted(p["interface"] for p in leaf_summary["peers"]) == ["swp1", "swp2"]
    for i, s in enumerate(spines, start=1):
        summary = fabric.ctl_json(s, "show", "bgp", "summary")
        assert summary["router_id"] == f"10.0.0.{i}"
        assert summary["local_as"] == 65000
