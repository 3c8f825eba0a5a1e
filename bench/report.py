"""Writes a benchmark directory's report: REPORT.md (medians per router,
closbgpd's ratios against each, the issue's goals) and a PNG bar chart per
side-by-side scenario under plots/. Reads the JSON the benchmarks wrote.

    /usr/bin/python3 bench/report.py bench/results
"""
import json
import platform
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = ("closbgpd", "bird", "frr", "gobgp")
NAMES = {"closbgpd": "closbgpd", "bird": "BIRD", "frr": "FRR", "gobgp": "GoBGP"}
COLOURS = {"closbgpd": "#1f77b4", "bird": "#2ca02c", "frr": "#d62728", "gobgp": "#9467bd"}

# file, title, what was done, the figures shown (key, label), the goal
SCENARIOS = [
    ("ingest.json", "Ingest to the sink (control plane)",
     lambda d: f"1 neighbour sends {d['routes']:,} IPv4 /24s ({d['attribute_sets']} attribute "
               "sets); time until a second neighbour holds them all",
     [("seconds_to_sink", "seconds"), ("rss_mb", "RSS MB after"), ("peak_rss_mb", "peak RSS MB")],
     "time <= 0.5x the best other; peak RSS <= 1.0x BIRD's"),
    ("fib_ingest.json", "Ingest to the kernel FIB",
     lambda d: f"{d['routes']:,} IPv4 /24s until the kernel holds them all; the kernel's own "
               f"floor (raw netlink, one nexthop object): {d['kernel_floor_seconds']} s",
     [("seconds_to_kernel", "seconds"), ("rss_mb", "RSS MB after"), ("peak_rss_mb", "peak RSS MB")],
     "time <= 0.6x the best other and <= 1.5x the floor; RSS <= 1.0x BIRD's"),
    ("churn.json", "Churn",
     lambda d: f"{d['routes']:,} prefixes withdrawn and announced again {d['rounds']} times",
     [("seconds", "seconds"), ("cpu_seconds", "CPU seconds"), ("rss_mb", "RSS MB")],
     "CPU seconds <= 0.5x the best other"),
    ("fanin.json", "Fan-in",
     lambda d: f"{d['peers']} neighbours send the same {d['routes']:,} prefixes; time until the "
               f"kernel has each with a {d['peers']}-way ECMP set",
     [("seconds_to_full_ecmp", "seconds"), ("rss_mb", "RSS MB")],
     "time <= 0.5x the best other"),
    ("listing.json", "A whole table listed",
     lambda d: f"the router holds {d['routes']:,} /24s; its own client lists them all (closctl "
               "show bgp routes, birdc show route, vtysh show bgp ipv4 unicast) into a file",
     [("listing_seconds", "seconds"), ("listing_rss_growth_mb", "RSS MB added while listing")],
     "time <= the best other's; routing never paused for more than 0.5 s"),
    ("bfd_load.json", "BFD under load",
     lambda d: f"BFD {d['bfd']} towards a spine while {d['routes']:,} routes arrive on another "
               "link and go into the kernel and on to the spine; sessions the spine saw go down",
     [("bfd_flaps", "BFD flaps"), ("seconds_to_kernel", "seconds to the kernel")],
     "no false flap"),
    ("fabric_failover.json", "Failure in a fabric",
     lambda d: f"{d['fabric']}; {d['routes']:,} routes; time from the cut",
     [("seconds_to_repair", "seconds to the last route repaired"),
      ("kernel_notifications", "kernel notifications")],
     "repair <= 3 BFD intervals + 50 ms and faster than FRR"),
    ("evpn_vnis.json", "EVPN leaf start-up",
     lambda d: f"{d['vnis']:,} VNIs in the kernel before the leaf starts; until a closbgpd "
               "spine holds every type-3 route",
     [("seconds", "seconds"), ("cpu_seconds", "CPU seconds"), ("rss_mb", "RSS MB")],
     "time to advertise every type 3 below FRR's"),
    ("evpn_macs.json", "EVPN MAC/IP routes into the kernel",
     lambda d: f"{d['routes']:,} type-2 routes from one neighbour until the leaf's FDB and "
               "neighbour table hold them all",
     [("seconds_to_kernel", "seconds"), ("cpu_seconds", "CPU seconds"), ("rss_mb", "RSS MB"),
      ("stall_ms", "slowest answer after a link change, ms")],
     "time <= 0.5x FRR's, memory <= 0.3x"),
]


def routers(results):
    return [k for k in ORDER if k in results]


def table(results, figures):
    head = "| router | " + " | ".join(label for _, label in figures) + " |\n"
    head += "| --- |" + " --- |" * len(figures) + "\n"
    for k in routers(results):
        head += f"| {NAMES[k]} | " + " | ".join(
            str(results[k].get(key, "")) for key, _ in figures) + " |\n"
    return head


def ratios_line(results, figures):
    ours = results.get("closbgpd")
    if not ours:
        return ""
    parts = []
    for key, label in figures:
        for k in routers(results):
            v = results[k].get(key)
            if k != "closbgpd" and v and ours.get(key) is not None:
                parts.append(f"{label} {ours[key] / v:.2f}x {NAMES[k]}")
    return "closbgpd's ratios (below 1 is better): " + ", ".join(parts) + ".\n" if parts else ""


def plot(results, figures, title, path):
    ks = routers(results)
    fig, axes = plt.subplots(1, len(figures), figsize=(4 * len(figures), 3.2))
    for ax, (key, label) in zip(axes if len(figures) > 1 else [axes], figures):
        values = [results[k].get(key, 0) or 0 for k in ks]
        bars = ax.bar([NAMES[k] for k in ks], values, color=[COLOURS[k] for k in ks])
        ax.bar_label(bars, fmt="%g", fontsize=8)
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# The fabric scale curve: figure, label.
CURVE = [("seconds_to_converge", "seconds to converge"), ("pss_mb_per_router", "PSS MB per router"),
         ("cpu_seconds_per_router", "CPU seconds per router")]


def fabric_scale(d):
    """bench/fabric_scale.py's curve: a table per size, a line per router kind."""
    data = json.loads((d / "fabric_scale.json").read_text())
    curve = {k: v for k, v in data["results"].items() if v}
    ks = routers(curve)
    rows = ""
    for k in ks:
        for p in curve[k]:
            seconds = p.get("seconds_to_converge") if p["converged"] else "no"
            rows += (f"| {NAMES[k]} | {p['routers']} | {seconds} | {p['start_seconds']} | "
                     f"{p['pss_mb_per_router']} | {p['cpu_seconds_per_router']} | "
                     f"{p['threads_per_router']} |\n")
    fig, axes = plt.subplots(1, len(CURVE), figsize=(4 * len(CURVE), 3.2))
    for ax, (key, label) in zip(axes, CURVE):
        for k in ks:
            points = [(p["routers"], p[key]) for p in curve[k] if p["converged"]]
            if points:
                ax.plot(*zip(*points), marker="o", color=COLOURS[k], label=NAMES[k])
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("routers", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=8)
    fig.suptitle("Fabric scale", fontsize=10)
    fig.tight_layout()
    fig.savefig(d / "plots" / "fabric_scale.png", dpi=90)
    plt.close(fig)
    ratios = ", ".join(f"{k} {v}" for k, v in data["ratios"].items()) or "none"
    return (f"## Fabric scale ({data['date']}, {data['runs']} pass per size)\n\nA cold start of "
            f"{data['fabric']}; every daemon started, then the clock runs until every leaf's kernel "
            "holds every other leaf's prefixes with one next hop per spine (`start s`: how long "
            "starting the daemons took, within the time). Memory: proportional (PSS) of the "
            "routing daemons, per router.\n\n| router | routers | seconds to converge | start s | "
            "PSS MB per router | CPU s per router | threads per router |\n| --- | --- | --- | --- | "
            f"--- | --- | --- |\n{rows}\nRatios: {ratios}. Goal: 1,000 routers converged in under "
            "120 s with at most 3 MB PSS per router.\n\n![Fabric scale](plots/fabric_scale.png)\n")


def main(directory):
    d = Path(directory)
    (d / "plots").mkdir(exist_ok=True)
    out = ["# Benchmark report\n",
           f"Machine: {platform.machine()}, {len(Path('/proc/cpuinfo').read_text().split('processor')) - 1} "
           f"cores, Linux {platform.release()}. Medians of each router's passes; the routers "
           "alternate pass by pass. Reproduce: `sudo bench/run.sh` (`--quick` for small sizes).\n"]
    for name, title, what, figures, goal in SCENARIOS:
        f = d / name
        if not f.exists():
            continue
        data = json.loads(f.read_text())
        res = data["results"]
        # A figure older results lack is left out.
        figures = [(key, label) for key, label in figures if any(key in r for r in res.values())]
        png = d / "plots" / name.replace(".json", ".png")
        plot(res, figures, title, png)
        passes = f"{data['runs']} pass" + ("es" if data["runs"] != 1 else "")
        out.append(f"## {title} ({data['date']}, {passes})\n\n{what(data)}.\n\n"
                   f"{table(res, figures)}\n{ratios_line(res, figures)}Goal: {goal}.\n\n"
                   f"![{title}](plots/{png.name})\n")
    if (d / "fabric_scale.json").exists():
        out.append(fabric_scale(d))
    if (f := d / "api_latency.json").exists():
        r = json.loads(f.read_text())["results"]["closbgpd"]
        out.append(f"## API under load\n\nShowBgpSummary back to back during the ingest: "
                   f"p50 {r['api_p50_ms']} ms, p99 {r['api_p99_ms']} ms, worst {r['api_max_ms']} "
                   f"ms ({r.get('api_calls') or r['api_calls_during_ingest']} calls). Goal: p99 under 20 ms.\n")
    if (f := d / "bmp.json").exists():
        b = json.loads(f.read_text())
        rows = "".join(f"| {case} | {r['seconds_to_sink']} | {r.get('seconds_bmp_quiet', '-')} | "
                       f"{r.get('bmp_mb', '-')} | {r.get('bmp_route_monitoring', '-')} | "
                       f"{r['peak_rss_mb']} |\n" for case, r in b["results"].items())
        ratios = ", ".join(f"{k} {v}" for k, v in b["ratios"].items())
        out.append(f"## BMP ({b['date']}, {b['runs']} passes)\n\nThe ingest of "
                   f"{b['routes']:,} /24s with and without BMP to a collector that reads as fast "
                   "as it can (closbgpd: pre-policy, post-policy, Loc-RIB; FRR 8.4: pre- and "
                   "post-policy).\n\n| case | seconds to the sink | seconds until BMP is quiet | "
                   "BMP MB | Route Monitoring messages | peak RSS MB |\n| --- | --- | --- | --- | "
                   f"--- | --- |\n{rows}\nRatios: {ratios}. Goal: closbgpd with BMP <= 1.3x "
                   "its time without, memory bounded by bmp.buffer-kib.\n")
    if (f := d / "bfd.json").exists():
        b = json.loads(f.read_text())
        rows = "".join(f"| {k} | {v['detection_time_ms']} | {v['min']} / {v['median']} / "
                       f"{v['max']} |\n" for k, v in b["latency_ms"].items())
        out.append("## BFD detection\n\nclosbgpd to closbgpd, unnumbered; silent loss to the "
                   "spine's routes withdrawn at the leaf.\n\n| BFD | detection time ms | withdraw "
                   f"after loss ms: min / median / max |\n| --- | --- | --- |\n{rows}")
    if (f := d / "many_peers.json").exists():
        m = json.loads(f.read_text())
        out.append(f"## Many neighbours\n\n{m['peers']} numbered sessions Established in "
                   f"{m['seconds_to_all_established']} s; {m['rss_kb_per_session']} KB per "
                   "session.\n")
    if (f := d / "wire_bench.json").exists():
        rows = "".join(f"| {b['name']} | {b.get('items_per_second', 0) / 1e6:.0f} M |\n"
                       for b in json.loads(f.read_text())["benchmarks"])
        out.append(f"## Codec (one core)\n\n| benchmark | prefixes per second |\n| --- | --- |\n"
                   f"{rows}")
    (d / "REPORT.md").write_text("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results")
