"""The operator RPCs through closctl against a live closbgpd with two
scripted eBGP neighbours: show bgp neighbors, show fib (every state it
reports, from routes changed behind the daemon's back), neighbor reset
(hard, soft in and out), shutdown and enable, watch, and their errors and
exit codes."""
import contextlib
import ipaddress
import json
import socket
import struct
import subprocess
import threading
import time

import pytest

from lib.bgp_speaker import ScriptedPeer, scripted_router
from lib.netns import CLOSCTL, Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

A, B = "192.0.2.2", "192.0.2.3"
CONFIG = """asn: 65000
router-id: 10.0.0.1
drain: {warm-up: 0}
fib: {repair: false}  # show fib must see what others changed, not a repaired kernel
neighbors:
  - {address: 192.0.2.2, remote-as: 65001, description: "spine A"}
  - {address: 192.0.2.3, remote-as: 65002}
networks: [10.50.0.0/24]
"""
OUR_NEXTHOP = 0x0C1B8000  # an id in closbgpd's own range, unused by it here


@pytest.fixture
def dut(netns_factory, tmp_path):
    dut_ns, peers_ns = router_and_peers(netns_factory, (A, B))
    with scripted_router(dut_ns, peers_ns, CONFIG, tmp_path, [(A, 65001), (B, 65002)]) as (
            d, (a, b)):
        yield d, a, b, peers_ns


def ctl(d, *args):
    r = d.ctl(*args, check=False)
    return r.returncode, r.stdout + r.stderr


def comes_back(d, peers_ns):
    """A connects again: its session comes up."""
    peer = ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001)
    try:
        wait_for(lambda: d.ctl_json("show", "bgp", "neighbors", A)["state"] ==
                 "established", 10, "A back")
    finally:
        peer.close()


def fib(d):
    return {r["prefix"]: r for r in d.ctl_json("show", "fib")}


def test_show_bgp_neighbors(dut):
    d, a, b, _ = dut
    got = d.ctl_json("show", "bgp", "neighbors", A)
    assert got["state"] == "established"
    assert got["remote_as"] == 65001
    assert got["capabilities"] == ["ipv4-unicast", "4-octet-as"]
    assert got["stale_paths"] == 0  # a number: closctl writes uint64 as JSON numbers
    rc, out = ctl(d, "show", "bgp", "neighbors", A)
    assert rc == 0 and "BGP neighbor 192.0.2.2, remote AS 65001, Established" in out, out
    assert "Capabilities: ipv4-unicast, 4-octet-as" in out
    rc, out = ctl(d, "show", "bgp", "neighbors", "192.0.2.99")
    assert rc == 1 and "no neighbour 192.0.2.99" in out, out
    # Without a name: the summary.
    rc, out = ctl(d, "show", "bgp", "neighbors")
    assert rc == 0 and "Total number of neighbors 2" in out


def test_show_fib_compares_the_kernel_with_the_rib(dut):
    d, a, b, _ = dut
    a.announce("10.60.0.0/24", "10.60.1.0/24")
    wait_for(lambda: fib(d).get("10.60.1.0/24", {}).get("state") == "installed", 10,
             "10.60.1.0/24 installed")
    got = fib(d)["10.60.0.0/24"]
    assert got["state"] == "installed"
    assert got["next_hops"] == [{"interface": "swp1", "gateway": A, "blackhole": False, "weight": 1}]
    assert got["kernel_next_hops"] == got["next_hops"]
    assert "10.50.0.0/24" not in fib(d)  # our own network is not installed

    # Behind the daemon's back: one route deleted, one pointed elsewhere
    # (a nexthop in closbgpd's id range), and one of "ours" it never wrote.
    ns = d.ns
    ns.ip("route", "del", "10.60.0.0/24")
    ns.ip("nexthop", "add", "id", str(OUR_NEXTHOP), "via", B, "dev", "swp1", "proto", "186")
    ns.ip("route", "replace", "10.60.1.0/24", "nhid", str(OUR_NEXTHOP), "proto", "186",
          "metric", "20")
    ns.ip("route", "add", "10.61.0.0/24", "nhid", str(OUR_NEXTHOP), "proto", "186", "metric", "20")
    states = {p: r["state"] for p, r in fib(d).items()}
    assert states == {"10.60.0.0/24": "missing", "10.60.1.0/24": "differs",
                      "10.61.0.0/24": "unexpected"}
    assert fib(d)["10.60.1.0/24"]["kernel_next_hops"] == [
        {"interface": "swp1", "gateway": B, "blackhole": False, "weight": 1}]
    rc, out = ctl(d, "show", "fib")
    assert rc == 0 and "3 prefixes, 1 differs, 1 missing, 1 unexpected" in out, out
    assert "(kernel: 192.0.2.3 swp1)" in out
    rc, out = ctl(d, "show", "fib", "10.61.0.0/24")
    assert rc == 0 and "1 prefixes, 1 unexpected" in out, out


def test_show_fib_without_a_fib(netns_factory, tmp_path):
    dut_ns, _ = router_and_peers(netns_factory, (A,))
    d = Daemon(dut_ns, CONFIG.replace("fib: {repair: false}", "fib: {enabled: false}"), tmp_path,
               "dut")
    try:
        d.wait_api()
        rc, out = ctl(d, "show", "fib")
        assert rc == 1 and "the FIB is disabled" in out, out
    finally:
        d.stop()


def test_route_table_by_prefix(dut):
    """show bgp routes lists by prefix, each prefix's paths together, best
    first, ECMP marked, our own routes as "local"; an address finds the
    longest prefix holding it; a mistyped prefix is a usage error."""
    d, a, b, _ = dut
    a.announce("10.73.0.0/24", "10.73.0.0/16")
    b.announce("10.73.0.0/24")

    def rows(*args):
        return d.ctl_json("show", "bgp", "routes", *args)

    wait_for(lambda: len(rows("10.73.0.0/24")) == 2, 10, "both paths to 10.73.0.0/24")
    table = rows()
    runs = [r["prefix"] for i, r in enumerate(table) if i == 0 or table[i - 1]["prefix"] != r["prefix"]]
    assert len(runs) == len(set(runs)), runs  # each prefix once, its paths together
    for prefix in runs:
        paths = [r for r in table if r["prefix"] == prefix]
        assert paths[0]["best"] and not any(r["best"] for r in paths[1:]), paths
    two = rows("10.73.0.0/24")
    assert all(r["multipath"] for r in two) and sorted(r["peer"] for r in two) == [A, B]
    own = rows("10.50.0.0/24")
    assert [(r["peer"], r["next_hop"], r["origin"], r["best"]) for r in own] == [
        ("local", "0.0.0.0", "igp", True)]
    # An address: the longest prefix that holds it, as forwarding picks it.
    assert {r["prefix"] for r in rows("10.73.0.9")} == {"10.73.0.0/24"}
    assert {r["prefix"] for r in rows("10.73.9.9")} == {"10.73.0.0/16"}
    assert rows("10.99.0.1") == []
    assert {r["prefix"] for r in rows("ipv4", "10.73.0.0/16", "longer-prefixes")} == {
        "10.73.0.0/16", "10.73.0.0/24"}
    assert rows("ipv6") == []
    # In text the prefix is named once for its paths.
    rc, out = ctl(d, "show", "bgp", "routes", "10.73.0.0/24")
    assert rc == 0 and out.count("10.73.0.0/24") == 1 and "*>" in out and "*=" in out, out
    assert "Displayed 2 paths for 1 prefixes" in out
    for bad, says in (("10.73.0.1/24", "has host bits set: 10.73.0.0/24?"),
                      ("bogus", "is not a prefix or an address")):
        rc, out = ctl(d, "show", "bgp", "routes", bad)
        assert rc == 2 and says in out, out


def test_one_route_in_detail(dut):
    """show bgp route: every path with every attribute it carries, and the
    neighbours the prefix is sent to; an address finds its longest prefix."""
    d, a, b, _ = dut
    extra = (bytes([0x40, 6, 0])                                               # ATOMIC_AGGREGATE
             + bytes([0xC0, 7, 8]) + struct.pack("!I", 65011) + socket.inet_aton("10.0.0.9")
             + bytes([0xC0, 8, 4]) + struct.pack("!HH", 65000, 7)              # 65000:7
             + bytes([0xC0, 16, 8, 0x00, 0x02]) + struct.pack("!HI", 65000, 100))  # rt:65000:100
    a.announce("10.75.0.0/24", extra=extra)
    b.announce("10.75.0.0/24")
    wait_for(lambda: len(d.ctl_json("show", "bgp", "routes", "10.75.0.0/24")) == 2, 10, "both paths")
    detail = d.ctl_json("show", "bgp", "route", "10.75.0.0/24")
    assert set(detail) == {"prefix", "paths", "advertised_to"} and detail["prefix"] == "10.75.0.0/24"
    from_a = next(p for p in detail["paths"] if p["peer"] == A)
    assert from_a["atomic_aggregate"] and from_a["aggregator"] == "65011 10.0.0.9", from_a
    assert from_a["communities"] == ["65000:7"] and from_a["ext_communities"] == ["rt:65000:100"]
    assert set(from_a) == ROUTE_KEYS | DETAIL_ROUTE_KEYS, set(from_a) ^ (ROUTE_KEYS | DETAIL_ROUTE_KEYS)
    assert set(detail["advertised_to"]) <= {A, B}
    own = d.ctl_json("show", "bgp", "route", "10.50.0.9")  # an address: its longest prefix
    assert own["prefix"] == "10.50.0.0/24" and set(own["advertised_to"]) == {A, B}, own
    rc, out = ctl(d, "sh", "b", "route", "10.75.0.0/24")
    assert rc == 0 and "BGP routing table entry for 10.75.0.0/24" in out, out
    assert "Paths: 2 available" in out and "Path 1 from" in out and "Path 2 from" in out
    assert "atomic-aggregate, aggregated by 65011 10.0.0.9" in out
    assert "Communities: 65000:7" in out and "Extended communities: rt:65000:100" in out
    assert "Advertised to:" in out
    # community C: only the paths that carry it, in every route listing.
    tagged = d.ctl_json("show", "bgp", "routes", "10.75.0.0/16", "longer-prefixes", "community", "65000:7")
    assert [(r["prefix"], r["peer"]) for r in tagged] == [("10.75.0.0/24", A)], tagged
    assert d.ctl_json("show", "bgp", "routes", "comm", "65000:8") == []
    assert [r["prefix"] for r in d.ctl_json("show", "bgp", "neighbors", A, "received-routes",
                                            "community", "65000:7")] == ["10.75.0.0/24"]
    rc, out = ctl(d, "show", "bgp", "routes", "community", "65000")
    assert rc == 2 and "is not a community" in out, out
    rc, out = ctl(d, "show", "bgp", "route", "10.99.0.0/24")
    assert rc == 1 and "no path for 10.99.0.0/24 in the RIB" in out, out
    for bad in (["10.75.0.1/24"], [], ["10.75.0.0/24", "longer-prefixes"], ["ipv4"]):
        rc, out = ctl(d, "show", "bgp", "route", *bad)
        assert rc == 2 and "show bgp route" in out, (bad, out)


def test_dump_rib_as_mrt_read_by_bgpdump(dut, tmp_path):
    """closctl dump rib FILE: a TABLE_DUMP_V2 file bgpdump reads, with every
    path of every prefix, the neighbours' and ours (peer 0.0.0.0)."""
    d, a, b, _ = dut
    a.announce("10.77.0.0/24", extra=bytes([0xC0, 8, 4]) + struct.pack("!HH", 65000, 9))
    b.announce("10.77.0.0/24")
    wait_for(lambda: len(d.ctl_json("show", "bgp", "routes", "10.77.0.0/24")) == 2, 10, "both paths")
    ctl(d, "route", "add", "2001:db8:77::/48", "community", "65000:10")  # an IPv6 record too
    dump = tmp_path / "rib.mrt"
    rc, out = ctl(d, "dump", "rib", str(dump))
    assert rc == 0 and "bytes of MRT TABLE_DUMP_V2" in out, out
    lines = subprocess.run(["bgpdump", "-m", str(dump)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    rows = [l.split("|") for l in lines]
    assert all(r[0] == "TABLE_DUMP2" for r in rows), lines
    paths = {(r[3], r[5]): r for r in rows}  # (peer address, prefix)
    from_a = paths[(A, "10.77.0.0/24")]
    assert (from_a[4], from_a[6], from_a[7], from_a[8]) == ("65001", "65001", "IGP", A), from_a
    assert from_a[11] == "65000:9", from_a
    assert paths[(B, "10.77.0.0/24")][6] == "65002"
    ours = paths[("0.0.0.0", "10.50.0.0/24")]
    assert ours[4] == "65000" and ours[8] == "0.0.0.0", ours
    v6 = paths[("0.0.0.0", "2001:db8:77::/48")]
    assert v6[8] == "::" and v6[11] == "65000:10", v6
    # In prefix order, a prefix's paths together.
    order = [r[5] for r in rows]
    assert order == sorted(order, key=lambda p: (ipaddress.ip_network(p).version, ipaddress.ip_network(p)))
    # One table only.
    rc, out = ctl(d, "dump", "rib", str(dump), "--table", "ipv6-unicast")
    assert rc == 0, out
    v6_only = subprocess.run(["bgpdump", "-m", str(dump)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert v6_only and all(":" in l.split("|")[5] for l in v6_only), v6_only
    rc, out = ctl(d, "dump", "rib", str(dump), "--table", "ipv4-multicast")
    assert rc == 2 and "--table ipv4-unicast|ipv6-unicast|l2vpn-evpn" in out, out


# docs/json.md: closctl's JSON keys, pinned. A key is added here when the
# API gains a field; one that disappears or is renamed breaks scripts.
SUMMARY_KEYS = {"drain_state", "families", "fib_awaiting_install", "fib_backlog", "local_as",
                "peers", "resident_memory_bytes", "rib_attribute_sets", "rib_prefixes",
                "router_id", "snapshot_age_ms"}
PEER_KEYS = {"address", "bfd_flaps", "bfd_packets_dropped", "bfd_packets_received",
             "bfd_packets_sent", "bfd_state", "capabilities", "drain_state", "hold_time",
             "interface", "last_error", "last_reset_time", "max_prefix", "max_prefix_exceeded",
             "messages_received", "messages_sent", "peer_hostname", "peer_router_id",
             "prefixes_accepted", "prefixes_received", "prefixes_sent", "remote_as",
             "remote_as_config", "rfc7606_events", "shutdown", "stale_paths", "state",
             "updates_filtered", "uptime_seconds", "description", "transitions",
             "route_reflector_client", "local_address", "update_source", "bfd_multihop",
             "families"}
ROUTE_KEYS = {"accepted", "as_path", "best", "communities", "large_communities", "multipath",
              "next_hop", "next_hop_link_local", "origin", "peer", "prefix"}  # + med, local_pref if set
# Every route has these too (empty unless the path carries them).
DETAIL_ROUTE_KEYS = {"aggregator", "atomic_aggregate", "cluster_list", "ext_communities",
                     "next_hop_unresolved", "originator_id", "path_id"}
FIB_KEYS = {"kernel_next_hops", "next_hops", "prefix", "state"}


def test_json_keys_types_and_words_are_pinned(dut):
    d, a, _, _ = dut
    a.announce("10.74.0.0/24")
    wait_for(lambda: d.ctl_json("show", "bgp", "routes", "10.74.0.0/24"), 10, "A's route")
    summary = d.ctl_json("show", "bgp", "summary")
    assert set(summary) == SUMMARY_KEYS
    assert {k for p in summary["peers"] for k in p} == PEER_KEYS
    assert set(summary["families"][0]) == {"family", "prefixes"}
    peer = d.ctl_json("show", "bgp", "neighbors", A)
    assert set(peer) == PEER_KEYS
    # Numbers are numbers (64-bit counters too), states short words.
    assert isinstance(peer["prefixes_received"], int) and peer["prefixes_received"] == 1
    assert peer["families"][0] == {"family": "ipv4-unicast", "received": 1, "accepted": 1,
                                   "sent": peer["families"][0]["sent"]}
    assert isinstance(summary["resident_memory_bytes"], int)
    # Only a loop in a long piece of route work answers from its last summary.
    assert summary["snapshot_age_ms"] == 0
    assert peer["state"] == "established"
    route = d.ctl_json("show", "bgp", "routes", "10.74.0.0/24")[0]
    assert set(route) == ROUTE_KEYS | DETAIL_ROUTE_KEYS, set(route) ^ (ROUTE_KEYS | DETAIL_ROUTE_KEYS)
    assert set(d.ctl_json("show", "fib")[0]) == FIB_KEYS
    assert set(d.ctl_json("version")) == {"version", "git_commit"}


def test_soft_resets_keep_the_session(dut):
    d, a, b, _ = dut
    wait_for(lambda: "10.50.0.0/24" in a.snapshot()[0], 10, "our network at A")
    uptime = d.ctl_json("show", "bgp", "neighbors", A)["uptime_seconds"]
    before = a.announced["10.50.0.0/24"]
    rc, out = ctl(d, "neighbor", "reset", A, "--soft", "out")
    assert rc == 0 and "policy re-applied (out)" in out, out
    wait_for(lambda: a.announced["10.50.0.0/24"] == before + 1, 10, "the table sent again")
    b.announce("10.70.0.0/24")
    wait_for(lambda: any(r["prefix"] == "10.70.0.0/24" for r in d.ctl_json("show", "bgp", "routes")),
             10, "B's route")
    rc, out = ctl(d, "neighbor", "reset", B, "--soft")
    assert rc == 0 and "policy re-applied (both)" in out, out
    assert any(r["prefix"] == "10.70.0.0/24" and r["accepted"]
               for r in d.ctl_json("show", "bgp", "routes"))
    assert a.notification is None
    time.sleep(1.1)
    assert int(d.ctl_json("show", "bgp", "neighbors", A)["uptime_seconds"]) > int(uptime)


def test_hard_reset_sends_a_hard_reset(dut):
    d, a, b, peers_ns = dut
    rc, out = ctl(d, "neighbor", "reset", A)
    assert rc == 0 and "neighbour 192.0.2.2: session reset" in out, out
    wait_for(lambda: a.notification, 5, "A's NOTIFICATION")
    # Cease / Administrative Reset; not inside a Hard Reset, since this peer
    # negotiated no graceful restart.
    assert a.notification == (6, 4)
    summary = {p["address"]: p for p in d.ctl_json("show", "bgp", "summary")["peers"]}
    assert summary[A]["state"] != "established"
    assert summary[B]["state"] == "established"  # untouched
    # The neighbour comes back on its own connection.
    comes_back(d, peers_ns)


def test_reset_errors(dut):
    d, a, b, _ = dut
    rc, out = ctl(d, "neighbor", "reset", "192.0.2.99")
    assert rc == 1 and "no neighbour 192.0.2.99" in out, out
    rc, out = ctl(d, "neighbor", "reset", A, "--soft", "sideways")
    assert rc == 1 and "in, out or both" in out, out
    rc, out = ctl(d, "neighbor", "reset")
    assert rc == 2, out
    a.close()
    wait_for(lambda: d.ctl_json("show", "bgp", "neighbors", A)["state"] !=
             "established", 10, "A down")
    rc, out = ctl(d, "neighbor", "reset", A, "--soft")
    assert rc == 1 and "no established session" in out, out
    # With --json too, an error is the daemon's message on stderr, exit 1.
    r = d.ctl("--json", "neighbor", "reset", "192.0.2.99", check=False)
    assert r.returncode == 1 and "no neighbour" in r.stderr and r.stdout == ""


def test_shutdown_survives_a_restart_until_enabled(dut, tmp_path):
    d, a, b, peers_ns = dut
    rc, out = ctl(d, "neighbor", "shutdown", A, "maintenance,", "ticket", "42")
    assert rc == 0 and "neighbour 192.0.2.2 shut down" in out, out
    wait_for(lambda: a.notification, 5, "A's NOTIFICATION")
    assert a.notification == (6, 2)  # Cease / Administrative Shutdown
    got = d.ctl_json("show", "bgp", "neighbors", A)
    assert got["shutdown"] and got["state"] != "established"
    rc, out = ctl(d, "show", "bgp", "summary")
    assert "Idle (Admin)" in out, out
    assert "shutdown: [192.0.2.2]" in (tmp_path / "dut.yaml.state").read_text()
    rc, out = ctl(d, "neighbor", "shutdown", "192.0.2.99")
    assert rc == 1 and "no neighbour" in out, out

    # Restarted, the daemon keeps it down; B comes back as usual.
    d.stop()
    again = Daemon(d.ns, CONFIG, tmp_path, "dut")
    try:
        again.wait_api()
        assert again.ctl_json("show", "bgp", "neighbors", A)["shutdown"]
        rc, out = ctl(again, "neighbor", "enable", A)
        assert rc == 0 and "neighbour 192.0.2.2 enabled" in out, out
        comes_back(again, peers_ns)
        assert "shutdown" not in (tmp_path / "dut.yaml.state").read_text()
    finally:
        again.stop()


@contextlib.contextmanager
def watching(d, *kinds):
    """`closctl --json watch KINDS` in the background; yields the list its
    events are appended to."""
    proc = d.ns.popen(CLOSCTL, "--server", d.api, "--json", "watch", *kinds, stdout=subprocess.PIPE, text=True)
    events = []
    reader = threading.Thread(target=lambda: events.extend(json.loads(line) for line in proc.stdout),
                              daemon=True)
    reader.start()
    try:
        time.sleep(0.5)  # subscribed
        yield events
    finally:
        proc.terminate()
        proc.wait(5)


def test_watch_streams_events(dut):
    d, a, b, _ = dut
    with watching(d) as every, watching(d, "route") as routes:
        b.announce("10.90.0.0/24")
        wait_for(lambda: any(e.get("prefix") == "10.90.0.0/24" for e in every), 5, "the route")
        a.close()
        wait_for(lambda: any(e.get("neighbor") == A for e in every), 5, "A down")
    route = next(e for e in every if e.get("prefix") == "10.90.0.0/24")
    assert (route["kind"], route["state"], route["detail"]) == ("route", "best",
                                                                 "via 192.0.2.3")
    assert route["time"].endswith("Z")
    down = next(e for e in every if e.get("neighbor") == A)
    assert (down["kind"], down["state"], down["description"]) == ("peer", "down", "spine A")
    assert route["description"] == ""
    assert down["detail"].startswith("connection closed")
    assert routes and all(e["kind"] == "route" for e in routes)
    rc, out = ctl(d, "watch", "sideways")
    assert rc == 2 and "not peer, bfd, route or fib" in out, out
