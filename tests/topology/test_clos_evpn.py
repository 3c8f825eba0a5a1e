"""The example fabric with its EVPN-VXLAN overlay (examples/clos.py --evpn),
closbgpd and FRR mixed in both tiers: spine1, leaf1 and leaf2 run
closbgpd, spine2 and leaf3 FRR. Each leaf has VNIs 100 and 200 and the
tenant's L3 VNI 4000; tenant1 (leaf1) and tenant3 (leaf3) share VNI 100's
segment, tenant2 (leaf2) is in VNI 200. wait_converged() has checked every
flood list (type 3) and every remote tenant host's route through the L3
VNI (type 2 with the L3 VNI) on every leaf; here, what flows over them."""
import pytest
import clos_evpn
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


def test_an_anycast_gateway_advertised_by_two_leaves_stays_local(clos):
    """advertise-default-gw on leaf1 (closbgpd) and leaf3 (FRR): each sends
    its SVIs' MAC/IP routes with the Default Gateway community. The gateway
    is anycast (one MAC and address on every leaf), so another leaf's claim
    on it is never installed: leaf1 and leaf2 (closbgpd) keep it local, and
    every tenant host still reaches every other. Undone at the end."""
    overlay = clos.overlay
    leaf3 = clos.routers["leaf3"]
    vtep1, vtep3 = clos.routers["leaf1"].loopback, leaf3.loopback
    frr3 = clos.fabric.frr["leaf3"]
    evpn3 = ("configure terminal", f"router bgp {leaf3.asn}", "address-family l2vpn evpn")

    def gateway_paths(leaf):
        """(next hop, communities) of the anycast gateway's MAC/IP routes in leaf's table."""
        routes = clos.fabric.ctl_json(clos.hosts[leaf], "show", "bgp", "evpn", "routes", "type",
                                      "2")["routes"]
        return sorted((p["next_hop"], tuple(p["ext_communities"])) for r in routes
                      if "[172.16.1.254]" in r["route"] for p in r["paths"])

    rc, out = clos.reconfigure("leaf1", extra="  advertise-default-gw: true\n")
    assert rc == 0 and "evpn SVI advertisement changed" in out, out
    frr3.vtysh(*evpn3, "advertise-default-gw")
    try:
        wait_for(lambda: {nh for nh, _ in gateway_paths("leaf2")} == {vtep1, vtep3}, 15,
                 "leaf1's and leaf3's gateway routes at leaf2")
        mac = clos_evpn.GATEWAY_MACS[100]
        assert all("default-gw" in ext for _, ext in gateway_paths("leaf2")), gateway_paths("leaf2")
        assert {nh for nh, _ in gateway_paths("leaf1")} == {vtep1, vtep3}  # ours and leaf3's
        for name in ("leaf1", "leaf2"):
            leaf = clos.hosts[name]
            fdb = leaf.cmd("bridge fdb show dev vxlan100")
            assert not any(line.startswith(mac) for line in fdb.splitlines()), (name, fdb)
            neigh = leaf.cmd("ip neigh show dev br100")
            assert "172.16.1.254 " not in neigh, (name, neigh)
        for src in overlay.tenants:
            for dst in overlay.tenants:
                if src != dst:
                    ok, ping = overlay.ping(src, dst)
                    assert ok, ping
    finally:
        frr3.vtysh(*evpn3, "no advertise-default-gw")
        rc, out = clos.reconfigure("leaf1")
    assert rc == 0, out
    wait_for(lambda: not gateway_paths("leaf2"), 15, "the gateway routes withdrawn")
