"""EVPN type-2 ingest into the kernel, side by side: one neighbour (the
generator, an EVPN leaf at 10.0.1.2 with VNI 100) announces N MAC/IP
routes; measured is the time from its first UPDATE until the kernel of
the leaf under test holds every MAC in the bridge's FDB (`extern_learn
dst 10.0.1.2` on vxlan100) and every IPv4 address in the SVI's neighbour
table, for closbgpd and FRR (bgpd + zebra, `advertise-all-vni`); with the
leaf's resident and peak memory and CPU seconds. The clock is the
kernel's own neighbour notifications (`build/bench/kernel_routes
watch-evpn`), not the router. Then, the table installed, a bridge appears
on the leaf (as for a new VNI, `ip link add br-probe type bridge`):
`stall_ms` is the slowest answer to a summary query in the 5 s after it
(a router that reads the whole kernel again on its routing loop for it
stops answering meanwhile;
closbgpd: ShowBgpSummary over its API, bench/api_probe.py; FRR: `vtysh -c
'show bgp summary'`, each call timed with its process start).

    sudo /usr/bin/python3 bench/evpn_macs.py [--routes 100000] [--runs 3] [--only closbgpd,frr]
"""
import time

from harness import (GEN, ApiProbe, Dut, Generator, ingest_to_kernel, link_generator, namespaces,
                     ratios, run_kinds, side_by_side_args, write_results)

VTEP, VNI = "10.0.0.1", 100
KINDS = ("closbgpd", "frr")

CONFIGS = {
    "closbgpd": ("asn: 65000\nrouter-id: 10.0.0.1\ndrain: {warm-up: 0}\n"
                 "evpn: {advertise-all-vni: true}\n"
                 f"neighbors:\n  - {{address: {GEN}, remote-as: 65001, evpn: true}}\n"),
    "frr": ("frr defaults datacenter\nhostname dut\n!\nrouter bgp 65000\n"
            " bgp router-id 10.0.0.1\n no bgp ebgp-requires-policy\n"
            f" neighbor {GEN} remote-as 65001\n address-family l2vpn evpn\n"
            f"  neighbor {GEN} activate\n  advertise-all-vni\n exit-address-family\n!\n"),
}


def leaf_kernel(ns):
    """VNI 100 as ifupdown2 sets it up: vxlan100 (no learning, ARP
    suppression) in bridge br100, whose address makes it the SVI of the
    generator's hosts (10.128.1.0 on)."""
    for args in (("addr", "add", f"{VTEP}/32", "dev", "lo"),
                 ("link", "add", "br100", "type", "bridge"),
                 ("link", "add", "vxlan100", "type", "vxlan", "id", str(VNI), "local", VTEP,
                  "dstport", "4789", "nolearning"),
                 ("link", "set", "vxlan100", "master", "br100"),
                 ("addr", "add", "10.128.0.1/9", "dev", "br100"),
                 ("link", "set", "vxlan100", "up"), ("link", "set", "br100", "up")):
        ns.ip(*args)
    ns.exec("bridge", "link", "set", "dev", "vxlan100", "neigh_suppress", "on", "learning", "off")


def stall_after_link_change(kind, dut_ns, dut, tmp):
    """The slowest answer in ms to a summary query in the 5 s after a
    bridge appears on the leaf."""
    probe = ApiProbe(dut_ns, dut.node.api, tmp) if kind == "closbgpd" else None
    try:
        start = time.monotonic()
        dut_ns.ip("link", "add", "br-probe", "type", "bridge")
        if probe:
            time.sleep(5)
            return probe.latency(start, start + 5)["api_max_ms"]
        slowest = 0
        while time.monotonic() < start + 5:
            t0 = time.monotonic()
            dut.node.vtysh("show bgp summary")
            slowest = max(slowest, time.monotonic() - t0)
        return round(slowest * 1000, 2)
    finally:
        if probe:
            probe.stop()


def one_run(kind, count, tmp):
    with namespaces("evpnmacs") as (dut_ns, tester):
        gen = dut = None
        try:
            link_generator(dut_ns, tester)
            leaf_kernel(dut_ns)
            gen = Generator(tester, {GEN: 65001}, count, family="evpn")
            dut = Dut(kind, dut_ns, tmp, CONFIGS)
            result = ingest_to_kernel(kind, dut_ns, dut, gen, "watch-evpn", count)
            result["stall_ms"] = stall_after_link_change(kind, dut_ns, dut, tmp)
            return result
        finally:
            if gen:
                gen.stop()
            if dut:
                dut.stop()


def main():
    args, tmp = side_by_side_args("evpn_macs", 100000, kinds=KINDS)
    out = {"date": time.strftime("%Y-%m-%d"), "routes": args.routes, "runs": args.runs}
    out["results"] = res = run_kinds(args.only.split(","), args.runs,
                                     lambda kind: one_run(kind, args.routes, tmp))
    out["ratios"] = {**ratios(res, "seconds_to_kernel"), **ratios(res, "cpu_seconds"),
                     **ratios(res, "rss_mb"), **ratios(res, "peak_rss_mb"),
                     **ratios(res, "stall_ms")}
    write_results(out, args.out)


if __name__ == "__main__":
    main()
