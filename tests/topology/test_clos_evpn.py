"""The example fabric with its EVPN-VXLAN overlay (examples/clos.py --evpn),
closbgpd and FRR mixed in both tiers: spine1, leaf1 and leaf2 run
closbgpd, spine2 and leaf3 FRR. Each leaf has VNIs 100 and 200 and the
tenant's L3 VNI 4000; tenant1 (leaf1) and tenant3 (leaf3) share VNI 100's
segment, tenant2 (leaf2) is in VNI 200. wait_converged() has checked every
flood list (type 3) and every remote tenant host's route through the L3
VNI (type 2 with the L3 VNI) on every leaf; here, what flows over them."""
import pytest
from clos import Clos, running

from lib.netns import wait_for

pytestmark = pytest.mark.topology


@pytest.fixture(scope="module")
def clos(tmp_path_factory):
    fabric = Clos(tmp_path_factory.mktemp("evpn"), spines=2, leaves=3, frr=("spine2", "leaf3"),
                  evpn=True)
    with running(fabric) as c:
        c.wait_converged()
        yield c


def test_tenant_hosts_reach_each_other_bridged_and_routed(clos):
    overlay = clos.overlay
    bridged, routed = overlay.pairs()
    assert [t.name for t in bridged] == ["tenant1", "tenant3"]  # closbgpd and FRR, one segment
    assert [t.name for t in routed] == ["tenant1", "tenant2"]
    for src in overlay.tenants:
        for dst in overlay.tenants:
            if src != dst:
                ok, out = overlay.ping(src, dst)
                assert ok, out
    # Bridged: tenant3's MAC at leaf1 behind leaf3's VTEP; routed: one hop
    # per leaf (TTL 64 - 2) between the segments.
    mac3 = clos.hosts["tenant3"].cmd("cat /sys/class/net/eth0/address").strip()
    fdb = clos.hosts["leaf1"].cmd("bridge fdb show dev vxlan100")
    assert f"{mac3} dst 10.0.0.5 self extern_learn" in fdb, fdb
    assert "ttl=62" in overlay.ping("tenant1", "tenant2")[1]


def test_the_underlay_never_carries_the_tenant(clos):
    # FRR's leaf sends its tenant subnets (and the host routes it imports)
    # as unicast too; the fabric's accept lists turn them away. Tenant
    # routes exist only on leaves, only through the L3 VNI.
    for r in clos.routers.values():
        routes = clos.fabric.ip_json(clos.hosts[r.name], "-4", "route", "show", "proto", "bgp",
                                     "root", "172.16.0.0/16")
        if r.role == "spine":
            assert routes == [], (r.name, routes)
        else:
            assert routes and all(x["dev"] == "br4000" for x in routes), (r.name, routes)


def test_a_closbgpd_leaf_holds_the_frr_leafs_evpn_routes(clos):
    leaf1 = clos.hosts["leaf1"]
    prefixes = clos.fabric.ctl_json(leaf1, "show", "bgp", "evpn", "routes", "type", "5")["routes"]
    from_leaf3 = sorted(r["route"] for r in prefixes
                        if any(p["next_hop"] == "10.0.0.5" for p in r["paths"]))
    assert from_leaf3 == ["[5]:[0]:[24]:[172.16.1.0]", "[5]:[0]:[24]:[172.16.2.0]"], prefixes
    vnis = clos.fabric.ctl_json(leaf1, "show", "evpn", "vni")
    l2 = {v["vni"]: v for v in vnis["vnis"]}
    assert sorted(l2) == [100, 200], vnis
    assert sorted(l2[100]["remote_vteps"]) == ["10.0.0.4", "10.0.0.5"], vnis


def test_a_tenant_host_that_goes_away_is_withdrawn_from_every_leaf(clos):
    overlay = clos.overlay
    tenant1 = overlay.tenants["tenant1"]
    leaf1 = clos.hosts["leaf1"]
    others = [clos.routers["leaf2"], clos.routers["leaf3"]]  # closbgpd and FRR
    leaf1.cmd(f"ip link set {tenant1.port} down")
    try:
        wait_for(lambda: all(overlay.host_route(leaf, tenant1) is None for leaf in others), 10,
                 "tenant1's host route gone from leaf2 and leaf3")
    finally:
        leaf1.cmd(f"ip link set {tenant1.port} up")
    # Back when it speaks again.
    wait_for(lambda: overlay.ping("tenant1", "tenant2")[0], 15, "tenant1 pinging tenant2 again")
    wait_for(lambda: not overlay.missing(), 15, "the overlay converged again")
