"""BMP's cost, side by side: the ingest of bench/ingest.py (one generator
sends N IPv4 /24s in 100 attribute sets, the router re-advertises them to a
sink) with and without BMP (pre-policy, post-policy and Loc-RIB route
monitoring to bench/bmp_sink.py, a collector that reads as fast as it
can), for closbgpd and for FRR (bgpd -M bmp), the four alternating pass by
pass. Measured per case: seconds until the BGP sink holds the table,
seconds until the BMP stream went quiet (the collector's last byte), the
BMP bytes and messages, peak resident memory. Ratios: each router with BMP
against itself without.

    sudo /usr/bin/python3 bench/bmp.py [--routes 1000000] [--runs 3] [--only closbgpd,closbgpd+bmp,frr,frr+bmp]
"""
import json
import subprocess
import time

from harness import ROOT, SINK_ADDR, run_kinds, side_by_side_args, through_router, write_results

KINDS = ["closbgpd", "closbgpd+bmp", "frr", "frr+bmp"]
PORT = 1790

CLOSBGPD_BMP = (f"bmp:\n  collectors: [{{address: {SINK_ADDR}, port: {PORT}, name: sink}}]\n"
                "  route-monitoring: [pre-policy, post-policy, loc-rib]\n")
# FRR 8.4 monitors pre- and post-policy (its Loc-RIB monitoring came later).
FRR_BMP = (f"router bgp 65000\n bmp targets sink\n  bmp connect {SINK_ADDR} port {PORT} "
           "min-retry 100 max-retry 1000\n  bmp monitor ipv4 unicast pre-policy\n"
           "  bmp monitor ipv4 unicast post-policy\n exit\n!\n")


def collector(tester):
    proc = tester.popen("/usr/bin/python3", str(ROOT / "bench" / "bmp_sink.py"), "--listen",
                        f"{SINK_ADDR}:{PORT}", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def report(proc):
    proc.stdin.write("report\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def one_run(case, count, tmp):
    kind, bmp = case.split("+")[0], case.endswith("+bmp")
    extra = (CLOSBGPD_BMP if kind == "closbgpd" else FRR_BMP) if bmp else ""
    bgpd_args = ("-n", "-M", "bmp") if kind == "frr" else ("-n",)
    with through_router(kind, tmp, count, {"routes": count}, frr_bgpd_args=bgpd_args,
                        config_extra=extra, helper=collector if bmp else None) as (
                            dut, _, gen, sink, bmp_sink):
        gen.go()
        done = json.loads(sink.stdout.readline())
        assert done["event"] == "complete", done
        result = {"seconds_to_sink": round(done["t"] - gen.started, 3)}
        if bmp_sink:
            # Quiet: no byte for two seconds (statistics come every 60 s).
            seen = report(bmp_sink)
            while True:
                time.sleep(2)
                now = report(bmp_sink)
                if now["bytes"] == seen["bytes"]:
                    break
                seen = now
            result.update({"seconds_bmp_quiet": round(seen["last"] - gen.started, 3),
                           "bmp_mb": round(seen["bytes"] / 1e6, 1),
                           "bmp_messages": seen["messages"],
                           "bmp_route_monitoring": seen["types"].get("0", 0)})
        else:
            time.sleep(1)
        result.update({"rss_mb": dut.rss_mb(), "peak_rss_mb": dut.peak_rss_mb()})
        return result


def main():
    args, tmp = side_by_side_args("bmp", 1000000, kinds=KINDS)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "attribute_sets": 100,
           "runs": args.runs}
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda case: one_run(case, args.routes, tmp))
    ratios = {}
    for kind in ("closbgpd", "frr"):
        if kind in res and f"{kind}+bmp" in res:
            with_bmp, without = res[f"{kind}+bmp"], res[kind]
            ratios[f"{kind}_time_with_bmp"] = round(
                with_bmp["seconds_to_sink"] / without["seconds_to_sink"], 3)
            ratios[f"{kind}_bmp_quiet_vs_sink_without"] = round(
                with_bmp["seconds_bmp_quiet"] / without["seconds_to_sink"], 3)
            ratios[f"{kind}_peak_rss_with_bmp"] = round(
                with_bmp["peak_rss_mb"] / without["peak_rss_mb"], 3)
    out["ratios"] = ratios
    write_results(out, args.out)


if __name__ == "__main__":
    main()
