"""Ingest benchmark, side by side: closbgpd, BIRD and FRR as the router
under test (DUT), in the same run on the same machine.

One neighbour (a generator) announces N IPv4 /24s with 100 distinct
attribute sets; a second neighbour (build/bench/bgp_sink, our codec)
receives what the DUT re-advertises. Measured per DUT:

  - seconds from the generator's first UPDATE until the sink holds all N;
  - for closbgpd also the time until all N are accepted into its RIB
    (API polled every 50 ms);
  - resident memory of the DUT's processes with the table loaded (FRR:
    bgpd + zebra), and before the routes arrived.

Control plane only, for every DUT: closbgpd with `fib: {enabled: false}`,
BIRD without a kernel protocol, FRR's bgpd with -n (no kernel install;
zebra still runs, bgpd needs it for next-hop tracking).

    sudo /usr/bin/python3 bench/ingest.py [--routes 1000000] [--runs 3] [--only closbgpd,bird,frr]
"""
import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from lib.bgp_speaker import announcements, answer_keepalives, message, open_message, router_id_of, serve_in_netns  # noqa: E402
from lib.frr import FrrNode  # noqa: E402
from lib.netns import BUILD, Daemon, Netns, terminate, veth, wait_for  # noqa: E402
from lib.peers import BirdNode  # noqa: E402

SINK = BUILD / "bench" / "bgp_sink"
GEN, SINK_ADDR = "10.0.1.2", "10.0.2.2"

CLOSBGPD_CONFIG = f"""asn: 65000
router-id: 10.0.0.1
neighbors:
  - {{address: {GEN}, remote-as: 65001}}
  - {{address: {SINK_ADDR}, remote-as: 65002}}
fib: {{enabled: false}}
"""

BIRD_CONFIG = f"""router id 10.0.0.1;
protocol device {{}}
protocol bgp generator {{
  local 10.0.1.1 as 65000; neighbor {GEN} as 65001;
  ipv4 {{ import all; export none; }};
}}
protocol bgp sink {{
  local 10.0.2.1 as 65000; neighbor {SINK_ADDR} as 65002;
  ipv4 {{ import none; export all; }};
}}
"""

FRR_CONFIG = f"""frr defaults datacenter
hostname dut
!
router bgp 65000
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 neighbor {GEN} remote-as 65001
 neighbor {SINK_ADDR} remote-as 65002
!
"""


def rss_kb(pids):
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


class Dut:
    """Starts one router under test; `pids` are the processes to measure."""

    def __init__(self, kind, ns, tmp):
        self.kind = kind
        if kind == "closbgpd":
            self.node = Daemon(ns, CLOSBGPD_CONFIG, tmp, "dut-closbgpd")
            self.node.wait_api()
            self.pids = [self.node.proc.pid]
        elif kind == "bird":
            self.node = BirdNode(ns, tmp, BIRD_CONFIG)
            self.pids = [self.node.proc.pid]
        else:
            self.node = FrrNode(ns, FRR_CONFIG, tmp, extra_args={"bgpd": ["-n"]})
            self.pids = [p.pid for p, _ in self.node.procs]

    def accepted(self):
        """closbgpd only: prefixes accepted from the generator."""
        peers = self.node.ctl_json("show", "bgp", "summary")["peers"]
        return sum(int(p.get("prefixes_accepted", 0)) for p in peers if p.get("address") == GEN)

    def stop(self):
        self.node.stop()


def one_run(kind, count, table, tmp):
    dut_ns, tester = Netns("ingest-dut"), Netns("ingest-tester")
    stop = threading.Event()
    dut = sink = None
    try:
        veth(dut_ns, "eth1", tester, "eth1")
        veth(dut_ns, "eth2", tester, "eth2")
        dut_ns.ip("addr", "add", "10.0.1.1/24", "dev", "eth1")
        dut_ns.ip("addr", "add", "10.0.2.1/24", "dev", "eth2")
        tester.ip("addr", "add", f"{GEN}/24", "dev", "eth1")
        tester.ip("addr", "add", f"{SINK_ADDR}/24", "dev", "eth2")
        go, started = threading.Event(), {}

        async def generator(reader, writer):
            writer.write(open_message(65001, router_id_of(GEN), hold=0) + message(4))
            head = await reader.readexactly(19)  # the DUT's OPEN
            await reader.readexactly(int.from_bytes(head[16:18], "big") - 19)
            while not go.is_set():
                await asyncio.sleep(0.05)
            started["t"] = time.monotonic()
            writer.write(table)
            await answer_keepalives(reader, writer)

        ready = threading.Event()
        threading.Thread(target=serve_in_netns, args=(tester.name, generator, ready, stop),
                         kwargs={"host": GEN}, daemon=True).start()
        ready.wait(10)
        dut = Dut(kind, dut_ns, tmp)
        sink = tester.popen(str(SINK), "--connect", "10.0.2.1", "--local", SINK_ADDR, "--as",
                            "65002", "--expect", str(count), "--timeout", "600",
                            stdout=subprocess.PIPE, text=True)
        established = json.loads(sink.stdout.readline())
        assert established["event"] == "established", established
        time.sleep(2)  # both sessions settled (the generator's came up first)
        rss_before = rss_kb(dut.pids)
        go.set()
        rib_time = None
        if kind == "closbgpd":
            wait_for(lambda: dut.accepted() >= count or sink.poll() is not None, 600, "RIB")
            rib_time = time.monotonic() - wait_for(lambda: started.get("t"), 5, "start")
        done = json.loads(sink.stdout.readline())
        assert done["event"] == "complete", done
        time.sleep(1)
        result = {"seconds_to_sink": round(done["t"] - started["t"], 3),
                  "rss_mb": round(rss_kb(dut.pids) / 1024, 1),
                  "rss_before_mb": round(rss_before / 1024, 1)}
        if rib_time is not None:
            result["seconds_to_rib"] = round(rib_time, 3)
        return result
    finally:
        stop.set()
        if sink:
            terminate(sink)
        if dut:
            dut.stop()
        dut_ns.delete()
        tester.delete()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routes", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="closbgpd,bird,frr")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ingest.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    table = announcements(args.routes, 65001, GEN)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "attribute_sets": 100,
           "runs": args.runs, "results": {}}
    for kind in args.only.split(","):
        runs = []
        for _ in range(args.runs):
            r = one_run(kind, args.routes, table, tmp)
            print(kind, r, flush=True)
            runs.append(r)
        out["results"][kind] = {
            key: statistics.median(r[key] for r in runs) for key in runs[0]}
        out["results"][kind]["all_runs"] = runs
    res = out["results"]
    if "closbgpd" in res:
        ours = res["closbgpd"]
        others = {k: v for k, v in res.items() if k != "closbgpd"}
        if others:
            fastest = min(others, key=lambda k: others[k]["seconds_to_sink"])
            out["ratios"] = {
                "time_vs_fastest_other": round(ours["seconds_to_sink"] / others[fastest]["seconds_to_sink"], 3),
                "fastest_other": fastest,
                **{f"time_vs_{k}": round(ours["seconds_to_sink"] / v["seconds_to_sink"], 3)
                   for k, v in others.items()},
                **{f"memory_vs_{k}": round(ours["rss_mb"] / v["rss_mb"], 3) for k, v in others.items()},
            }
    print(json.dumps(out.get("ratios", {}), indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
