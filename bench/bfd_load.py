"""BFD under load, side by side: the router under test (closbgpd, BIRD 2
or FRR with bfdd) runs BFD at 50 ms x 3 towards a spine (closbgpd, on its
own link) while a generator on a second link sends it N IPv4 /24s, which
it installs into its kernel and passes on to the spine. Counted: BFD sessions the spine saw go down
(the router under test late with its packets, or declaring the session
down itself); none is the goal. Also the time until the router's kernel
holds all N, as in bench/fib_ingest.py.

    sudo /usr/bin/python3 bench/bfd_load.py [--routes 1000000] [--runs 3] [--only closbgpd,bird,frr]
"""
import json
import subprocess
import time

from harness import (GEN, Dut, Generator, link_generator, namespaces, run_kinds,
                     side_by_side_args, write_results)
from lib.netns import BUILD, Daemon, Netns, terminate, veth, wait_for

KERNEL_ROUTES = BUILD / "bench" / "kernel_routes"
DUT_UP, SPINE = "10.0.3.1", "10.0.3.2"
INTERVAL_MS = 50

SPINE_CONFIG = f"""asn: 65000
router-id: 10.0.0.100
fib: {{enabled: false}}
neighbors:
  - {{address: {DUT_UP}, remote-as: 65101, bfd: {{interval-ms: {INTERVAL_MS}, multiplier: 3}}}}
"""
CONFIGS = {
    "closbgpd": f"""asn: 65101
router-id: 10.0.0.1
drain: {{warm-up: 0}}
neighbors:
  - {{address: {GEN}, remote-as: 65001}}
  - {{address: {SPINE}, remote-as: 65000, bfd: {{interval-ms: {INTERVAL_MS}, multiplier: 3}}}}
""",
    "bird": f"""router id 10.0.0.1;
protocol device {{}}
protocol kernel {{ ipv4 {{ export all; }}; }}
protocol bfd {{ interface "swp1" {{ min rx interval {INTERVAL_MS} ms; min tx interval {INTERVAL_MS} ms; multiplier 3; }}; }}
protocol bgp generator {{ local 10.0.1.1 as 65101; neighbor {GEN} as 65001;
  ipv4 {{ import all; export none; }}; }}
protocol bgp spine {{ local {DUT_UP} as 65101; neighbor {SPINE} as 65000; bfd on;
  ipv4 {{ import all; export all; }}; }}
""",
    "frr": f"""frr defaults datacenter
hostname dut
!
bfd
 profile fast
  receive-interval {INTERVAL_MS}
  transmit-interval {INTERVAL_MS}
  detect-multiplier 3
!
router bgp 65101
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 neighbor {GEN} remote-as 65001
 neighbor {SPINE} remote-as 65000
 neighbor {SPINE} bfd profile fast
!
""",
}


def spine_bfd(spine):
    peers = spine.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0].get("bfd_state") if peers else None


def one_run(kind, count, tmp):
    with namespaces("bfdload") as (dut_ns, tester):
        spine_ns = Netns("bfdload-spine")
        gen = dut = spine = watch = None
        try:
            link_generator(dut_ns, tester)
            veth(dut_ns, "swp1", spine_ns, "swp1")
            dut_ns.ip("addr", "add", f"{DUT_UP}/24", "dev", "swp1")
            spine_ns.ip("addr", "add", f"{SPINE}/24", "dev", "swp1")
            gen = Generator(tester, {GEN: 65001}, count)
            spine = Daemon(spine_ns, SPINE_CONFIG, tmp, f"spine-{kind}")
            dut = Dut(kind, dut_ns, tmp, CONFIGS, frr_daemons=("zebra", "bgpd", "bfdd"))
            wait_for(lambda: spine_bfd(spine) == "up", 60, f"BFD up between {kind} and the spine")
            gen.wait_up()
            watch = dut_ns.popen(str(KERNEL_ROUTES), "watch", "--expect", str(count),
                                 stdout=subprocess.PIPE, text=True)
            assert json.loads(watch.stdout.readline())["event"] == "ready"
            time.sleep(1)
            gen.go()
            done = json.loads(watch.stdout.readline())
            time.sleep(1)
            return {"seconds_to_kernel": round(done["t"] - gen.started, 3),
                    "bfd_flaps": spine.log_text().count("BFD Up -> Down"),
                    "bfd_state_after": spine_bfd(spine)}
        finally:
            if watch:
                terminate(watch)
            for node in (gen, dut, spine):
                if node:
                    node.stop()
            spine_ns.delete()


def main():
    args, tmp = side_by_side_args("bfd_load", 1000000)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "runs": args.runs,
           "bfd": f"{INTERVAL_MS} ms x 3"}
    out["results"] = run_kinds(args.only.split(","), args.runs,
                               lambda kind: one_run(kind, args.routes, tmp))
    write_results(out, args.out)


if __name__ == "__main__":
    main()
