"""Fabric failover benchmark, side by side: the example Clos fabric
(examples/clos.py, 2 spines over 4 leaves, BFD 300 ms x 3 on every link)
built all of closbgpd, and all of FRR (zebra, bgpd, bfdd), carrying
100,000 IPv4 routes that leaf2's server announces to leaf2. At leaf1 every
one of them has both spines as next hops. Then leaf1's uplink to spine1
turns silently lossy (an nftables drop rule; the link stays up).

Measured, from the cut: the first change in leaf1's kernel (detection,
about the BFD time) and the last one (`seconds_to_repair`: the last of the
100,000 routes no longer using the lossy link), from `ip -ts monitor`
timestamps, and how many kernel notifications the repair took (with
`nexthop_compat_mode` off, so that these are the daemon's own writes: a
rewritten nexthop group is one, each route written is one). Also the time
to load the 100,000 routes into leaf1's kernel with 2-way ECMP.

    sudo /usr/bin/python3 bench/fabric_failover.py [--routes 100000] [--runs 3] [--leaves 4]
"""
import datetime
import itertools
import subprocess
import sys
import time

from harness import (ROOT, Generator, ratios, routes_with_width, run_kinds, side_by_side_args,
                     write_results)

sys.path.insert(0, str(ROOT / "examples"))
from clos import FABRIC_PREFIXES, Clos, running  # noqa: E402

from lib.netns import wait_for  # noqa: E402

KINDS = ("closbgpd", "frr")
# The announced /24s start at 11.0.0.0 (lib.bgp_speaker.announcements).
ACCEPT = [*FABRIC_PREFIXES, ("11.0.0.0/8", 32), ("12.0.0.0/8", 32)]


def event_times(text):
    """Wall-clock times of `ip -ts monitor` notifications."""
    return [datetime.datetime.fromisoformat(line[1:line.index("]")]).timestamp()
            for line in text.splitlines() if line.startswith("[")]


def one_run(kind, routes, leaves, workdir):
    workdir.mkdir(parents=True)
    routers = ("spine1", "spine2", *(f"leaf{i}" for i in range(1, leaves + 1)))
    clos = Clos(workdir, spines=2, leaves=leaves, frr=routers if kind == "frr" else (),
                accept=ACCEPT, server_peers=True)
    with running(clos):
        clos.wait_converged()
        server = clos.servers["server2"].address(4)
        gen = Generator(clos.fabric.node(clos.hosts["server2"]), {server: 65200}, routes,
                        attribute_sets=1)
        try:
            gen.wait_up()
            gen.go()
            leaf1 = clos.fabric.node(clos.hosts["leaf1"])
            # Only the daemon's own writes are notified, not every route
            # using a rewritten nexthop group (the kernel's compat mode).
            leaf1.exec("sysctl", "-qw", "net.ipv4.nexthop_compat_mode=0")
            wait_for(lambda: routes_with_width(leaf1, 2) >= routes, 600,
                     f"{routes} routes with 2-way ECMP at leaf1")
            loaded = time.monotonic() - gen.started
            log = workdir / "leaf1-monitor.txt"
            with open(log, "w") as out:
                monitor = leaf1.popen("ip", "-ts", "monitor", "route", "nexthop", stdout=out,
                                      stderr=subprocess.DEVNULL)
                time.sleep(0.5)
                cut_at = time.time()
                clos.cut("leaf1", "swp1")
                wait_for(lambda: routes_with_width(leaf1, 1) >= routes, 300,
                         f"{routes} routes down to one next hop at leaf1")
                time.sleep(2)  # stragglers
                monitor.terminate()
                monitor.wait()
            events = event_times(log.read_text())
            return {"seconds_to_load": round(loaded, 3),
                    "seconds_to_detect": round(events[0] - cut_at, 3),
                    "seconds_to_repair": round(events[-1] - cut_at, 3),
                    "kernel_notifications": len(events)}
        finally:
            gen.stop()


def main():
    args, tmp = side_by_side_args(
        "fabric_failover", 100000, lambda ap: ap.add_argument("--leaves", type=int, default=4),
        kinds=KINDS)
    runs = itertools.count()
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "runs": args.runs,
           "fabric": f"2 spines x {args.leaves} leaves, BFD 300 ms x 3, one uplink of leaf1 "
                     "silently lossy"}
    out["results"] = run_kinds(args.only.split(","), args.runs,
                               lambda kind: one_run(kind, args.routes, args.leaves,
                                                    tmp / f"{kind}-{next(runs)}"))
    out["ratios"] = {**ratios(out["results"], "seconds_to_repair"),
                     **ratios(out["results"], "seconds_to_load")}
    write_results(out, args.out)


if __name__ == "__main__":
    main()
