"""Add-path (RFC 7911) against FRR, both ways, over unnumbered eBGP.

closbgpd (the hub) and an FRR collector each hear 10.70.0.0/24 from two
FRR leaves:

    apl1 (65011) --- aphub (closbgpd, 65000) --- apl2 (65012)
        \\                  |                      /
         +-------------- apcol (FRR, 65100) ------+

The hub sends the collector every path (`send: all`) and takes the
collector's (`addpath-tx-all-paths`): each side holds the other's two
paths apart by path id (FRR also sends the hub's own back: kept as
loops, never selected). A reload to `best-1` takes one path back without
a reset; a leaf's withdrawal takes away just that leaf's path id. The
hub's MRT files (RFC 8050 records) keep the ids, as bgpdump reads them."""
import json

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, veth, wait_for

pytestmark = pytest.mark.netns

PREFIX = "10.70.0.0/24"


def hub_config(send):
    return ("asn: 65000\nrouter-id: 10.0.0.100\n"
            "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
            'mrt: {updates: {file: "apupdates.%H%M%S", sent: true},'
            ' rib: {file: "aprib.%H%M%S", interval: 1}}\nneighbors:\n'
            "  - {interface: swp1, remote-as: external, bfd: false}\n"
            "  - {interface: swp2, remote-as: external, bfd: false}\n"
            "  - {interface: swp3, remote-as: external, bfd: false,\n"
            f"     add-path: {{receive: true, send: {send}}}}}\n")


def collector_config():
    conf = unnumbered_config("apcol", 65100, "10.0.0.200", ["swp1", "swp2", "swp3"])
    # Towards the hub, every path it has (it offers to receive them all).
    return conf.replace(" address-family ipv4 unicast\n",
                        " address-family ipv4 unicast\n  neighbor swp1 addpath-tx-all-paths\n", 1)


def frr_paths_from(frr, interface):
    """FRR's paths for PREFIX that came from its neighbour on `interface`."""
    out = json.loads(frr.vtysh(f"show bgp ipv4 unicast {PREFIX} json") or "{}")
    return [p for p in out.get("paths", []) if p.get("peer", {}).get("interface") == interface]


def received(hub, interface):
    """What the hub accepted from `interface` for PREFIX. (FRR sends all
    its paths back, ours too: those have our AS, kept as loops.)"""
    return [r for r in hub.ctl_json("show", "bgp", "neighbors", interface, "received-routes")
            if r["prefix"] == PREFIX and r["accepted"]]


def mrt_paths(ns, files, kind):
    """(path id, AS path) of PREFIX from the collector (AS 65100) in the
    newest of `files` as bgpdump reads it; `kind`: TABLE_DUMP2_AP (a RIB
    dump) or BGP4MP_AP (UPDATEs), RFC 8050's records with path ids."""
    if not files:
        return set()
    lines = ns.exec("bgpdump", "-m", str(files[-1]), check=False).stdout.splitlines()
    return {(f[6], f[7]) for f in (line.split("|") for line in lines)
            if len(f) > 7 and f[0] == kind and f[4] == "65100" and f[5] == PREFIX}


def uptime(hub, interface):
    peers = hub.ctl_json("show", "bgp", "summary")["peers"]
    return next(int(p["uptime_seconds"]) for p in peers if p["interface"] == interface)


def test_add_path_both_ways_with_frr(netns_factory, tmp_path):
    hub_ns, col_ns = netns_factory("aphub"), netns_factory("apcol")
    l1_ns, l2_ns = netns_factory("apl1"), netns_factory("apl2")
    veth(hub_ns, "swp1", l1_ns, "swp1")
    veth(hub_ns, "swp2", l2_ns, "swp1")
    veth(hub_ns, "swp3", col_ns, "swp1")
    veth(col_ns, "swp2", l1_ns, "swp2")
    veth(col_ns, "swp3", l2_ns, "swp2")
    hub = Daemon(hub_ns, hub_config("all"), tmp_path, "aphub")
    frrs = []
    try:
        hub.wait_api()
        frrs.append(FrrNode(col_ns, collector_config(), tmp_path))
        for name, asn, ns in (("apl1", 65011, l1_ns), ("apl2", 65012, l2_ns)):
            frrs.append(FrrNode(ns, unnumbered_config(name, asn, f"10.0.0.{asn - 65000}",
                                                      ["swp1", "swp2"], networks=[PREFIX]),
                                tmp_path))
        col, l1, l2 = frrs
        caps = wait_for(lambda: hub.ctl_json("show", "bgp", "neighbors", "swp3").get("capabilities"),
                        30, "the collector's session")
        assert "add-path-receive" in caps and "add-path-send" in caps, caps

        # The hub sends the collector both leaves' paths, each with an id.
        wait_for(lambda: len(frr_paths_from(col, "swp1")) == 2, 30,
                 "two paths from the hub at the collector")
        from_hub = frr_paths_from(col, "swp1")
        assert sorted(p["aspath"]["string"] for p in from_hub) == ["65000 65011", "65000 65012"]
        ids = {p.get("addpathRxId") for p in from_hub}
        assert len(ids) == 2 and 0 not in ids and None not in ids, from_hub
        sent = hub.ctl_json("show", "bgp", "neighbors", "swp3", "advertised-routes")
        assert sorted(r["path_id"] for r in sent if r["prefix"] == PREFIX) == sorted(ids), sent

        # The collector sends the hub its own two (through the leaves), apart by id.
        wait_for(lambda: len(received(hub, "swp3")) == 2, 30, "two paths from the collector")
        paths = received(hub, "swp3")
        assert sorted(tuple(r["as_path"]) for r in paths) == [(65100, 65011), (65100, 65012)]
        assert len({r["path_id"] for r in paths}) == 2 and all(r["path_id"] for r in paths)
        detail = hub.ctl_json("show", "bgp", "route", PREFIX)
        candidates = [p for p in detail["paths"] if p["accepted"]]
        assert len(candidates) == 4, detail  # two leaves, two from the collector
        best = [p for p in detail["paths"] if p["multipath"]]
        assert sorted(p["peer"] for p in best) == ["swp1", "swp2"], detail

        # MRT (RFC 8050): bgpdump reads the collector's paths apart, by id.
        want = {(str(r["path_id"]), " ".join(map(str, r["as_path"]))) for r in paths}
        wait_for(lambda: mrt_paths(hub_ns, sorted(tmp_path.glob("aprib.*")), "TABLE_DUMP2_AP")
                 == want, 10, "both of the collector's paths in a RIB dump")
        assert want <= mrt_paths(hub_ns, sorted(tmp_path.glob("apupdates.*")), "BGP4MP_AP")

        # best-1 on reload: one path goes back, the session stays.
        before = uptime(hub, "swp3")
        hub.write_config(hub_config("best-1"))
        hub.ctl("config", "reload")
        wait_for(lambda: len(frr_paths_from(col, "swp1")) == 1, 10, "one path from the hub")
        assert uptime(hub, "swp3") >= before

        # A leaf withdraws: the collector withdraws just that path's id.
        l2.vtysh("configure terminal", "router bgp 65012", "address-family ipv4 unicast",
                 f"no network {PREFIX}")
        wait_for(lambda: len(received(hub, "swp3")) == 1, 30, "one path left from the collector")
        assert received(hub, "swp3")[0]["as_path"] == [65100, 65011]
    finally:
        for frr in frrs:
            frr.stop()
        hub.stop()
