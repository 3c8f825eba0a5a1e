"""The benchmark tools against each other, so that a benchmark's clock and
counts can be trusted: bgp_gen's table, in each family, with churn rounds
and a sentinel, is what bgp_sink (our codec) counts. Each of the two
answers every KEEPALIVE, so here they keep answering each other while the
table goes out: every KEEPALIVE of the generator's must land between two
UPDATEs, never inside one, or the sink's decoder fails."""
import json
import subprocess

import pytest

from lib.netns import BUILD, terminate

pytestmark = pytest.mark.netns

GEN, SINK = BUILD / "bench" / "bgp_gen", BUILD / "bench" / "bgp_sink"


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_the_sink_counts_what_the_generator_sends(netns_factory, family):
    ns = netns_factory("tools")
    ns.ip("addr", "add", "10.0.1.2/24", "dev", "lo")
    gen = ns.popen(str(GEN), "--peer", "10.0.1.2,65001", "--routes", "20000", "--family", family,
                   "--attribute-sets", "7", "--rounds", "2", "--sentinel",
                   "10.255.0.0/24" if family == "ipv4" else "2001:db8:ffff::/48",
                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sink = None
    try:
        sink = ns.popen(str(SINK), "--connect", "10.0.1.2", "--as", "65002", "--expect", "20001",
                        "--timeout", "60", "--sentinel",
                        "10.255.0.0/24" if family == "ipv4" else "2001:db8:ffff::/48",
                        stdout=subprocess.PIPE, text=True)
        assert json.loads(sink.stdout.readline())["event"] == "established"
        assert json.loads(gen.stdout.readline()) == {"event": "up", "address": "10.0.1.2"}
        gen.stdin.write("go\n")
        gen.stdin.flush()
        started = json.loads(gen.stdout.readline())
        assert started["event"] == "go"
        done = json.loads(sink.stdout.readline())
        assert done["event"] == "complete" and done["prefixes"] == 20001, done
        assert done["t"] >= started["t"]
    finally:
        for p in (sink, gen):
            if p:
                terminate(p)
