"""Monitoring feeds against real readers. BMP (RFC 7854, RFC 9069):
pmacct's pmbmpd reads our Peer Up for an FRR neighbour (unnumbered), its
routes before and after a route-map-in that denies one prefix, the
Loc-RIB, Statistics Reports, the Peer Down when FRR shuts the session, the
Termination when we stop; tshark decodes the whole stream. A collector
that stops reading is disconnected while routing goes on, and sent
everything again when it reads. MRT (RFC 6396), on the same fabric:
bgpdump reads the UPDATEs FRR sent and the session's state changes from
our BGP4MP file, and the Loc-RIB from our periodic TABLE_DUMP_V2 file."""
import json
import socket
import subprocess
import threading
import time

import pytest

from lib.bgp_speaker import enter_netns
from lib.frr import FrrNode, unnumbered_config
from lib.netns import BUILD, Daemon, terminate, veth, wait_for

pytestmark = pytest.mark.netns

PMBMPD_PORT = 17911
SLOW_PORT = 17912
GEN = BUILD / "bench" / "bgp_gen"

LEAF = f"""asn: 65101
router-id: 10.0.0.11
timers: {{keepalive: 1, hold: 3, connect-retry: 2}}
prefix-lists:
  two: [{{permit: 10.0.0.2/32}}]
route-maps:
  from-spine:
    - {{seq: 10, action: deny, match: {{prefix-list: two}}}}
    - {{seq: 20, action: permit}}
neighbors:
  - {{interface: swp1, remote-as: external, route-map-in: from-spine}}
networks: [10.0.0.11/32]
metrics: {{listen: "127.0.0.1:9179"}}
bmp:
  collectors: [{{address: 127.0.0.1, port: {PMBMPD_PORT}, name: pmacct}}]
  statistics-interval: 1
mrt:
  updates: {{file: "updates.%Y%m%d.%H%M", sent: true}}
  rib: {{file: "rib.%H%M%S", interval: 1}}
"""


def bmp_log(path):
    """pmbmpd's JSON lines, as dicts."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def find(log, **fields):
    return [m for m in log if all(m.get(k) == v for k, v in fields.items())]


@pytest.fixture
def leaf_and_spine(netns_factory, tmp_path):
    leaf, spine = netns_factory("bmpleaf"), netns_factory("bmpspine")
    veth(leaf, "swp1", spine, "swp1")
    return leaf, spine, tmp_path


def test_pmbmpd_sees_sessions_views_and_statistics(leaf_and_spine):
    leaf_ns, spine_ns, tmp = leaf_and_spine
    log_path = tmp / "bmp.json"
    (tmp / "pmbmpd.conf").write_text(
        f"bmp_daemon_ip: 127.0.0.1\nbmp_daemon_port: {PMBMPD_PORT}\n"
        f"bmp_daemon_msglog_file: {log_path}\nbmp_daemon_msglog_output: json\n")
    capture = tmp / "bmp.pcap"
    procs, leaf, frr = [], None, None
    try:
        tshark = leaf_ns.popen("tshark", "-i", "lo", "-f", f"tcp port {PMBMPD_PORT}", "-w",
                               str(capture), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
        procs.append(tshark)
        wait_for(lambda: "Capturing on" in tshark.stderr.readline(), 10, "tshark to capture")
        procs.append(leaf_ns.popen("pmbmpd", "-f", str(tmp / "pmbmpd.conf"),
                                   stdout=open(tmp / "pmbmpd.log", "w"), stderr=subprocess.STDOUT))
        wait_for(lambda: "waiting for BMP data" in (tmp / "pmbmpd.log").read_text(), 10,
                 "pmbmpd to listen")
        leaf = Daemon(leaf_ns, LEAF, tmp, "bmpleaf")
        frr = FrrNode(spine_ns, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"],
                                                  ["10.0.0.1/32", "10.0.0.2/32",
                                                   "2001:db8::1/128"]), tmp)
        leaf.wait_api()

        up = wait_for(lambda: find(bmp_log(log_path), bmp_msg_type="peer_up", peer_type=0), 30,
                      "our Peer Up for FRR at pmbmpd")[0]
        assert up["peer_ip"].startswith("fe80::") and up["peer_asn"] == 65000
        assert up["bgp_id"] == "10.0.0.1" and up["bmp_peer_up_info_string"] == "interface swp1"
        assert up["local_ip"].startswith("fe80::")
        peer = up["peer_ip"]

        def routes(**view):
            return {m["ip_prefix"] for m in find(bmp_log(log_path), bmp_msg_type="route_monitor",
                                                 log_type="update", **view)}
        # Before policy everything FRR sent; after it, not what route-map-in denies.
        wait_for(lambda: {"10.0.0.1/32", "10.0.0.2/32", "2001:db8::1/128"} <=
                 routes(peer_ip=peer, is_post=0), 20, "the pre-policy routes")
        wait_for(lambda: {"10.0.0.1/32", "2001:db8::1/128"} <= routes(peer_ip=peer, is_post=1),
                 10, "the post-policy routes")
        assert "10.0.0.2/32" not in routes(peer_ip=peer, is_post=1)
        # The Loc-RIB (RFC 9069): best paths, our own included.
        wait_for(lambda: {"10.0.0.1/32", "10.0.0.11/32", "2001:db8::1/128"} <=
                 routes(is_loc=1), 10, "the Loc-RIB routes")
        assert "10.0.0.2/32" not in routes(is_loc=1)
        def last_stat(counter_type):
            s = find(bmp_log(log_path), bmp_msg_type="stats", peer_ip=peer,
                     counter_type=counter_type)
            return s[-1]["counter_value"] if s else None
        # Adj-RIB-In routes: FRR's three and ours, which it sends back.
        wait_for(lambda: last_stat(7) == 4, 10, "a Statistics Report of the Adj-RIB-In")
        rejected = find(bmp_log(log_path), bmp_msg_type="stats", peer_ip=peer, counter_type=0)
        assert rejected and rejected[-1]["counter_value"] >= 1

        shown = leaf.ctl_json("show", "bmp")
        assert shown["route_monitoring"] == ["pre-policy", "post-policy", "loc-rib"]
        c = shown["collectors"][0]
        assert (c["name"], c["address"], c["state"], c["connections"], c["drops"]) == \
            ("pmacct", f"127.0.0.1:{PMBMPD_PORT}", "up", 1, 0)
        assert c["messages"] > 10 and c["bytes"] > 1000
        assert "Route monitoring: pre-policy, post-policy, loc-rib" in leaf.ctl("show", "bmp").stdout
        metrics = leaf_ns.exec("/usr/bin/python3", "-c",
                               "import urllib.request\nprint(urllib.request.urlopen("
                               "'http://127.0.0.1:9179/metrics').read().decode())").stdout
        assert 'closbgp_bmp_up{collector="pmacct"} 1' in metrics
        assert 'closbgp_mrt_dropped_total{feed="updates"} 0' in metrics
        assert 'closbgp_mrt_records_total{feed="rib"}' in metrics

        # FRR ends the session with a Cease: Peer Down, remote, with its NOTIFICATION.
        frr.vtysh("configure terminal", "router bgp 65000", "neighbor swp1 shutdown")
        down = wait_for(lambda: find(bmp_log(log_path), bmp_msg_type="peer_down", peer_ip=peer),
                        15, "the Peer Down")[0]
        assert down["reason_type"] == 3, down
        wait_for(lambda: "10.0.0.1/32" in {m["ip_prefix"] for m in find(
            bmp_log(log_path), bmp_msg_type="route_monitor", log_type="withdraw", is_loc=1)}, 10,
            "FRR's routes withdrawn from the Loc-RIB")

        # No more Statistics Reports: from here on, the Termination is all it writes.
        leaf.write_config(LEAF.replace("statistics-interval: 1", "statistics-interval: 0"))
        assert "bmp statistics every 0 s" in leaf.ctl("config", "reload").stdout
        written = leaf.ctl_json("show", "bmp")["collectors"][0]["messages"]
        assert leaf.stop() == 0, leaf.log_text()
        written += 1  # the Termination
        check_mrt_files(leaf_ns, tmp)
        wait_for(lambda: find(bmp_log(log_path), bmp_msg_type="term"), 10, "the Termination")
    finally:
        if leaf:
            leaf.stop()
        if frr:
            frr.stop()
        for p in reversed(procs):
            terminate(p)
    # Every message of the stream, as Wireshark's dissector reads it: all of
    # them (as many as we wrote), each type seen. Wireshark before 4.2 hands
    # what follows a Peer Up's OPENs to its BGP dissector, so the Peer Up's
    # Information TLVs (RFC 7854 sec. 4.10, the table name RFC 9069 asks
    # for) show as malformed BGP there; nothing else may.
    decoded = leaf_ns.exec("tshark", "-r", str(capture), "-d", f"tcp.port=={PMBMPD_PORT},bmp",
                           "-T", "fields", "-e", "bmp.type", "-e", "_ws.malformed").stdout
    version = leaf_ns.exec("tshark", "--version").stdout.split()[2].split(".")
    old_dissector = (int(version[0]), int(version[1])) < (4, 2)
    types = []
    for line in decoded.splitlines():
        fields = line.split("\t")
        frame_types = [t for t in fields[0].split(",") if t]
        types += frame_types
        if len(fields) > 1 and fields[1]:
            assert old_dissector and frame_types[-1] == "3", f"malformed: {line}"
    assert {"0", "1", "2", "3", "4", "5"} <= set(types), types
    assert len(types) == written, (len(types), written)


def bgpdump(ns, path):
    return ns.exec("bgpdump", "-m", str(path)).stdout.splitlines()


def check_mrt_files(ns, tmp):
    """The MRT files beside the config (relative names): bgpdump reads in
    the BGP4MP file every UPDATE FRR sent (the prefix route-map-in denied
    too: they are as received), what we sent it, and the session's state
    changes, and in a RIB file the Loc-RIB."""
    updates = sorted(tmp.glob("updates.*"))
    assert updates, list(tmp.iterdir())
    lines = [line for u in updates for line in bgpdump(ns, u)]
    announced = {f[5] for f in (line.split("|") for line in lines) if f[0] == "BGP4MP" and f[2] == "A"}
    assert {"10.0.0.1/32", "10.0.0.2/32", "2001:db8::1/128"} <= announced, lines
    assert any(line.startswith("BGP4MP") and "|STATE|" in line and line.endswith("|5|6")
               for line in lines), lines
    assert any("|STATE|" in line and line.endswith("|6|1") for line in lines), lines
    # sent: true: what we sent FRR, as BGP4MP_MESSAGE_AS4_LOCAL.
    ours = [f for f in (line.split("|") for line in lines) if f[0] == "BGP4MP_LOCAL" and f[2] == "A"]
    assert any(f[5] == "10.0.0.11/32" and f[6] == "65101" for f in ours), lines
    ribs = sorted(tmp.glob("rib.*"))
    assert ribs, list(tmp.iterdir())
    # A dump taken while FRR's routes were in.
    rib_prefixes = [{line.split("|")[5] for line in bgpdump(ns, r)} for r in ribs]
    assert any({"10.0.0.1/32", "10.0.0.11/32", "2001:db8::1/128"} <= p for p in rib_prefixes), \
        rib_prefixes


class SlowCollector:
    """A BMP collector in a namespace that (with `hold_first`) never reads
    its first connection and reads every other one to the end, keeping the
    bytes and whether the daemon closed it."""

    def __init__(self, ns_name, port, hold_first=True, garbage=b""):
        self.hold_first, self.garbage = hold_first, garbage
        self.received = []  # bytes read, per connection
        self.data = []  # per connection read
        self.closed = []  # per connection read: the daemon closed it
        self.stop = threading.Event()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ns_name, port, ready), daemon=True)
        self.thread.start()
        assert ready.wait(10)

    def _run(self, ns_name, port, ready):
        enter_netns(ns_name)
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen()
        server.settimeout(0.2)
        ready.set()
        held = []
        while not self.stop.is_set():
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            self.received.append(0)
            if self.hold_first and not held:
                held.append(conn)  # never read
                continue
            self.data.append(bytearray())
            self.closed.append(False)
            conn.sendall(self.garbage)  # BMP is one-way: the daemon must ignore it
            conn.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    data = conn.recv(1 << 16)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not data:
                    self.closed[-1] = True
                    break
                self.received[-1] += len(data)
                if len(self.data[-1]) < (1 << 20):
                    self.data[-1] += data
            conn.close()
        for c in held:
            c.close()
        server.close()

    def close(self):
        self.stop.set()
        self.thread.join(5)


def test_a_collector_that_stops_reading_is_dropped_and_routing_goes_on(netns_factory, tmp_path):
    dut, tester = netns_factory("bmpdut"), netns_factory("bmpgen")
    veth(dut, "eth1", tester, "eth1")
    dut.ip("addr", "add", "10.0.1.1/24", "dev", "eth1")
    tester.ip("addr", "add", "10.0.1.2/24", "dev", "eth1")
    # Over a megabyte of BMP, more than the sockets between us and the
    # collector hold, and the daemon may hold 64 KiB of it.
    routes = 100000
    gen = tester.popen(str(GEN), "--peer", "10.0.1.2,65001", "--routes", str(routes),
                       "--attribute-sets", "1000", stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, text=True)
    collector = SlowCollector(dut.name, SLOW_PORT)
    router = None
    try:
        router = Daemon(dut, f"""asn: 65101
router-id: 10.0.0.11
fib: {{enabled: false}}
neighbors: [{{address: 10.0.1.2, remote-as: 65001}}]
bmp:
  collectors: [{{address: 127.0.0.1, port: {SLOW_PORT}, name: slow}}]
  buffer-kib: 64
""", tmp_path, "bmpdut")
        router.wait_api()
        assert json.loads(gen.stdout.readline())["event"] == "up"
        gen.stdin.write("go\n")
        gen.stdin.flush()
        wait_for(lambda: "does not keep up" in router.log_text(), 60,
                 "the collector dropped for not reading")
        # Routing went on: the whole table arrived, the session never flapped.
        p = wait_for(lambda: (lambda s: s if int(s["prefixes_received"]) == routes else None)(
            router.ctl_json("show", "bgp", "summary")["peers"][0]), 60, "the whole table")
        assert p["state"] == "established" and int(p["transitions"]) == 1
        # Reading now, it is sent everything again: over 4 bytes a route in each view.
        wait_for(lambda: len(collector.received) >= 2 and collector.received[1] > 3 * 4 * routes,
                 60, "the tables sent again")
        c = router.ctl_json("show", "bmp")["collectors"][0]
        assert c["drops"] >= 1 and c["connections"] >= 2 and c["state"] == "up", c
        assert "it does not keep up" in c["last_error"]
    finally:
        if router:
            assert router.stop() == 0, router.log_text()
        collector.close()
        terminate(gen)


def message_types(data):
    """The BMP message types in `data`, in order."""
    types, at = [], 0
    while at + 6 <= len(data):
        types.append(data[at + 5])
        at += int.from_bytes(data[at + 1:at + 5], "big")
    return types


def test_a_reload_adds_and_removes_collectors(netns_factory, tmp_path):
    """...and a collector that sends garbage is not listened to."""
    ns = netns_factory("bmpreload")
    base = "asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\nnetworks: [10.0.0.11/32]\n"
    collector = SlowCollector(ns.name, SLOW_PORT, hold_first=False,
                              garbage=bytes(range(256)) * 1024)
    router = None
    try:
        router = Daemon(ns, base, tmp_path, "bmpreload")
        router.wait_api()
        assert "No BMP collectors configured" in router.ctl("show", "bmp").stdout
        router.write_config(base + f"bmp: {{collectors: [{{address: 127.0.0.1, port: {SLOW_PORT}, "
                                   f"name: mon}}], route-monitoring: [loc-rib]}}\n")
        assert "bmp collector mon added" in router.ctl("config", "reload").stdout
        # Initiation, the Loc-RIB's Peer Up, its route, End-of-RIB for both families.
        wait_for(lambda: collector.data and message_types(collector.data[0]) == [4, 3, 0, 0, 0],
                 10, "the collector's tables")
        router.write_config(base)
        assert "bmp collector mon removed" in router.ctl("config", "reload").stdout
        wait_for(lambda: collector.closed and collector.closed[0], 10, "the connection closed")
        assert message_types(collector.data[0])[-1] == 5  # Termination
        assert router.ctl_json("show", "bmp")["collectors"] == []
    finally:
        if router:
            assert router.stop() == 0, router.log_text()
        collector.close()
