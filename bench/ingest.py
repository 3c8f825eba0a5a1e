"""Ingest benchmark, side by side: closbgpd, BIRD, FRR and GoBGP as the
router under test (DUT), in the same run on the same machine.

One neighbour (a generator) announces N IPv4 /24s with 100 distinct
attribute sets; a second neighbour (build/bench/bgp_sink, our codec)
receives what the DUT re-advertises. Measured per DUT:

  - seconds from the generator's first UPDATE until the sink holds all N
    (no Loc-RIB time: none of the four reports one except when polled,
    and a polled daemon is a bad clock);
  - resident memory of the DUT's processes with the table loaded (FRR:
    bgpd + zebra), and before the routes arrived.

Control plane only, for every DUT: closbgpd with `fib: {enabled: false}`
(and `drain: {warm-up: 0}`: live from the start, as the others are),
BIRD without a kernel protocol, FRR's bgpd with -n (no kernel install;
zebra still runs, bgpd needs it for next-hop tracking), GoBGP without
zebra.

    sudo /usr/bin/python3 bench/ingest.py [--routes 1000000] [--runs 3] [--only closbgpd,bird,frr]
        [--expected-routes N]   # closbgpd's size hint for the generator's table
"""
import json
import time

from harness import (CONTROL_KINDS, ApiProbe, expected_routes_arg, ratios, run_kinds, side_by_side_args,
                     through_router, write_results)


def one_run(kind, count, table, tmp, api_probe=False, expected_routes=0):
    with through_router(kind, tmp, count, table, expected_routes=expected_routes) as (
            dut, dut_ns, gen, sink, _):
        probe = None
        try:
            rss_before = dut.rss_mb()
            if api_probe:  # ShowBgpSummary back to back while the table flows
                probe = ApiProbe(dut_ns, dut.node.api, tmp)
            gen.go()
            done = json.loads(sink.stdout.readline())
            assert done["event"] == "complete", done
            time.sleep(1)
            result = {"seconds_to_sink": round(done["t"] - gen.started, 3), "rss_mb": dut.rss_mb(),
                      "peak_rss_mb": dut.peak_rss_mb(), "rss_before_mb": rss_before}
            if probe:
                result.update(probe.latency(gen.started, done["t"]))
            return result
        finally:
            if probe:
                probe.stop()


def main():
    def extra(ap):
        ap.add_argument("--api-probe", action="store_true",
                        help="closbgpd only: ShowBgpSummary latency while the table flows")
        expected_routes_arg(ap)

    args, tmp = side_by_side_args("ingest", 1000000, extra, kinds=CONTROL_KINDS)
    table = {"routes": args.routes}
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "attribute_sets": 100,
           "runs": args.runs, "expected_routes": args.expected_routes}
    out["results"] = res = run_kinds(
        args.only.split(","), args.runs,
        lambda kind: one_run(kind, args.routes, table, tmp, args.api_probe, args.expected_routes))
    out["ratios"] = {**ratios(res, "seconds_to_sink"), **ratios(res, "rss_mb"),
                     **ratios(res, "peak_rss_mb")}
    others = {k: v for k, v in res.items() if k != "closbgpd"}
    if "closbgpd" in res and others:
        fastest = min(others, key=lambda k: others[k]["seconds_to_sink"])
        out["ratios"]["time_vs_fastest_other"] = round(
            res["closbgpd"]["seconds_to_sink"] / others[fastest]["seconds_to_sink"], 3)
        out["ratios"]["fastest_other"] = fastest
    write_results(out, args.out)

if __name__ == "__main__":
    main()
