"""Route listing benchmark, side by side: the whole table as an operator
lists it from the router's own client while the router keeps working.

The router under test holds N IPv4 /24s from a generator (the ingest
benchmark's setup, control plane only) and one client lists them all
(closbgpd: `closctl show bgp routes`; BIRD: `birdc show route`; FRR:
`vtysh -c "show bgp ipv4 unicast"`) into a file, checked to hold a
line per route. Measured:

  - seconds until the client has printed the last route;
  - the router's resident memory growth while listing (the largest RSS
    sampled every 20 ms during the listing, minus the RSS before it);
  - closbgpd only: ShowBgpSummary latency (p50/p99/max) during the
    listing, the routing loop's availability while a listing runs.

    sudo /usr/bin/python3 bench/listing.py [--routes 1000000] [--runs 3] [--only closbgpd,bird,frr]
"""
import time

from harness import ApiProbe, ratios, run_kinds, side_by_side_args, through_router, write_results
from lib.netns import CLOSCTL

KINDS = ("closbgpd", "bird", "frr")


def listing_command(dut):
    if dut.kind == "closbgpd":
        return [CLOSCTL, "--server", dut.node.api, "show", "bgp", "routes"]
    if dut.kind == "bird":
        return ["birdc", "-s", str(dut.node.sock), "show", "route"]
    return ["vtysh", "--vty_socket", str(dut.node.rundir), "-c", "show bgp ipv4 unicast"]


def one_run(kind, count, tmp):
    with through_router(kind, tmp, count, {"routes": count}) as (dut, dut_ns, gen, sink, _):
        probe = None
        try:
            gen.go()
            done = sink.stdout.readline()
            assert '"complete"' in done, done
            time.sleep(1)
            rss_before = dut.rss_mb()
            if kind == "closbgpd":
                probe = ApiProbe(dut_ns, dut.node.api, tmp)
            start = time.monotonic()
            listed = tmp / f"listing-{kind}.txt"
            with open(listed, "w") as out:
                client = dut_ns.popen(*listing_command(dut), stdout=out)
            rss_max = rss_before
            while client.poll() is None:  # the peak of the ingest is not the listing's
                rss_max = max(rss_max, dut.rss_mb())
                time.sleep(0.02)
            end = time.monotonic()
            assert client.returncode == 0, client.returncode
            with open(listed, "rb") as f:
                lines = sum(1 for _ in f)
            listed.unlink()
            # Every route listed (a header and a footer at most around them).
            assert lines >= count, (kind, lines)
            result = {"listing_seconds": round(end - start, 3),
                      "listing_rss_growth_mb": round(rss_max - rss_before, 1)}
            if probe:
                result.update(probe.latency(start, end))
            return result
        finally:
            if probe:
                probe.stop()


def main():
    args, tmp = side_by_side_args("listing", 1000000, kinds=KINDS)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "runs": args.runs}
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda kind: one_run(kind, args.routes, tmp))
    out["ratios"] = ratios(res, "listing_seconds")
    write_results(out, args.out)


if __name__ == "__main__":
    main()
