"""BFD benchmarks.

1. Detection-to-withdraw latency: a leaf and a spine (closbgpd, unnumbered,
   BFD at 300x3, 100x3 and 50x3); silent loss starts (nftables) and the time
   until the leaf withdraws the spine's route is taken from the leaf's log
   (millisecond timestamps, same clock). Several trials per setting.
False flaps under load, side by side with BIRD and FRR: bench/bfd_load.py.

    sudo /usr/bin/python3 bench/bfd.py [--trials 10]
"""
import argparse
import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from lib.netns import Daemon, Netns, drop_all, restore, veth, wait_for  # noqa: E402


def cfg(asn, rid, interval, extra=""):
    return (f"asn: {asn}\nrouter-id: {rid}\ntimers: {{keepalive: 3, hold: 9, connect-retry: 1}}\n"
            f"neighbors:\n  - interface: swp1\n    remote-as: external\n"
            f"    bfd: {{interval-ms: {interval}, multiplier: 3}}\n{extra}networks: [{rid}/32]\n")


def routes(d):
    return {r["prefix"] for r in d.ctl_json("show", "bgp", "routes")}


def log_time(line):
    return datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").timestamp()


def latency(interval, trials, tmp):
    leaf_ns, spine_ns = Netns("bfd-leaf"), Netns("bfd-spine")
    results = []
    try:
        veth(leaf_ns, "swp1", spine_ns, "swp1")
        leaf = Daemon(leaf_ns, cfg(65101, "10.0.0.11", interval), tmp, f"leaf-{interval}")
        spine = Daemon(spine_ns, cfg(65000, "10.0.0.1", interval), tmp, f"spine-{interval}")
        leaf.wait_api()
        for _ in range(trials):
            wait_for(lambda: "10.0.0.1/32" in routes(leaf) and
                     leaf.ctl_json("show", "bgp", "summary")["peers"][0]["bfd_state"] == "up",
                     60, "session and BFD up")
            time.sleep(0.5)
            seen = leaf.log_text().count("received prefixes withdrawn")
            lost_at = time.time()
            drop_all(leaf_ns, "swp1")
            wait_for(lambda: leaf.log_text().count("received prefixes withdrawn") > seen, 10, "withdraw")
            line = [l for l in leaf.log_text().splitlines() if "received prefixes withdrawn" in l][-1]
            results.append((log_time(line) - lost_at) * 1000)
            restore(leaf_ns)
        leaf.stop()
        spine.stop()
    finally:
        leaf_ns.delete()
        spine_ns.delete()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "bfd.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    out = {"date": time.strftime("%Y-%m-%d"), "latency_ms": {}}
    for interval in (300, 100, 50):
        ms = latency(interval, args.trials, tmp)
        detect = 3 * interval
        out["latency_ms"][f"{interval}x3"] = {
            "detection_time_ms": detect, "trials": len(ms), "min": round(min(ms), 1),
            "median": round(statistics.median(ms), 1), "max": round(max(ms), 1)}
        print(f"{interval}x3: {out['latency_ms'][f'{interval}x3']}", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
