"""FIB options against a real kernel: resilient nexthop groups (a lost
member is rewritten in place, the group stays resilient), retain-on-exit:
false (our routes and objects leave with the daemon; by default they stay,
see the restart tests), what someone else changed put back (by the audit,
or at once from the kernel's notifications), batched writes, the
fallback for kernels without nexthop objects (RTA_MULTIPATH),
advertise-after-install, and aggregates' discard routes."""
import contextlib
import json
import subprocess
import time

import pytest

from lib.bgp_speaker import ScriptedPeer, scripted_router
from lib.netns import Daemon, metrics_text, router_and_peers, veth, wait_for

pytestmark = pytest.mark.netns

A, B = "192.0.2.2", "192.0.2.3"
CONFIG = """asn: 65000
router-id: 10.0.0.1
drain: {{warm-up: 0}}
fib: {{{fib}}}
neighbors:
  - {{address: 192.0.2.2, remote-as: 65001}}
  - {{address: 192.0.2.3, remote-as: 65002}}
"""


@contextlib.contextmanager
def ecmp_router(netns_factory, tmp_path, fib, before_start=None):
    """closbgpd with two neighbours announcing 10.80.0.0/24 (ECMP);
    `before_start(dut_ns)` prepares the router's namespace."""
    dut_ns, peers_ns = router_and_peers(netns_factory, (A, B))
    if before_start:
        before_start(dut_ns)
    with scripted_router(dut_ns, peers_ns, CONFIG.format(fib=fib), tmp_path,
                         [(A, 65001), (B, 65002)]) as (d, peers):
        for p in peers:
            p.announce("10.80.0.0/24")
        yield d, peers


def kernel(ns, *args):
    out = ns.ip("-j", *args).stdout
    return json.loads(out) if out.strip() else []


def metric(ns, name):
    """A metric of closbgpd's (metrics: {listen: "127.0.0.1:9179"}) in `ns`."""
    for line in metrics_text(ns).splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    return None


def group_of(ns, prefix):
    routes = kernel(ns, "route", "show", prefix)
    return kernel(ns, "nexthop", "show", "id", str(routes[0]["nhid"]))[0] if routes else None


def test_resilient_groups(netns_factory, tmp_path):
    with ecmp_router(netns_factory, tmp_path, "resilient: true") as (d, (a, b)):
        g = wait_for(lambda: (lambda g: g if g and len(g["group"]) == 2 else None)(
            group_of(d.ns, "10.80.0.0/24")), 10, "a 2-way group")
        assert g["type"] == "resilient"
        assert g["resilient_args"]["buckets"] == 128
        b.withdraw("10.80.0.0/24")
        wait_for(lambda: len(group_of(d.ns, "10.80.0.0/24")["group"]) == 1, 10, "one member left")
        after = group_of(d.ns, "10.80.0.0/24")
        assert after["id"] == g["id"] and after["type"] == "resilient"  # rewritten in place


def test_routes_leave_with_the_daemon_when_told(netns_factory, tmp_path):
    with ecmp_router(netns_factory, tmp_path, "retain-on-exit: false") as (d, peers):
        wait_for(lambda: group_of(d.ns, "10.80.0.0/24"), 10, "the route")
        assert d.stop() == 0
        assert kernel(d.ns, "route", "show", "proto", "bgp") == []
        assert kernel(d.ns, "nexthop", "show") == []
        assert "removing our 1 routes (retain-on-exit: false)" in d.log_text()


@pytest.mark.parametrize("audit", [1, 0], ids=["audit", "notifications"])
def test_changes_by_others_are_put_back(netns_factory, tmp_path, audit):
    """Found by the periodic audit, or (audit-interval 0) at once by the
    kernel's notifications of someone else's change."""
    with ecmp_router(netns_factory, tmp_path, f"audit-interval: {audit}") as (d, peers):
        g = wait_for(lambda: (lambda g: g if g and len(g["group"]) == 2 else None)(
            group_of(d.ns, "10.80.0.0/24")), 10, "a 2-way group")
        # Someone deletes our route, removes a member nexthop (the kernel
        # takes it out of the group), and adds a route on our group.
        d.ns.ip("route", "del", "10.80.0.0/24")
        d.ns.ip("nexthop", "del", "id", str(g["group"][0]["id"]))
        d.ns.ip("route", "add", "10.81.0.0/24", "nhid", str(g["id"]), "proto", "186",
                "metric", "20")
        wait_for(lambda: (lambda now: now and now["id"] == g["id"] and len(now["group"]) == 2)(
            group_of(d.ns, "10.80.0.0/24")), 10, "the route and its group put back")
        wait_for(lambda: not kernel(d.ns, "route", "show", "10.81.0.0/24"), 5,
                 "the stranger's route gone")
        log = d.log_text()
        assert "changed by someone else" in log
        if audit == 0:
            assert "FIB: a route of ours deleted by process" in log
        assert int(d.ctl_json("show", "bgp", "summary").get("fib_backlog", 0)) == 0


def test_many_routes_go_in_few_sends(netns_factory, tmp_path):
    """5,000 routes reach the kernel in batches (many requests per netlink
    send), every one installed; the metrics count operations and sends."""
    dut_ns, peers_ns = router_and_peers(netns_factory, (A,))
    d = Daemon(dut_ns, CONFIG.format(fib="") + 'metrics: {listen: "127.0.0.1:9179"}\n', tmp_path,
               "dut")
    peer = None
    try:
        d.wait_api()
        peer = ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001)
        prefixes = [f"10.{90 + i // 256}.{i % 256}.0/24" for i in range(5000)]
        for i in range(0, len(prefixes), 800):  # 800 prefixes fit one UPDATE
            peer.announce(*prefixes[i:i + 800])
        wait_for(lambda: len(kernel(dut_ns, "route", "show", "proto", "186")) == 5000, 30,
                 "5,000 routes in the kernel")

        operations = metric(dut_ns, "closbgp_fib_operations_total")
        sends = metric(dut_ns, "closbgp_fib_sends_total")
        assert operations >= 5000 and sends >= 1
        assert sends * 100 < operations, (sends, operations)
        assert metric(dut_ns, "closbgp_fib_errors_total") == 0
    finally:
        if peer:
            peer.close()
        d.stop()


def test_a_short_link_flap_puts_the_routes_back(netns_factory, tmp_path):
    """The kernel drops our nexthops and routes with a link that goes down;
    when the link is back before the sessions noticed (no BFD, no hold
    timer here), its coming up makes the FIB put them back at once (the
    periodic audit is off)."""
    with ecmp_router(netns_factory, tmp_path, "audit-interval: 0") as (d, peers):
        wait_for(lambda: (lambda g: g and len(g["group"]) == 2)(group_of(d.ns, "10.80.0.0/24")),
                 10, "a 2-way group")
        d.ns.ip("link", "set", "swp1", "down")
        wait_for(lambda: not kernel(d.ns, "route", "show", "10.80.0.0/24"), 5,
                 "the kernel to drop the route with the link")
        d.ns.ip("link", "set", "swp1", "up")
        wait_for(lambda: (lambda g: g and len(g["group"]) == 2)(group_of(d.ns, "10.80.0.0/24")),
                 5, "the route and its group back")
        assert "came up: comparing the kernel with what we wrote" in d.log_text()
        summary = d.ctl_json("show", "bgp", "summary")
        assert all(p["state"] == "established" for p in summary["peers"])


def test_without_nexthop_objects_routes_carry_their_next_hops(netns_factory, tmp_path):
    """The fallback for kernels without nexthop objects (forced here): each
    route carries its ECMP set (RTA_MULTIPATH), no object is written; a lost
    path rewrites the route; someone else's changes are put back."""
    with ecmp_router(netns_factory, tmp_path, "nexthop-objects: false, audit-interval: 0") as (
            d, (a, b)):
        def gateways():
            routes = kernel(d.ns, "route", "show", "10.80.0.0/24")
            if not routes:
                return []
            assert "nhid" not in routes[0] and routes[0]["protocol"] == "bgp"
            return sorted(h["gateway"] for h in routes[0].get("nexthops", [routes[0]]))

        wait_for(lambda: gateways() == [A, B], 10, "a 2-way multipath route")
        assert kernel(d.ns, "nexthop", "show") == []
        assert "routes carry their next hops" in d.log_text()
        b.withdraw("10.80.0.0/24")
        wait_for(lambda: gateways() == [A], 10, "the route via the remaining neighbour")
        # Someone deletes ours and adds a route that looks like ours.
        d.ns.ip("route", "del", "10.80.0.0/24")
        d.ns.ip("route", "add", "10.81.0.0/24", "via", A, "proto", "186", "metric", "20")
        wait_for(lambda: gateways() == [A], 10, "the route put back")
        wait_for(lambda: not kernel(d.ns, "route", "show", "10.81.0.0/24"), 5,
                 "the stranger's route gone")
        fib = {r["prefix"]: r for r in d.ctl_json("show", "fib")}
        assert fib["10.80.0.0/24"]["state"] == "installed"


def test_without_nexthop_objects_ipv4_via_ipv6_and_restart(netns_factory, tmp_path):
    """Unnumbered: IPv4 and IPv6 routes via the spine's IPv6 link-local
    address (RTA_VIA), and a restart that keeps them: the second run
    adopts the routes and writes nothing."""
    leaf_ns, spine_ns = netns_factory("leaf"), netns_factory("spine")
    veth(leaf_ns, "swp1", spine_ns, "swp1")
    unnumbered = ("asn: {asn}\nrouter-id: {rid}\nfib: {{nexthop-objects: false}}\n"
                  "neighbors:\n  - {{interface: swp1, remote-as: external}}\n"
                  "networks: [{nets}]\n")
    leaf_config = unnumbered.format(asn=65101, rid="10.0.0.11", nets="10.0.0.11/32")
    spine = Daemon(spine_ns, unnumbered.format(asn=65000, rid="10.0.0.1",
                                               nets="10.0.0.1/32, 2001:db8::1/128"),
                   tmp_path, "spine")
    leaf = Daemon(leaf_ns, leaf_config, tmp_path, "leaf")
    second = None
    try:
        def via(prefix):
            routes = kernel(leaf_ns, "-6" if ":" in prefix else "-4", "route", "show", prefix)
            return routes[0] if routes else None

        v4 = wait_for(lambda: via("10.0.0.1/32"), 20, "the spine's IPv4 loopback in the kernel")
        assert v4["via"]["family"] == "inet6" and v4["via"]["host"].startswith("fe80::")
        assert v4["dev"] == "swp1" and "nhid" not in v4
        v6 = wait_for(lambda: via("2001:db8::1/128"), 10, "the spine's IPv6 loopback")
        assert v6["gateway"] == v4["via"]["host"]
        assert leaf.stop() == 0
        assert via("10.0.0.1/32") and via("2001:db8::1/128")  # retained
        second = Daemon(leaf_ns, leaf_config, tmp_path, "leaf2")
        wait_for(lambda: "FIB: reconciled" in second.log_text(), 30, "the reconciliation")
        assert "FIB: 2 routes, 0 groups and 0 nexthops of a previous run" in second.log_text()
        assert "2 of the previous run's 2 routes left as they were, 0 written, 0 removed" in \
            second.log_text()
    finally:
        for d in (leaf, second, spine):
            if d:
                d.stop()


@pytest.mark.parametrize("after_install", [True, False], ids=["after-install", "default"])
def test_advertise_after_install(netns_factory, tmp_path, after_install):
    """With advertise-after-install a route goes to peers only once the
    kernel holds it. The kernel is made to refuse A's next hop: the router
    reaches 192.0.2.2 only through 192.0.2.3 (no link route covers it), so
    a nexthop via 192.0.2.2 is invalid while the session itself works. B
    then must not hear of A's prefix until the operator fixes the link
    route and the audit writes it; by default B hears of it at once."""
    dut_ns, peers_ns = router_and_peers(netns_factory, (A, B))
    dut_ns.ip("addr", "replace", "192.0.2.1/32", "dev", "swp1")
    dut_ns.ip("addr", "del", "192.0.2.1/24", "dev", "swp1")
    dut_ns.ip("route", "add", f"{B}/32", "dev", "swp1", "scope", "link")
    dut_ns.ip("route", "add", f"{A}/32", "via", B, "dev", "swp1", "onlink")
    fib = f"advertise-after-install: {'true' if after_install else 'false'}, audit-interval: 1"
    with scripted_router(dut_ns, peers_ns, CONFIG.format(fib=fib), tmp_path,
                         [(A, 65001), (B, 65002)]) as (d, (a, b)):
        a.announce("10.80.0.0/24")  # the kernel refuses its next hop
        b.announce("10.81.0.0/24")
        wait_for(lambda: "10.81.0.0/24" in a.snapshot()[0], 10, "B's installed route at A")
        assert not kernel(dut_ns, "route", "show", "10.80.0.0/24")
        if not after_install:
            wait_for(lambda: "10.80.0.0/24" in b.snapshot()[0], 5, "A's route at B regardless")
            return
        wait_for(lambda: d.ctl_json("show", "bgp", "summary").get("fib_awaiting_install") == 1,
                 5, "A's route held back")
        time.sleep(2)  # two audits retry and fail meanwhile
        assert "10.80.0.0/24" not in b.snapshot()[0]
        assert "Nexthop has invalid gateway" in d.log_text()
        dut_ns.ip("route", "replace", f"{A}/32", "dev", "swp1", "scope", "link")  # the fix
        wait_for(lambda: kernel(dut_ns, "route", "show", "10.80.0.0/24"), 5, "the route installed")
        wait_for(lambda: "10.80.0.0/24" in b.snapshot()[0], 5, "A's route at B once installed")
        assert d.ctl_json("show", "bgp", "summary")["fib_awaiting_install"] == 0
        # A withdrawal is not held back.
        a.withdraw("10.80.0.0/24")
        wait_for(lambda: "10.80.0.0/24" not in b.snapshot()[0], 5, "the withdrawal at B")


def test_one_path_withdrawn_is_one_group_update(netns_factory, tmp_path):
    """50 prefixes share a 2-way group; one neighbour withdraws them all:
    we write the group in place (and delete the nexthop no longer used), no
    route. The kernel itself then notifies each route of the group, with
    the same nhid."""
    dut_ns, peers_ns = router_and_peers(netns_factory, (A, B))
    prefixes = [f"10.82.{i}.0/24" for i in range(50)]
    config = CONFIG.format(fib="") + 'metrics: {listen: "127.0.0.1:9179"}\n'
    with scripted_router(dut_ns, peers_ns, config, tmp_path, [(A, 65001), (B, 65002)]) as (
            d, (a, b)):
        a.announce(*prefixes)
        b.announce(*prefixes)
        group = wait_for(lambda: (lambda g: g if g and len(g["group"]) == 2 else None)(
            group_of(dut_ns, prefixes[0])), 10, "a 2-way group")
        wait_for(lambda: {r.get("nhid") for r in kernel(dut_ns, "route", "show", "proto", "186")}
                 == {group["id"]} and len(kernel(dut_ns, "route", "show", "proto", "186")) == 50,
                 10, "all 50 routes on that group")
        before = metric(dut_ns, "closbgp_fib_operations_total")
        monitor = dut_ns.popen("ip", "monitor", "route", "nexthop", stdout=subprocess.PIPE,
                               text=True)
        try:
            time.sleep(0.5)
            b.withdraw(*prefixes)
            wait_for(lambda: len(group_of(dut_ns, prefixes[0])["group"]) == 1, 10,
                     "the group down to one member")
            time.sleep(0.5)
        finally:
            monitor.terminate()
        assert metric(dut_ns, "closbgp_fib_operations_total") - before == 2
        events = [line for line in monitor.communicate()[0].splitlines() if line.strip()]
        groups = [e for e in events if e.startswith(f"id {group['id']} ")]
        assert len(groups) == 1, events
        assert all(f"nhid {group['id']} " in e for e in events if e.startswith("10.82.")), events
        assert all(group_of(dut_ns, p)["id"] == group["id"] for p in prefixes)


def test_routes_of_other_protocols_are_left_alone(netns_factory, tmp_path):
    """Another protocol's routes (the same prefix at another metric, another
    prefix at ours) and a nexthop object outside our id range survive our
    writes, a repair, the audit and our exit with retain-on-exit: false."""
    def others(ns):
        routes = [(r["dst"], r.get("metric")) for r in kernel(ns, "route", "show", "proto",
                                                               "static")]
        return sorted(routes), [n["id"] for n in kernel(ns, "nexthop", "show", "id", "7")]

    def add_others(ns):
        ns.ip("route", "add", "10.80.0.0/24", "via", A, "proto", "static", "metric", "100")
        ns.ip("route", "add", "10.99.0.0/24", "via", B, "proto", "static", "metric", "20")
        ns.ip("nexthop", "add", "id", "7", "via", B, "dev", "swp1", "proto", "static")

    before = ([("10.80.0.0/24", 100), ("10.99.0.0/24", 20)], [7])
    with ecmp_router(netns_factory, tmp_path, "audit-interval: 1, retain-on-exit: false",
                     before_start=add_others) as (d, peers):
        assert others(d.ns) == before
        def ours():
            return kernel(d.ns, "route", "show", "10.80.0.0/24", "proto", "bgp")

        wait_for(ours, 10, "our route")
        d.ns.ip("route", "del", "10.80.0.0/24", "proto", "186")  # repaired, from notifications
        wait_for(ours, 10, "our route put back")
        time.sleep(1.5)  # an audit
        assert others(d.ns) == before
        assert d.stop() == 0
        assert kernel(d.ns, "route", "show", "proto", "bgp") == []
        assert others(d.ns) == before


@pytest.mark.parametrize("objects", [True, False], ids=["nexthop-objects", "multipath"])
def test_aggregate_discards_are_written_repaired_and_adopted(netns_factory, tmp_path, objects):
    """An active aggregate is a blackhole route in the kernel, of each family
    (with objects: a route on a blackhole nexthop object); one deleted by
    someone else is put back; a restart adopts them without a write; an
    aggregate with `discard: false` gets none."""
    ns = netns_factory("discard")
    config = ("asn: 65000\nrouter-id: 10.0.0.1\ndrain: {warm-up: 0}\n"
              f"fib: {{nexthop-objects: {str(objects).lower()}, audit-interval: 0}}\n"
              "networks: [10.90.1.0/24, 10.91.1.0/24, 2001:db8:5::/64]\n"
              "aggregates: [{prefix: 10.90.0.0/16}, {prefix: 2001:db8::/32},\n"
              "             {prefix: 10.91.0.0/16, discard: false}]\n")
    first = Daemon(ns, config, tmp_path, "first")
    second = None
    try:
        def blackholes():
            return sorted(r["dst"] for family in ("-4", "-6")
                          for r in kernel(ns, family, "route", "show", "proto", "bgp")
                          if r.get("type") == "blackhole")

        wait_for(lambda: blackholes() == ["10.90.0.0/16", "2001:db8::/32"], 10,
                 "the aggregates' discard routes")
        routes = kernel(ns, "route", "show", "10.90.0.0/16")
        assert ("nhid" in routes[0]) == objects and routes[0]["metric"] == 20
        fib = {r["prefix"]: r for r in first.ctl_json("show", "fib")}
        assert set(fib) == {"10.90.0.0/16", "2001:db8::/32"}
        assert all(r["state"] == "installed" and r["next_hops"] == r["kernel_next_hops"] ==
                   [{"interface": "", "gateway": "", "blackhole": True, "weight": 1}] for r in fib.values())
        ns.ip("route", "del", "10.90.0.0/16", "proto", "bgp")
        wait_for(lambda: blackholes() == ["10.90.0.0/16", "2001:db8::/32"], 10,
                 "the deleted discard route put back")
        assert first.stop() == 0
        second = Daemon(ns, config, tmp_path, "second")
        wait_for(lambda: "FIB: reconciled" in second.log_text(), 30, "the reconciliation")
        assert "2 of the previous run's 2 routes left as they were, 0 written, 0 removed" in \
            second.log_text()
    finally:
        for d in (first, second):
            if d:
                d.stop()
