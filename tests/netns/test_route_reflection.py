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


def numbered_client(hostname, router_id, hub, network):
    """An FRR client of AS 65000 with one numbered iBGP session to `hub`."""
    return f"""frr defaults datacenter
hostname {hostname}
log stdout debugging
!
router bgp {AS}
 bgp router-id {router_id}
 no bgp network import-check
 timers bgp 1 3
 neighbor {hub} remote-as internal
 neighbor {hub} timers connect 1
 address-family ipv4 unicast
  network {network}
 exit-address-family
!
"""


def uptime(hub, address):
    peers = hub.ctl_json("show", "bgp", "summary")["peers"]
    return next(int(p["uptime_seconds"]) for p in peers if p.get("address") == address)


def next_hop(frr, prefix):
    path = frr_path(frr, prefix)
    return path["nexthops"][0]["ip"] if path else None


def test_a_reflector_out_of_the_forwarding_path(netns_factory, tmp_path):
    """Two numbered FRR clients of closbgpd with a link of their own: each
    gets the other's route with the other's next hop (10.0.1.2, 10.0.2.2),
    reaches it over that link and pings past the reflector. With
    `next-hop-self: true` on one client (a reload, the session stays) that
    client gets our next hop instead."""
    hub_ns = netns_factory("rrnhhub")
    c1_ns, c2_ns = netns_factory("rrnhc1"), netns_factory("rrnhc2")
    veth(hub_ns, "swp1", c1_ns, "swp1")
    veth(hub_ns, "swp2", c2_ns, "swp1")
    veth(c1_ns, "swp2", c2_ns, "swp2")
    hub_ns.ip("addr", "add", "10.0.1.1/24", "dev", "swp1")
    hub_ns.ip("addr", "add", "10.0.2.1/24", "dev", "swp2")
    for ns, n in ((c1_ns, 1), (c2_ns, 2)):
        ns.ip("addr", "add", f"10.0.{n}.2/24", "dev", "swp1")
        ns.ip("addr", "add", f"10.0.12.{n}/30", "dev", "swp2")
        ns.ip("addr", "add", f"10.{n}.0.1/32", "dev", "lo")
        # The other client's session address, over the clients' own link.
        ns.ip("route", "add", f"10.0.{3 - n}.2/32", "via", f"10.0.12.{3 - n}")

    def hub_config(next_hop_self):
        nhs = ", next-hop-self: true" if next_hop_self else ""
        return (f"asn: {AS}\nrouter-id: 10.0.0.100\n"
                "timers: {keepalive: 1, hold: 3, connect-retry: 1}\nneighbors:\n"
                "  - {address: 10.0.1.2, remote-as: internal, route-reflector-client: true}\n"
                "  - {address: 10.0.2.2, remote-as: internal, route-reflector-client: true"
                f"{nhs}}}\n")

    hub = Daemon(hub_ns, hub_config(False), tmp_path, "rrnhhub")
    frrs = []
    try:
        hub.wait_api()
        frrs.append(FrrNode(c1_ns, numbered_client("rrnhc1", "10.0.0.1", "10.0.1.1", "10.1.0.1/32"),
                            tmp_path))
        frrs.append(FrrNode(c2_ns, numbered_client("rrnhc2", "10.0.0.2", "10.0.2.1", "10.2.0.1/32"),
                            tmp_path))
        c1, c2 = frrs
        assert wait_for(lambda: next_hop(c2, "10.1.0.1/32"), 30, "c1's route at c2") == "10.0.1.2"
        assert wait_for(lambda: next_hop(c1, "10.2.0.1/32"), 30, "c2's route at c1") == "10.0.2.2"
        # Installed over the clients' link, not through the reflector.
        wait_for(lambda: "via 10.0.12.1" in c2_ns.ip("route", "show", "10.1.0.1").stdout, 10,
                 "c1's route in c2's kernel via the clients' link")
        wait_for(lambda: "via 10.0.12.2" in c1_ns.ip("route", "show", "10.2.0.1").stdout, 10,
                 "c2's route in c1's kernel via the clients' link")
        c2_ns.exec("ping", "-c", "1", "-W", "2", "-I", "10.2.0.1", "10.1.0.1")
        sent = hub.ctl_json("show", "bgp", "neighbors", "10.0.2.2", "advertised-routes")
        assert [r["next_hop"] for r in sent if r["prefix"] == "10.1.0.1/32"] == ["10.0.1.2"], sent
        # next-hop-self on c2's session: c2 is sent our next hop, c1 keeps c2's.
        before = uptime(hub, "10.0.2.2")
        hub.write_config(hub_config(True))
        hub.ctl("config", "reload")
        wait_for(lambda: next_hop(c2, "10.1.0.1/32") == "10.0.2.1", 15, "our next hop at c2")
        assert next_hop(c1, "10.2.0.1/32") == "10.0.2.2"
        assert uptime(hub, "10.0.2.2") >= before  # no reset
    finally:
        for frr in frrs:
            frr.stop()
        hub.stop()
