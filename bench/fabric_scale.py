"""Fabric scale benchmark, side by side: a cold start of the examples/clos.py
three-tier fabric (pods of 4 spines over 8 leaves, each leaf with its
server, under 4 super-spines), built all of closbgpd and all of FRR (zebra,
bgpd, bfdd), at growing sizes: the curve of routers -> seconds and memory.

Per size and router kind: the emulated network is built first (not timed);
then every daemon is started (closbgpd; FRR's zebra everywhere, then bgpd
and bfdd) and the clock runs from the first start until every leaf's kernel
holds every other leaf's loopback and server subnets with one next hop per
spine of its pod (`build/bench/fabric_watch`, which follows every leaf's
route notifications from one process); `--timeout` counts from the last
start. Then, for the fabric's routing
daemons: proportional memory (PSS, shared pages divided among the
processes sharing them) per router, CPU seconds per router, threads per
router. BFD runs on every link at `--bfd` ms x 3 for every router alike
(relaxed from the 300 ms default: at a thousand routers the emulation
shares two cores). A kind stops growing at the first size that does not
converge within `--timeout`, or whose memory would not fit (from the
previous size's PSS per router).

    sudo /usr/bin/python3 bench/fabric_scale.py [--routers 52,100,250,500,1000] [--runs 1]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, write_results

sys.path.insert(0, str(ROOT / "examples"))
from clos import Clos  # noqa: E402

from lib.netns import BUILD, terminate  # noqa: E402

KINDS = ("closbgpd", "frr")
WATCH = BUILD / "bench" / "fabric_watch"
SPINES, LEAVES, SUPERS = 4, 8, 4  # per pod; super-spines over all pods


def pods_for(routers):
    """The number of pods whose fabric is nearest `routers` routers."""
    return max(1, round((routers - SUPERS) / (SPINES + LEAVES)))


def proc_field(path, field):
    """A `field:` line's first number in a /proc file (0 if absent)."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def mem_available_mb():
    return proc_field("/proc/meminfo", "MemAvailable") / 1024


class Watcher:
    """build/bench/fabric_watch over the fabric's leaves."""

    def __init__(self, clos, workdir, timeout):
        leaves = clos.of_role("leaf")
        prefixes = workdir / "leaf-prefixes.txt"
        prefixes.write_text("".join(f"{leaf.name} {p}\n" for leaf in leaves
                                    for p in leaf.networks()))
        self.log = open(workdir / "fabric_watch.jsonl", "w+")
        self.proc = subprocess.Popen(
            [WATCH, "--prefixes", prefixes, "--width", str(SPINES), "--timeout", str(timeout),
             *(f"{leaf.name}={clos.hosts[leaf.name].pid}" for leaf in leaves)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.events = []
        self._next("ready")

    def started(self):
        """The daemons are started: the deadline runs from now."""
        self.proc.stdin.write("started\n")
        self.proc.stdin.flush()

    def _next(self, *wanted):
        for line in self.proc.stdout:
            self.log.write(line)
            event = json.loads(line)
            self.events.append(event)
            if event["event"] in wanted:
                return event
        raise RuntimeError(f"fabric_watch ended (exit {self.proc.wait()}) before {wanted}")

    def wait(self):
        """The monotonic time the last leaf converged, or None at the deadline."""
        event = self._next("complete", "timeout")
        return event.get("t"), event.get("missing", {})

    def stop(self):
        terminate(self.proc)
        self.log.close()


def one_run(kind, pods, workdir, timeout, bfd):
    workdir.mkdir(parents=True)
    clos = Clos(workdir, spines=SPINES, leaves=LEAVES, pods=pods, super_spines=SUPERS, bfd=bfd)
    if kind == "frr":
        for r in clos.routers.values():
            r.daemon = "frr"
    watcher = None
    try:
        built = time.monotonic()
        clos.build()
        build_seconds = time.monotonic() - built
        watcher = Watcher(clos, workdir, timeout)
        started = time.monotonic()
        clos.start_daemons()
        start_seconds = time.monotonic() - started
        watcher.started()
        converged, missing = watcher.wait()
        pids = [pid for name in clos.routers for pid in clos.daemon_pids(name)]
        n = len(clos.routers)
        result = {"routers": n, "converged": converged is not None,
                  "seconds_to_converge": round(converged - started, 2) if converged else None,
                  "start_seconds": round(start_seconds, 2),
                  "seconds_after_last_start":
                      round(converged - started - start_seconds, 2) if converged else None,
                  "build_seconds": round(build_seconds, 1),
                  "pss_mb_per_router": round(sum(proc_field(f"/proc/{p}/smaps_rollup", "Pss")
                                                 for p in pids) / 1024 / n, 2),
                  "rss_mb_per_router": round(sum(proc_field(f"/proc/{p}/status", "VmRSS")
                                                 for p in pids) / 1024 / n, 2),
                  "cpu_seconds_per_router": round(sum(map(cpu_seconds, pids)) / n, 3),
                  "threads_per_router": round(sum(proc_field(f"/proc/{p}/status", "Threads")
                                                  for p in pids) / n, 1)}
        if missing:
            result["leaves_missing"] = len(missing)
        return result
    finally:
        if watcher:
            watcher.stop()
        clos.stop()


def median_of(runs):
    keys = [k for k in runs[0] if isinstance(runs[0][k], (int, float)) and k != "routers" and
            not isinstance(runs[0][k], bool) and all(r.get(k) is not None for r in runs)]
    return {"routers": runs[0]["routers"],
            **{k: round(statistics.median(r[k] for r in runs), 3) for k in keys},
            "converged": all(r["converged"] for r in runs), "all_runs": runs}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--routers", default="52,100,250,500,1000",
                    help="fabric sizes, in routers (each rounded to whole pods)")
    ap.add_argument("--runs", type=int, default=1, help="passes per size and kind")
    ap.add_argument("--only", default=",".join(KINDS))
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds to converge after the last start, per run")
    ap.add_argument("--bfd", type=int, default=1000, help="BFD interval on every link, ms (x 3)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "fabric_scale.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fabric-scale-"))
    kinds = args.only.split(",")
    growing = set(kinds)
    curve = {kind: [] for kind in kinds}
    for pods in sorted({pods_for(int(n)) for n in args.routers.split(",")}):
        routers = SUPERS + pods * (SPINES + LEAVES)
        runs = {kind: [] for kind in kinds}
        for i in range(args.runs):
            for kind in kinds:
                if kind not in growing:
                    continue
                last = curve[kind][-1] if curve[kind] else None
                need = last and last["pss_mb_per_router"] * routers * 1.5
                if need and need > mem_available_mb():
                    print(f"{kind}: {routers} routers would need about {need:.0f} MB, "
                          f"{mem_available_mb():.0f} MB available: stops here", flush=True)
                    growing.discard(kind)
                    continue
                r = one_run(kind, pods, tmp / f"{kind}-{routers}-{i}", args.timeout, args.bfd)
                print(kind, r, flush=True)
                runs[kind].append(r)
                if not r["converged"]:
                    growing.discard(kind)
        for kind, of_kind in runs.items():
            if of_kind:
                curve[kind].append(median_of(of_kind))
    out = {"date": time.strftime("%Y-%m-%d"), "runs": args.runs, "bfd_ms": args.bfd,
           "timeout_seconds": args.timeout,
           "fabric": f"pods of {SPINES} spines over {LEAVES} leaves (a server each) under "
                     f"{SUPERS} super-spines, BGP unnumbered, BFD {args.bfd} ms x 3",
           "results": curve, "ratios": ratios(curve)}
    write_results(out, args.out)


def ratios(curve):
    """closbgpd against FRR at each size both converged."""
    if "closbgpd" not in curve or "frr" not in curve:
        return {}
    frr = {p["routers"]: p for p in curve["frr"] if p["converged"]}
    out = {}
    for ours in curve["closbgpd"]:
        theirs = frr.get(ours["routers"])
        if ours["converged"] and theirs:
            for key in ("seconds_to_converge", "pss_mb_per_router", "cpu_seconds_per_router"):
                out[f"{key}_vs_frr_at_{ours['routers']}"] = round(ours[key] / theirs[key], 3)
    return out


if __name__ == "__main__":
    main()
