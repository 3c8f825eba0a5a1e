"""Kernel ingest benchmark, side by side: one neighbour announces N IPv4
/24s (100 attribute sets, one next hop); measured is the time from its
first UPDATE until the kernel of the router under test holds all N, for
closbgpd (its FIB: nexthop objects, batched netlink), BIRD 2 (kernel
protocol) and FRR (bgpd + zebra). The clock is the kernel's own route
notifications (`build/bench/kernel_routes watch`), not the router.

In the same run, the kernel's floor: `kernel_routes write` inserts the
same N routes on one nexthop object, about 60 KiB of requests per send,
with nothing else to do; timed by the same watcher, which costs CPU on a
small machine as it does during the routers' runs.

    sudo /usr/bin/python3 bench/fib_ingest.py [--routes 1000000] [--runs 3] [--only closbgpd,bird,frr]
        [--expected-routes N]   # closbgpd's size hint for the generator's table
"""
import json
import statistics
import subprocess
import time

from harness import (GEN, Dut, Generator, expected_routes_arg, ingest_to_kernel, link_generator,
                     namespaces, ratios, router_configs, run_kinds, side_by_side_args, write_results)
from lib.netns import BUILD, terminate

KERNEL_ROUTES = BUILD / "bench" / "kernel_routes"

def one_run(kind, count, table, tmp, configs):
    with namespaces("fibingest") as (dut_ns, tester):
        gen = dut = None
        try:
            link_generator(dut_ns, tester)
            gen = Generator(tester, {GEN: 65001}, table)
            dut = Dut(kind, dut_ns, tmp, configs)
            return ingest_to_kernel(kind, dut_ns, dut, gen, "watch", count)
        finally:
            if gen:
                gen.stop()
            if dut:
                dut.stop()


def kernel_floor(count):
    with namespaces("fibfloor") as (dut_ns, tester):
        link_generator(dut_ns, tester)
        watch = dut_ns.popen(str(KERNEL_ROUTES), "watch", "--expect", str(count),
                             stdout=subprocess.PIPE, text=True)
        try:
            assert json.loads(watch.stdout.readline())["event"] == "ready"
            out = dut_ns.exec(str(KERNEL_ROUTES), "write", "--count", str(count), "--gateway", GEN,
                              "--dev", "eth1").stdout
            done = json.loads(watch.stdout.readline())
            return round(done["t"] - json.loads(out)["start"], 3)
        finally:
            terminate(watch)


def main():
    args, tmp = side_by_side_args("fib_ingest", 1000000, expected_routes_arg)
    table = args.routes
    configs = router_configs(GEN, expected_routes=args.expected_routes)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "attribute_sets": 100,
           "runs": args.runs, "expected_routes": args.expected_routes}
    floors = [kernel_floor(args.routes) for _ in range(args.runs)]
    print("kernel floor", floors, flush=True)
    out["kernel_floor_seconds"] = statistics.median(floors)
    out["kernel_floor_all_runs"] = floors
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda kind: one_run(kind, args.routes, table, tmp, configs))
    out["ratios"] = {**ratios(res, "seconds_to_kernel"), **ratios(res, "rss_mb"),
                     **ratios(res, "peak_rss_mb")}
    if "closbgpd" in res:
        out["ratios"]["seconds_to_kernel_vs_floor"] = round(
            res["closbgpd"]["seconds_to_kernel"] / out["kernel_floor_seconds"], 3)
    write_results(out, args.out)


if __name__ == "__main__":
    main()
