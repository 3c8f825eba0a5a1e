"""eBGP between loopbacks two hops apart, with FRR: update-source and
ebgp-multihop.

    ours (lo 10.255.0.1) -- router -- FRR (lo 10.255.0.2)

Each side reaches the other's loopback through a static route over the
router in the middle, which has a route to each. The session comes up
between the loopbacks (FRR accepts it only from 10.255.0.1, the neighbour
it has); FRR installs our route through the router (its next hop, our
loopback, resolved). FRR's next hop is reached only through the static
route, which is not one we resolve through (connected subnets and BGP
routes are, docs/fib.md): its route is shown with an unresolved next hop
and stays out of our kernel. With ebgp-multihop 1 our packets die at the
router: the session stays down.
"""
import json
import time

import pytest

from lib.frr import FrrNode
from lib.netns import Daemon, veth, wait_for

pytestmark = pytest.mark.netns

FRR_CONF = """frr defaults datacenter
hostname far
!
router bgp 65002
 bgp router-id 10.255.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 1 3
 neighbor 10.255.0.1 remote-as 65001
 neighbor 10.255.0.1 update-source lo
 neighbor 10.255.0.1 ebgp-multihop 2
 neighbor 10.255.0.1 timers connect 1
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family
!
"""


def ours(multihop):
    return ("asn: 65001\nrouter-id: 10.255.0.1\n"
            "timers: {keepalive: 1, hold: 3, connect-retry: 1}\n"
            "neighbors:\n"
            f"  - {{address: 10.255.0.2, remote-as: 65002, update-source: lo,"
            f" ebgp-multihop: {multihop}}}\n"
            "networks: [10.1.0.0/24]\n")


@pytest.fixture
def two_hops(netns_factory):
    near, middle, far = (netns_factory(n) for n in ("lbnear", "lbmid", "lbfar"))
    veth(near, "eth0", middle, "eth0")
    veth(middle, "eth1", far, "eth0")
    near.ip("addr", "add", "192.0.2.1/30", "dev", "eth0")
    middle.ip("addr", "add", "192.0.2.2/30", "dev", "eth0")
    middle.ip("addr", "add", "192.0.2.5/30", "dev", "eth1")
    far.ip("addr", "add", "192.0.2.6/30", "dev", "eth0")
    middle.exec("sysctl", "-qw", "net.ipv4.ip_forward=1")
    near.ip("addr", "add", "10.255.0.1/32", "dev", "lo")
    far.ip("addr", "add", "10.255.0.2/32", "dev", "lo")
    near.ip("route", "add", "10.255.0.2/32", "via", "192.0.2.2")
    far.ip("route", "add", "10.255.0.1/32", "via", "192.0.2.5")
    middle.ip("route", "add", "10.255.0.1/32", "via", "192.0.2.1")
    middle.ip("route", "add", "10.255.0.2/32", "via", "192.0.2.6")
    return near, far


def state(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0]["state"] if peers else None


def test_a_session_between_loopbacks_two_hops_apart(two_hops, tmp_path):
    near, far = two_hops
    d = Daemon(near, ours(2), tmp_path, "near")
    frr = FrrNode(far, FRR_CONF, tmp_path)
    try:
        d.wait_api()
        wait_for(lambda: state(d) == "established", 30, "the session between the loopbacks")
        peer = d.ctl_json("show", "bgp", "neighbors", "10.255.0.2")
        assert (peer["local_address"], peer["update_source"]) == ("10.255.0.1", "lo"), peer
        assert "Local address 10.255.0.1, update-source lo" in \
            d.ctl("show", "bgp", "neighbors", "10.255.0.2").stdout
        # FRR's route reaches us with its loopback as next hop.
        route = wait_for(lambda: {r["prefix"]: r for r in d.ctl_json("show", "bgp", "routes")}
                         .get("10.2.0.0/24"), 15, "FRR's route")
        assert route["next_hop"] == "10.255.0.2" and route["as_path"] == [65002], route
        # Its next hop does not resolve through a route of ours: invalid,
        # not installed, and never written via the loopback.
        assert route["next_hop_unresolved"] and not route["accepted"], route
        assert any(line.startswith("u ") and "10.2.0.0/24" in line
                   for line in d.ctl("show", "bgp", "routes").stdout.splitlines())
        assert near.ip("route", "show", "10.2.0.0/24").stdout.strip() == ""
        assert d.ctl_json("show", "bgp", "nexthop")["next_hops"] == [
            {"address": "10.255.0.2", "resolved": False, "via": "", "connected": False,
             "next_hops": []}]
        assert "fib     error" not in d.log_text()
        # Ours reaches FRR with our loopback as next hop, and FRR installs
        # it through the router.
        def frr_installed():
            out = json.loads(frr.vtysh("show ip route 10.1.0.0/24 json") or "{}")
            entries = out.get("10.1.0.0/24", [])
            return entries and entries[0].get("installed") and entries[0]
        wait_for(frr_installed, 15, "our route installed by FRR")
        assert "via 192.0.2.5" in far.ip("route", "show", "10.1.0.0/24").stdout
        bgp = json.loads(frr.vtysh("show bgp ipv4 unicast 10.1.0.0/24 json"))
        assert bgp["paths"][0]["nexthops"][0]["ip"] == "10.255.0.1", bgp

        # One hop allowed: our packets die at the router, the session goes
        # and cannot come back.
        d.write_config(ours(1))
        d.ctl("config", "reload")
        wait_for(lambda: state(d) != "established", 15, "the session to go")
        time.sleep(5)  # several connect retries on both sides
        assert state(d) != "established"
    finally:
        d.stop()
        frr.stop()
