"""Fan-in benchmark, side by side: 32 neighbours each announce the same
10,000 IPv4 /24s (each with its own AS and itself as next hop, on one
link); measured is the time from their first UPDATE until the kernel of
the router under test holds all 10,000 prefixes with a 32-way ECMP set,
and the router's resident memory then.

Every router installs into the kernel here (that is the point): closbgpd
with its FIB, BIRD through its kernel protocol with `merge paths`, FRR
through zebra, each with multipath across neighbour ASes.

    sudo /usr/bin/python3 bench/fanin.py [--peers 32] [--routes 10000] [--runs 3]
"""
import time

from harness import (Dut, Generator, link_generator, namespaces, ratios, routes_with_width,
                     run_kinds, side_by_side_args, write_results)
from lib.netns import wait_for


def peer_address(i):
    return f"10.0.1.{i + 2}"


def configs(peers):
    addrs = [(peer_address(i), 65001 + i) for i in range(peers)]
    closbgpd = "asn: 65000\nrouter-id: 10.0.0.1\nneighbors:\n" + "".join(
        f"  - {{address: {a}, remote-as: {asn}, bfd: false}}\n" for a, asn in addrs)
    bird = ("router id 10.0.0.1;\nprotocol device {}\n"
            "protocol kernel { ipv4 { export all; }; merge paths on limit 64; }\n" + "".join(
                f"protocol bgp p{i} {{ local 10.0.1.1 as 65000; neighbor {a} as {asn};\n"
                f"  ipv4 {{ import all; export none; }}; }}\n" for i, (a, asn) in enumerate(addrs)))
    frr = ("frr defaults datacenter\nhostname dut\n!\nrouter bgp 65000\n bgp router-id 10.0.0.1\n"
           " no bgp ebgp-requires-policy\n bgp bestpath as-path multipath-relax\n" + "".join(
               f" neighbor {a} remote-as {asn}\n" for a, asn in addrs) +
           " address-family ipv4 unicast\n  maximum-paths 64\n exit-address-family\n!\n")
    return {"closbgpd": closbgpd, "bird": bird, "frr": frr}


def one_run(kind, peers, count, tmp):
    with namespaces("fanin") as (dut_ns, tester):
        gen = dut = None
        try:
            link_generator(dut_ns, tester, [peer_address(i) for i in range(peers)])
            asns = {peer_address(i): 65001 + i for i in range(peers)}
            gen = Generator(tester, asns, count, attribute_sets=1)
            dut = Dut(kind, dut_ns, tmp, configs(peers))
            gen.wait_up()
            time.sleep(1)
            gen.go()
            wait_for(lambda: routes_with_width(dut_ns, peers) >= count, 300,
                     f"{count} routes with {peers}-way ECMP in the kernel")
            seconds = time.monotonic() - gen.started
            return {"seconds_to_full_ecmp": round(seconds, 3), "rss_mb": dut.rss_mb()}
        finally:
            if gen:
                gen.stop()
            if dut:
                dut.stop()


def main():
    args, tmp = side_by_side_args("fanin", 10000,
                                  lambda ap: ap.add_argument("--peers", type=int, default=32))
    out = {"date": time.strftime("%Y-%m-%d"), "peers": args.peers, "routes": args.routes,
           "runs": args.runs}
    out["results"] = run_kinds(args.only.split(","), args.runs,
                               lambda kind: one_run(kind, args.peers, args.routes, tmp))
    out["ratios"] = {**ratios(out["results"], "seconds_to_full_ecmp"),
                     **ratios(out["results"], "rss_mb")}
    write_results(out, args.out)


if __name__ == "__main__":
    main()
