"""Regenerates data/frr_unnumbered.hex: the BGP messages an FRR speaker sends
on an unnumbered eBGP session (two FRR instances in namespaces, captured with
tshark). Run as root: /usr/bin/python3 tests/data/capture_frr.py
"""
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.frr import FrrNode, unnumbered_config  # noqa: E402
from lib.netns import Netns, run, veth, wait_for  # noqa: E402

OUT = Path(__file__).with_name("frr_unnumbered.hex")


def main():
    tmp = Path(tempfile.mkdtemp())
    a, b = Netns("capa"), Netns("capb")
    nodes = []
    try:
        veth(a, "swp1", b, "swp1")
        pcap = tmp / "bgp.pcap"
        cap = a.popen("tshark", "-q", "-i", "swp1", "-f", "tcp port 179", "-w", str(pcap),
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
        nodes.append(FrrNode(a, unnumbered_config("leaf1", 65101, "10.0.0.11", ["swp1"],
                                                  ["10.0.0.11/32", "2001:db8::11/128"]), tmp))
        nodes.append(FrrNode(b, unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1"],
                                                  ["10.0.0.1/32", "2001:db8::1/128"]), tmp))
        wait_for(lambda: "10.0.0.1/32" in nodes[0].vtysh("show ip bgp"), 60, "routes from spine1")
        time.sleep(1)
        cap.terminate()
        cap.wait()
        fields = run("tshark", "-r", str(pcap), "-Y", "bgp", "-T", "fields", "-e", "ipv6.src",
                     "-e", "tcp.payload").stdout
        lines = [
            "# BGP messages between two FRR 8.4 speakers (leaf1 AS 65101, spine1 AS 65000)",
            "# on an unnumbered eBGP session (neighbor swp1 interface remote-as external),",
            "# both directions. Each line: source address, then one TCP payload (one or",
            "# more messages) as captured. Regenerate with capture_frr.py.",
        ]
        for row in fields.splitlines():
            src, payload = row.split("\t")
            lines.append(f"{src} {payload}")
        OUT.write_text("\n".join(lines) + "\n")
        print(f"wrote {OUT} ({len(lines) - 4} segments)")
        print(nodes[0].vtysh("show ip bgp"))
    finally:
        for n in nodes:
            n.stop()
        a.delete()
        b.delete()


if __name__ == "__main__":
    main()
