"""EVPN leaf start-up, side by side: the leaf under test (closbgpd, or FRR's
zebra + bgpd with `advertise-all-vni`) starts in a namespace that already
holds N VNIs (a bridge and a VXLAN device each, as ifupdown2 sets them
up); measured is the time from its start until a closbgpd spine in the
tester namespace holds all N type-3 routes, the leaf's CPU seconds and
its resident memory then (FRR: zebra + bgpd).

    sudo /usr/bin/python3 bench/evpn_vnis.py [--vnis 1000] [--runs 3]
"""
import argparse
import json
import tempfile
import time
from pathlib import Path

from harness import ROOT, Dut, namespaces, ratios, run_kinds, write_results
from lib.netns import Daemon, veth, wait_for

LEAF, SPINE = "10.0.1.1", "10.0.1.2"
VTEP = "10.0.0.1"
KINDS = ("closbgpd", "frr")


def leaf_configs():
    closbgpd = (f"asn: 65101\nrouter-id: {VTEP}\ndrain: {{warm-up: 0}}\nfib: {{enabled: false}}\n"
                "timers: {connect-retry: 1}\nevpn: {advertise-all-vni: true}\n"
                f"neighbors:\n  - {{address: {SPINE}, remote-as: 65100, evpn: true}}\n")
    frr = ("frr defaults datacenter\nhostname leaf\n!\nrouter bgp 65101\n"
           f" bgp router-id {VTEP}\n no bgp ebgp-requires-policy\n"
           f" neighbor {SPINE} remote-as 65100\n neighbor {SPINE} timers connect 1\n"
           f" address-family l2vpn evpn\n  neighbor {SPINE} activate\n  advertise-all-vni\n"
           " exit-address-family\n!\n")
    return {"closbgpd": closbgpd, "frr": frr}


def create_vnis(ns, count, tmp):
    """`count` VNIs from 1000 on: br<i> with vxlan<i> (learning off), up."""
    lines = [f"addr add {VTEP}/32 dev lo"]
    for i in range(count):
        vni = 1000 + i
        lines += [f"link add br{vni} type bridge",
                  f"link add vxlan{vni} type vxlan id {vni} local {VTEP} dstport 4789 nolearning",
                  f"link set vxlan{vni} master br{vni}", f"link set vxlan{vni} up",
                  f"link set br{vni} up"]
    batch = Path(tmp) / "vnis.batch"
    batch.write_text("\n".join(lines) + "\n")
    ns.ip("-batch", str(batch))


def type3_count(spine):
    routes = spine.ctl_json("show", "bgp", "evpn", "routes", "type", "3").get("routes", [])
    return len(routes)


def one_run(kind, count, tmp):
    with namespaces("evpnvni") as (leaf_ns, tester):
        veth(leaf_ns, "eth1", tester, "eth1")
        leaf_ns.ip("addr", "add", f"{LEAF}/24", "dev", "eth1")
        tester.ip("addr", "add", f"{SPINE}/24", "dev", "eth1")
        create_vnis(leaf_ns, count, tmp)
        spine = Daemon(tester, "asn: 65100\nrouter-id: 10.0.0.100\ndrain: {warm-up: 0}\n"
                       "fib: {enabled: false}\ntimers: {connect-retry: 1}\n"
                       f"neighbors:\n  - {{address: {LEAF}, remote-as: 65101, evpn: true}}\n",
                       tmp, "evpnvni-spine")
        dut = None
        try:
            spine.wait_api()
            started = time.monotonic()
            dut = Dut(kind, leaf_ns, tmp, leaf_configs())
            wait_for(lambda: type3_count(spine) >= count, 600, f"{count} type-3 routes at the spine")
            seconds = time.monotonic() - started
            return {"seconds": round(seconds, 2), "cpu_seconds": round(dut.cpu_seconds(), 2),
                    "rss_mb": dut.rss_mb()}
        finally:
            if dut:
                dut.stop()
            spine.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vnis", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(KINDS))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "evpn_vnis.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    out = {"date": time.strftime("%Y-%m-%d"), "vnis": args.vnis, "runs": args.runs}
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda kind: one_run(kind, args.vnis, tmp))
    out["ratios"] = {**ratios(res, "seconds"), **ratios(res, "cpu_seconds"),
                     **ratios(res, "rss_mb")}
    write_results(out, args.out)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
