"""Route reflection (RFC 4456) against FRR, over unnumbered iBGP links.

closbgpd as the reflector of two FRR clients: what one client sends
reaches the other with ORIGINATOR_ID (the first client's router-id) and
our cluster id in CLUSTER_LIST, and is installed there through us.

FRR as the reflector, closbgpd one of its clients: the other client's
route reaches us with FRR's ORIGINATOR_ID and CLUSTER_LIST and goes into
our kernel; ours reaches the other client with our router-id as its
originator."""
import json

import pytest

from lib.frr import FrrNode
from lib.netns import Daemon, veth, wait_for

pytestmark = pytest.mark.netns

AS = 65000


def frr_ibgp(hostname, router_id, interfaces, network, clients=False):
    """An FRR router of AS 65000 with an iBGP session over each interface;
    `clients`: it reflects for them, next hop its own (the fabric's links
    are unnumbered: a client's link-local means nothing on another link)."""
    lines = ["frr defaults datacenter", f"hostname {hostname}", "log stdout debugging", "!"]
    for i in interfaces:
        lines += [f"interface {i}", " ipv6 nd ra-interval 3", " no ipv6 nd suppress-ra", "!"]
    lines += [f"router bgp {AS}", f" bgp router-id {router_id}", " no bgp network import-check",
              " timers bgp 1 3"]
    lines += [f" neighbor {i} interface remote-as internal" for i in interfaces]
    lines += [" address-family ipv4 unicast", f"  network {network}"]
    if clients:
        for i in interfaces:
            lines += [f"  neighbor {i} route-reflector-client", f"  neighbor {i} next-hop-self force"]
    lines += [" exit-address-family", "!"]
    return "\n".join(lines) + "\n"


def closbgpd_config(router_id, network, clients):
    neighbors = "".join(
        f"  - {{interface: {i}, remote-as: internal, bfd: false"
        f"{', route-reflector-client: true' if clients else ''}}}\n"
        for i in ("swp1", "swp2") if clients or i == "swp1")
    return (f"asn: {AS}\nrouter-id: {router_id}\n"
            "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
            f"networks: [{network}]\nneighbors:\n{neighbors}")


def frr_path(frr, prefix):
    """FRR's best path for `prefix` (its JSON), or None."""
    out = frr.vtysh(f"show bgp ipv4 unicast {prefix} json")
    paths = json.loads(out or "{}").get("paths", [])
    return next((p for p in paths if p.get("bestpath", {}).get("overall")), None)


def route_detail(d, prefix):
    """closctl's `show bgp route PREFIX` as JSON, or None while it has none."""
    r = d.ctl("--json", "show", "bgp", "route", prefix, check=False)
    return json.loads(r.stdout) if r.returncode == 0 else None


def in_kernel(ns, address):
    return address in ns.ip("-4", "route", "show", address).stdout


def test_closbgpd_reflects_between_two_frr_clients(netns_factory, tmp_path):
    hub_ns = netns_factory("rrhub")
    c1_ns, c2_ns = netns_factory("rrcl1"), netns_factory("rrcl2")
    veth(hub_ns, "swp1", c1_ns, "swp1")
    veth(hub_ns, "swp2", c2_ns, "swp1")
    hub = Daemon(hub_ns, closbgpd_config("10.0.0.100", "10.100.0.0/24", clients=True), tmp_path,
                 "rrhub")
    frrs = []
    try:
        hub.wait_api()
        frrs.append(FrrNode(c1_ns, frr_ibgp("rrcl1", "10.0.0.1", ["swp1"], "10.1.0.1/32"), tmp_path))
        frrs.append(FrrNode(c2_ns, frr_ibgp("rrcl2", "10.0.0.2", ["swp1"], "10.2.0.1/32"), tmp_path))
        c1, c2 = frrs
        # Each client hears the other's route, reflected, and our own.
        for frr, other, originator in ((c2, "10.1.0.1/32", "10.0.0.1"),
                                       (c1, "10.2.0.1/32", "10.0.0.2")):
            path = wait_for(lambda: frr_path(frr, other), 30, f"{other} reflected to {frr.name}")
            assert path.get("originatorId") == originator, path
            assert path.get("clusterList", {}).get("list") == ["10.0.0.100"], path
            assert wait_for(lambda: frr_path(frr, "10.100.0.0/24"), 10, "our own route")
        wait_for(lambda: in_kernel(c2_ns, "10.1.0.1"), 10, "the reflected route in rrcl2's kernel")
        # What we reflected is in each client's Adj-RIB-Out as sent.
        sent = hub.ctl_json("show", "bgp", "neighbors", "swp2", "advertised-routes")
        reflected = [r for r in sent if r["prefix"] == "10.1.0.1/32"]
        assert len(reflected) == 1, sent
        assert hub.ctl_json("show", "bgp", "neighbors", "swp2")["route_reflector_client"]
    finally:
        for frr in frrs:
            frr.stop()
        hub.stop()


def test_closbgpd_as_a_client_of_an_frr_reflector(netns_factory, tmp_path):
    rr_ns, me_ns, other_ns = netns_factory("rrfrr"), netns_factory("rrme"), netns_factory("rrc3")
    veth(rr_ns, "swp1", me_ns, "swp1")
    veth(rr_ns, "swp2", other_ns, "swp1")
    me = Daemon(me_ns, closbgpd_config("10.0.0.11", "10.11.0.0/24", clients=False), tmp_path, "rrme")
    frrs = []
    try:
        me.wait_api()
        frrs.append(FrrNode(rr_ns, frr_ibgp("rrfrr", "10.0.0.200", ["swp1", "swp2"], "10.200.0.0/24",
                                            clients=True), tmp_path))
        frrs.append(FrrNode(other_ns, frr_ibgp("rrc3", "10.0.0.3", ["swp1"], "10.3.0.1/32"), tmp_path))
        rr, other = frrs
        detail = wait_for(lambda: route_detail(me, "10.3.0.1/32"), 30,
                          "the other client's route, reflected to us")
        (path,) = detail["paths"]
        assert path["originator_id"] == "10.0.0.3" and path["cluster_list"] == ["10.0.0.200"], path
        wait_for(lambda: in_kernel(me_ns, "10.3.0.1"), 10, "the reflected route in our kernel")
        ours = wait_for(lambda: frr_path(other, "10.11.0.0/24"), 30, "our route, reflected by FRR")
        assert ours.get("originatorId") == "10.0.0.11", ours
        assert ours.get("clusterList", {}).get("list") == ["10.0.0.200"], ours
    finally:
        for frr in frrs:
            frr.stop()
        me.stop()
