"""BFD benchmarks.

1. Detection-to-withdraw latency: a leaf and a spine (closbgpd, unnumbered,
   BFD at 300x3, 100x3 and 50x3); silent loss starts (nftables) and the time
   until the leaf withdraws the spine's route is taken from the leaf's log
   (millisecond timestamps, same clock). Several trials per setting.
2. False flaps under load: at 50x3 towards the spine, the leaf ingests
   1,000,000 IPv4 routes from a generator on a second link; BFD must not flap.

    sudo /usr/bin/python3 bench/bfd.py [--trials 10] [--routes 1000000]
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
from harness import Generator  # noqa: E402
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


def ingest_flaps(count, tmp):
    leaf_ns, spine_ns, gen_ns = Netns("bfd-leaf"), Netns("bfd-spine"), Netns("bfd-gen")
    gen = None
    try:
        veth(leaf_ns, "swp1", spine_ns, "swp1")
        veth(leaf_ns, "swp2", gen_ns, "eth0")
        leaf_ns.ip("addr", "add", "192.0.2.1/24", "dev", "swp2")
        gen_ns.ip("addr", "add", "192.0.2.2/24", "dev", "eth0")
        gen = Generator(gen_ns, {"192.0.2.2": 65002}, count)
        spine = Daemon(spine_ns, cfg(65000, "10.0.0.1", 50), tmp, "spine-ingest")
        leaf_cfg = cfg(65101, "10.0.0.11", 50,
                       "  - {address: 192.0.2.2, remote-as: 65002, bfd: false}\n")
        leaf = Daemon(leaf_ns, leaf_cfg, tmp, "leaf-ingest")
        leaf.wait_api()

        def spine_link():
            return [p for p in leaf.ctl_json("show", "bgp", "summary")["peers"] if p["interface"] == "swp1"][0]

        wait_for(lambda: spine_link().get("bfd_state") == "up" and
                 spine_link()["state"] == "SESSION_STATE_ESTABLISHED", 30, "BFD up towards the spine")
        gen.wait_up()
        gen.go()
        start = gen.started

        def received():
            peers = leaf.ctl_json("show", "bgp", "summary")["peers"]
            return sum(int(p["prefixes_received"]) for p in peers if p["address"] == "192.0.2.2")

        wait_for(lambda: received() >= count, 300, f"{count} routes at the leaf")
        ingest = time.monotonic() - start
        time.sleep(1)
        flaps = sum(d.log_text().count("BFD Up -> Down") for d in (leaf, spine))
        bfd_after = spine_link()["bfd_state"]
        leaf.stop()
        spine.stop()
        return {"routes": count, "seconds_to_ingest": round(ingest, 2), "bfd_flaps": flaps,
                "bfd_state_after": bfd_after}
    finally:
        if gen:
            gen.stop()
        for ns in (leaf_ns, spine_ns, gen_ns):
            ns.delete()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--routes", type=int, default=1000000)
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
    out["ingest_at_50x3"] = ingest_flaps(args.routes, tmp)
    print(out["ingest_at_50x3"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
