"""Benchmark: 1,000 numbered eBGP neighbours reach Established.

closbgpd (the device under test) runs in one namespace with N numbered
neighbours; a minimal asyncio BGP responder in a second namespace answers on
N addresses (one passive speaker per address). Reports the time from daemon
start until all N sessions are Established (polled over the API every 100
ms) and the daemon's resident memory per session.

    sudo /usr/bin/python3 bench/many_peers.py [--peers 1000] [--out bench/results/many_peers.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from lib.bgp_speaker import answer_keepalives, message, open_message, router_id_of, serve_in_netns  # noqa: E402
from lib.netns import Daemon, Netns, veth  # noqa: E402

async def speaker(reader, writer):
    """Answers one connection: OPEN, then KEEPALIVEs."""
    local = writer.get_extra_info("sockname")[0]
    writer.write(open_message(65002, router_id_of(local)) + message(4))
    await answer_keepalives(reader, writer)


def rss_kb(pid):
    # Daemon.proc is `ip netns exec`, which execs closbgpd: same pid.
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", type=int, default=1000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "many_peers.json"))
    args = ap.parse_args()
    n = args.peers
    tmp = Path(tempfile.mkdtemp())
    dut_ns, gen_ns = Netns("bench-dut"), Netns("bench-gen")
    stop = threading.Event()
    try:
        veth(dut_ns, "swp1", gen_ns, "eth0")
        dut_ns.ip("addr", "add", "10.99.0.1/16", "dev", "swp1")
        addrs = [f"10.99.{1 + i // 250}.{1 + i % 250}" for i in range(n)]
        batch = "".join(f"addr add {a}/16 dev eth0\n" for a in addrs)
        subprocess.run(["ip", "-n", gen_ns.name, "-batch", "-"], input=batch, text=True, check=True)
        ready = threading.Event()
        threading.Thread(target=serve_in_netns, args=(gen_ns.name, speaker, ready, stop),
                         daemon=True).start()
        ready.wait(10)

        # Baseline: the same daemon with no neighbours.
        base = Daemon(dut_ns, "asn: 65101\nrouter-id: 10.0.0.11\n", tmp, "baseline")
        base.wait_api(30)
        time.sleep(1)
        rss_idle = rss_kb(base.proc.pid)
        base.stop()

        neighbors = "".join(f"  - {{address: {a}, remote-as: 65002}}\n" for a in addrs)
        cfg = ("asn: 65101\nrouter-id: 10.0.0.11\ntimers: {keepalive: 30, hold: 90, connect-retry: 5}\n"
               f"neighbors:\n{neighbors}networks: [10.0.0.11/32]\n")
        start = time.monotonic()
        dut = Daemon(dut_ns, cfg, tmp, "dut")
        dut.wait_api(30)
        established = 0
        while time.monotonic() - start < 120:
            peers = dut.ctl_json("show", "bgp", "summary")["peers"]
            established = sum(p["state"] == "established" for p in peers)
            if established == n:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        time.sleep(1)
        rss_up = rss_kb(dut.proc.pid)
        dut.stop()
        result = {
            "peers": n, "established": established, "seconds_to_all_established": round(elapsed, 2),
            "rss_kb_daemon_without_neighbours": rss_idle, "rss_kb_all_established": rss_up,
            "rss_kb_per_session": round((rss_up - rss_idle) / max(n, 1), 2),
            "machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d"),
        }
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        stop.set()
        dut_ns.delete()
        gen_ns.delete()


if __name__ == "__main__":
    main()
