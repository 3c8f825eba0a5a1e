"""Churn benchmark, side by side: the generator announces N IPv4 /24s, then
withdraws and announces them again `--rounds` times (10 by default), then
announces a sentinel prefix. Measured per router (control plane only, as
in bench/ingest.py): the time from the first UPDATE until the receiving
neighbour (build/bench/bgp_sink) holds all N and the sentinel, and the CPU
seconds the router's processes spent meanwhile (FRR: bgpd + zebra).

    sudo /usr/bin/python3 bench/churn.py [--routes 100000] [--rounds 10] [--runs 3]
"""
import json
import time

from harness import CONTROL_KINDS, ratios, run_kinds, side_by_side_args, through_router, write_results

SENTINEL = "10.255.0.0/24"


def churn_table(count, rounds):
    """Announce, (withdraw, announce) x rounds, then the sentinel."""
    return {"routes": count, "rounds": rounds, "sentinel": SENTINEL}


def one_run(kind, count, table, tmp):
    with through_router(kind, tmp, count + 1, table,
                        sink_args=("--sentinel", SENTINEL)) as (dut, _, gen, sink, _):
        cpu_before = dut.cpu_seconds()
        gen.go()
        done = json.loads(sink.stdout.readline())
        assert done["event"] == "complete", done
        cpu = dut.cpu_seconds() - cpu_before
        time.sleep(1)
        return {"seconds": round(done["t"] - gen.started, 3), "cpu_seconds": round(cpu, 2),
                "rss_mb": dut.rss_mb()}


def main():
    args, tmp = side_by_side_args(
        "churn", 100000, lambda ap: ap.add_argument("--rounds", type=int, default=10),
        kinds=CONTROL_KINDS)
    table = churn_table(args.routes, args.rounds)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "rounds": args.rounds,
           "runs": args.runs}
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda kind: one_run(kind, args.routes, table, tmp))
    out["ratios"] = {**ratios(res, "seconds"), **ratios(res, "cpu_seconds")}
    write_results(out, args.out)


if __name__ == "__main__":
    main()
