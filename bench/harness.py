"""What the side-by-side benchmarks share: the routers under test (closbgpd,
BIRD, FRR, GoBGP) started from a config text in a namespace, their resident
memory, and the generator (bench/bgp_gen.cpp) that answers BGP sessions in
the tester namespace and sends a pre-encoded table when told to."""
import argparse
import contextlib
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from lib.frr import FrrNode  # noqa: E402
from lib.netns import BUILD, Daemon, Netns, terminate, veth, wait_for  # noqa: E402
from lib.peers import BirdNode, GobgpNode, gobgp_config  # noqa: E402

KINDS = ("closbgpd", "bird", "frr")
# GoBGP has no FIB of its own here (no zebra): it runs in control-plane
# scenarios only.
CONTROL_KINDS = KINDS + ("gobgp",)
SINK = BUILD / "bench" / "bgp_sink"
GEN_BIN = BUILD / "bench" / "bgp_gen"
# The generator and the sink of the through-the-router benchmarks.
GEN, SINK_ADDR = "10.0.1.2", "10.0.2.2"


def side_by_side_args(name, routes, extra=None, kinds=KINDS):
    """The options of every side-by-side benchmark (--routes, --runs,
    --only KIND,..., --out bench/results/NAME.json); `extra(parser)` adds
    its own. Returns them and a scratch directory."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--routes", type=int, default=routes)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(kinds))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / f"{name}.json"))
    if extra:
        extra(ap)
    return ap.parse_args(), Path(tempfile.mkdtemp())


def expected_routes_arg(ap):
    """--expected-routes, for the benchmarks whose generator feeds one table."""
    ap.add_argument("--expected-routes", type=int, default=0,
                    help="closbgpd: the generator's neighbour configured with this size hint "
                         "(expected-routes: {ipv4-unicast: N}); 0: none")


def router_configs(gen, sink=None, kernel=True, expected_routes=0):
    """closbgpd, BIRD and FRR as AS 65000 (router-id 10.0.0.1) with the
    generator at `gen` (AS 65001, reached from 10.0.1.1) and, if given, a
    sink at `sink` (AS 65002, from 10.0.2.1) that is sent everything.
    `kernel`: closbgpd's FIB and BIRD's kernel protocol on (FRR's bgpd
    takes -n for the opposite). `expected_routes`: closbgpd's size hint
    for the generator (none of the others has one)."""
    peers = [(gen, 65001)] + ([(sink, 65002)] if sink else [])
    hint = f", expected-routes: {{ipv4-unicast: {expected_routes}}}" if expected_routes else ""
    closbgpd = ("asn: 65000\nrouter-id: 10.0.0.1\nneighbors:\n" +
                "".join(f"  - {{address: {a}, remote-as: {asn}{hint if a == gen else ''}}}\n"
                        for a, asn in peers) +
                ("" if kernel else "fib: {enabled: false}\n") + "drain: {warm-up: 0}\n")
    bird = ("router id 10.0.0.1;\nprotocol device {}\n" +
            ("protocol kernel { ipv4 { export all; }; }\n" if kernel else "") +
            f"protocol bgp generator {{\n  local 10.0.1.1 as 65000; neighbor {gen} as 65001;\n"
            "  ipv4 { import all; export none; };\n}\n")
    if sink:
        bird += (f"protocol bgp sink {{\n  local 10.0.2.1 as 65000; neighbor {sink} as 65002;\n"
                 "  ipv4 { import none; export all; };\n}\n")
    frr = ("frr defaults datacenter\nhostname dut\n!\nrouter bgp 65000\n bgp router-id 10.0.0.1\n"
           " no bgp ebgp-requires-policy\n" +
           "".join(f" neighbor {a} remote-as {asn}\n" for a, asn in peers) + "!\n")
    return {"closbgpd": closbgpd, "bird": bird, "frr": frr,
            "gobgp": gobgp_config(65000, "10.0.0.1", peers, hold=90)}


def routes_with_width(ns, width):
    """IPv4 routes in the kernel with `width` next hops (nexthop groups or
    RTA_MULTIPATH)."""
    routes = json.loads(ns.ip("-j", "route", "show").stdout or "[]")
    groups = {n["id"]: len(n["group"]) for n in json.loads(ns.ip("-j", "nexthop", "show").stdout or "[]")
              if "group" in n}
    count = 0
    for r in routes:
        count += (len(r["nexthops"]) if "nexthops" in r else groups.get(r.get("nhid"), 1)) == width
    return count


def rss_kb(pids, field="VmRSS"):
    """Resident memory of the processes, summed (VmHWM: each one's peak)."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                total += int(line.split()[1])
    return total


# zebra's netlink receive buffer as Debian's /etc/frr/daemons sets it: with
# less, a burst of kernel notifications (100,000 forwarding entries) makes
# it exit ("netlink-listen recvmsg overrun").
FRR_ZEBRA_ARGS = ("-s", "90000000")


class Dut:
    """One router under test; `configs` maps kind to config text; `pids`
    are the processes whose memory counts (FRR: zebra and bgpd)."""

    def __init__(self, kind, ns, tmp, configs, frr_bgpd_args=(), frr_daemons=("zebra", "bgpd")):
        self.kind = kind
        if kind == "closbgpd":
            self.node = Daemon(ns, configs[kind], tmp, "dut-closbgpd", log_level="info")
            self.node.wait_api()
            self.pids = [self.node.proc.pid]
        elif kind == "bird":
            self.node = BirdNode(ns, tmp, configs[kind])
            self.pids = [self.node.proc.pid]
        elif kind == "gobgp":
            self.node = GobgpNode(ns, tmp, configs[kind])
            self.pids = [self.node.proc.pid]
        else:
            self.node = FrrNode(ns, configs[kind], tmp, daemons=frr_daemons,
                                extra_args={"bgpd": list(frr_bgpd_args),
                                            "zebra": list(FRR_ZEBRA_ARGS)})
            self.pids = [p.pid for p, _ in self.node.procs]

    def rss_mb(self):
        return round(rss_kb(self.pids) / 1024, 1)

    def peak_rss_mb(self):
        return round(rss_kb(self.pids, "VmHWM") / 1024, 1)

    def cpu_seconds(self):
        """User and system time of its processes so far."""
        ticks = 0
        for pid in self.pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.node.stop()


class Generator:
    """`build/bench/bgp_gen` (bench/bgp_gen.cpp) on `node`: an eBGP speaker
    on each address of `peers` (address -> AS) that the DUT connects to;
    after `go()` each sends `routes` IPv4 /24s from 11.0.0.0 with
    `attribute_sets` MEDs, `rounds` times withdrawn and announced again,
    then `sentinel`; `family="evpn"`: EVPN MAC/IP routes instead (the
    generator's own description). `started` is the monotonic time the
    tables left."""

    def __init__(self, node, peers, routes, attribute_sets=100, rounds=0, sentinel=None,
                 family="ipv4"):
        self.peers, self.started, self.up = peers, None, set()
        args = [str(GEN_BIN), "--routes", str(routes), "--attribute-sets", str(attribute_sets),
                "--rounds", str(rounds), "--family", family]
        for address, asn in peers.items():
            args += ["--peer", f"{address},{asn}"]
        if sentinel:
            args += ["--sentinel", sentinel]
        self.proc = node.popen(*args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.events = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put({"event": "exit"})

    def _next(self, timeout):
        try:
            e = self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"bgp_gen: nothing within {timeout} s") from None
        assert e["event"] != "exit", f"bgp_gen exited ({self.proc.poll()})"
        return e

    def wait_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while self.up != set(self.peers):
            e = self._next(max(0.1, deadline - time.monotonic()))
            if e["event"] == "up":
                self.up.add(e["address"])

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        while (e := self._next(60))["event"] != "go":
            pass
        self.started = e["t"]

    def stop(self):
        terminate(self.proc)


def link_generator(dut_ns, tester, addresses=(GEN,)):
    """eth1 between the router under test (10.0.1.1/24) and the tester,
    which holds the generator's `addresses` (in 10.0.1.0/24)."""
    veth(dut_ns, "eth1", tester, "eth1")
    dut_ns.ip("addr", "add", "10.0.1.1/24", "dev", "eth1")
    for address in addresses:
        tester.ip("addr", "add", f"{address}/24", "dev", "eth1")


def ingest_to_kernel(kind, dut_ns, dut, gen, watch, count):
    """The generator's table into the DUT's kernel, clocked by the kernel's
    own notifications: `build/bench/kernel_routes WATCH --expect COUNT` in
    the DUT's namespace. Returns the seconds from the first UPDATE until the
    kernel held all, the DUT's CPU seconds meanwhile and its memory."""
    proc = dut_ns.popen(str(BUILD / "bench" / "kernel_routes"), watch, "--expect", str(count),
                        stdout=subprocess.PIPE, text=True)
    try:
        assert json.loads(proc.stdout.readline())["event"] == "ready"
        gen.wait_up()
        time.sleep(1)
        rss_before, cpu_before = dut.rss_mb(), dut.cpu_seconds()
        gen.go()
        line = proc.stdout.readline()
        assert line, f"{kind}: the kernel watcher stopped (notifications lost?)"
        done = json.loads(line)
        cpu = dut.cpu_seconds() - cpu_before
        time.sleep(1)
        return {"seconds_to_kernel": round(done["t"] - gen.started, 3),
                "cpu_seconds": round(cpu, 2), "rss_mb": dut.rss_mb(),
                "peak_rss_mb": dut.peak_rss_mb(), "rss_before_mb": rss_before}
    finally:
        terminate(proc)


@contextlib.contextmanager
def namespaces(name):
    """The router's and the tester's namespaces, deleted afterwards."""
    dut_ns, tester = Netns(f"{name}-dut"), Netns(f"{name}-tester")
    try:
        yield dut_ns, tester
    finally:
        dut_ns.delete()
        tester.delete()


@contextlib.contextmanager
def through_router(kind, tmp, count, table, sink_args=(), frr_bgpd_args=("-n",), config_extra="",
                   helper=None, expected_routes=0):
    """A router under test (control plane only, `router_configs`, plus
    `config_extra` appended to its config) between the generator at GEN,
    which sends the table `table` describes (the Generator's options) on
    go(), and the sink at SINK_ADDR, which reports when it holds `count`
    prefixes (`sink_args`: more of its options). `helper(tester)`, if
    given, starts a process in the tester's namespace before the router
    (a BMP collector). Yields (dut, dut_ns, gen, sink, helper's process)
    with both sessions up; everything is stopped afterwards.
    `expected_routes`: as router_configs'."""
    with namespaces("through") as (dut_ns, tester):
        gen = dut = sink = extra = None
        try:
            link_generator(dut_ns, tester)
            veth(dut_ns, "eth2", tester, "eth2")
            dut_ns.ip("addr", "add", "10.0.2.1/24", "dev", "eth2")
            tester.ip("addr", "add", f"{SINK_ADDR}/24", "dev", "eth2")
            # Only on the generator's address: the DUT's connection to the
            # sink's address must find nothing listening (the sink connects).
            gen = Generator(tester, {GEN: 65001}, **table)
            if helper:
                extra = helper(tester)
            configs = router_configs(GEN, sink=SINK_ADDR, kernel=False,
                                     expected_routes=expected_routes)
            configs[kind] += config_extra
            dut = Dut(kind, dut_ns, tmp, configs, frr_bgpd_args=list(frr_bgpd_args))
            sink = tester.popen(str(SINK), "--connect", "10.0.2.1", "--local", SINK_ADDR, "--as",
                                "65002", "--expect", str(count), "--timeout", "600", *sink_args,
                                stdout=subprocess.PIPE, text=True)
            established = json.loads(sink.stdout.readline())
            assert established["event"] == "established", established
            gen.wait_up()
            time.sleep(1)  # both sessions settled
            yield dut, dut_ns, gen, sink, extra
        finally:
            if extra:
                terminate(extra)
            if gen:
                gen.stop()
            if sink:
                terminate(sink)
            if dut:
                dut.stop()


class ApiProbe:
    """bench/api_probe.py against closbgpd in `ns`: ShowBgpSummary back to
    back, each call's time written to a file (a pipe nobody reads while
    the benchmark runs would fill and stop the probe)."""

    def __init__(self, ns, api, tmp):
        self.path = Path(tmp) / "api_probe.txt"
        self.out = open(self.path, "w")
        self.proc = ns.popen("/usr/bin/python3", str(ROOT / "bench" / "api_probe.py"), api,
                             stdout=self.out)
        wait_for(lambda: self.path.read_text().startswith("ready"), 10, "the API probe")

    def latency(self, start, end):
        """p50/p99/max of the calls that started within [start, end]."""
        self.stop()
        samples = sorted(float(ms) for t, ms in (line.split() for line in self.path.read_text().splitlines()
                                                if line and line != "ready")
                         if start <= float(t) <= end)
        if not samples:
            return {}
        pick = lambda q: round(samples[min(len(samples) - 1, int(q * len(samples)))], 2)  # noqa: E731
        return {"api_calls": len(samples), "api_p50_ms": pick(0.5), "api_p99_ms": pick(0.99),
                "api_max_ms": round(samples[-1], 2)}

    def stop(self):
        terminate(self.proc)
        self.out.close()


def run_kinds(kinds, runs, one_run):
    """`one_run(kind)` `runs` times per router kind, the kinds alternating
    (a pass of each, then the next pass), each result printed; per kind the
    median of every figure, and every run."""
    all_runs = {kind: [] for kind in kinds}
    for _ in range(runs):
        for kind in kinds:
            r = one_run(kind)
            print(kind, r, flush=True)
            all_runs[kind].append(r)
    results = {}
    for kind, runs_of in all_runs.items():
        results[kind] = {k: statistics.median(r[k] for r in runs_of) for k in runs_of[0]}
        results[kind]["all_runs"] = runs_of
    return results


def write_results(out, path):
    print(json.dumps(out.get("ratios", {}), indent=2))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=2) + "\n")


def ratios(results, key):
    """closbgpd's `key` against each other router's (lower is better)."""
    if "closbgpd" not in results:
        return {}
    ours = results["closbgpd"][key]
    return {f"{key}_vs_{k}": round(ours / v[key], 3) for k, v in results.items()
            if k != "closbgpd" and v[key]}
