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
from lib.netns import Daemon, drop_all, restore, veth, wait_for

pytestmark = pytest.mark.netns

def frr_conf(hold=3, bfd=False):
    return f"""frr defaults datacenter
hostname far
!
router bgp 65002
 bgp router-id 10.255.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp {hold // 3} {hold}
 neighbor 10.255.0.1 remote-as 65001
 neighbor 10.255.0.1 update-source lo
 neighbor 10.255.0.1 ebgp-multihop 2
 neighbor 10.255.0.1 timers connect 1
{" neighbor 10.255.0.1 bfd" if bfd else "!"}
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family
!
"""


def ours(multihop, hold=3, bfd=""):
    return ("asn: 65001\nrouter-id: 10.255.0.1\n"
            f"timers: {{keepalive: {hold // 3}, hold: {hold}, connect-retry: 1}}\n"
            "neighbors:\n"
            f"  - {{address: 10.255.0.2, remote-as: 65002, update-source: lo,"
            f" ebgp-multihop: {multihop}{bfd}}}\n"
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
    return near, middle, far


def state(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0]["state"] if peers else None


def test_a_session_between_loopbacks_two_hops_apart(two_hops, tmp_path):
    near, _, far = two_hops
    d = Daemon(near, ours(2), tmp_path, "near")
    frr = FrrNode(far, frr_conf(), tmp_path)
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


def test_multihop_bfd_with_frr_bfdd(two_hops, tmp_path):
    near, middle, far = two_hops
    # Hold 9 s, BFD 300 ms x 3: a loss noticed in a few seconds is BFD's doing.
    d = Daemon(near, ours(2, hold=9, bfd=", bfd: true"), tmp_path, "nearbfd")
    frr = FrrNode(far, frr_conf(hold=9, bfd=True), tmp_path, daemons=("zebra", "bgpd", "bfdd"))
    peer = lambda: d.ctl_json("show", "bgp", "neighbors", "10.255.0.2")
    try:
        d.wait_api()
        wait_for(lambda: peer()["bfd_state"] == "up" and state(d) == "established", 30,
                 "multihop BFD and BGP up between the loopbacks")
        assert peer()["bfd_multihop"], peer()
        assert "BFD (multihop): up" in d.ctl("show", "bgp", "neighbors", "10.255.0.2").stdout
        wait_for(lambda: "Status: up" in frr.vtysh("show bfd peers"), 10, "FRR's bfdd up")
        frr_peers = frr.vtysh("show bfd peers")
        assert "peer 10.255.0.1 multihop local-address 10.255.0.2" in frr_peers, frr_peers
        assert ("10.255.0.2 (multihop): BFD session, 300 ms x 3, from 10.255.0.1,"
                " accepting TTL 254 and above") \
            in d.log_text()

        # A well-formed BFD packet from FRR's loopback, sent with TTL 100:
        # it arrives with 99, from further than ebgp-multihop 2 allows.
        sender = ("import socket\n"
                  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                  "s.bind(('10.255.0.2', 0))\n"
                  "s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 100)\n"
                  "pkt = bytes([0x20, 0x40, 3, 24]) + (1).to_bytes(4, 'big') + bytes(4)"
                  " + (1000000).to_bytes(4, 'big') * 2 + bytes(4)\n"
                  "[s.sendto(pkt, ('10.255.0.1', 4784)) for _ in range(5)]\n")
        far.exec("/usr/bin/python3", "-c", sender)
        wait_for(lambda: peer()["bfd_packets_dropped"] >= 5, 5, "the drops counted")
        assert "10.255.0.2 (multihop): dropped BFD packet: TTL 99, below 254" in d.log_text()
        assert peer()["bfd_state"] == "up"

        # Silent loss in the router: BFD goes first and takes BGP with it.
        drop_all(middle, "eth1")
        lost = time.monotonic()
        wait_for(lambda: state(d) != "established", 8, "the session to go")
        elapsed = time.monotonic() - lost
        assert elapsed < 4.0, f"took {elapsed:.2f} s (hold time 9 s)"
        assert "BFD down" in peer()["last_error"], peer()
        wait_for(lambda: "Status: down" in frr.vtysh("show bfd peers"), 10, "FRR sees BFD down")
        restore(middle)
        wait_for(lambda: peer()["bfd_state"] == "up" and state(d) == "established", 40,
                 "BFD and BGP back after the loss ends")
    finally:
        d.stop()
        frr.stop()


def test_multihop_bfd_from_an_address_that_comes_later(two_hops, tmp_path):
    """update-source given as an address not yet on the box (a loopback
    configured after the daemon starts): the BFD session is made anyway and
    comes up once the address is there."""
    near, _, far = two_hops
    near.ip("addr", "del", "10.255.0.1/32", "dev", "lo")
    config = ours(2, bfd=", bfd: true").replace("update-source: lo", "update-source: 10.255.0.1")
    d = Daemon(near, config, tmp_path, "nearlate")
    frr = FrrNode(far, frr_conf(bfd=True), tmp_path, daemons=("zebra", "bgpd", "bfdd"))
    peer = lambda: d.ctl_json("show", "bgp", "neighbors", "10.255.0.2")
    try:
        d.wait_api()
        wait_for(lambda: "BFD session, 300 ms x 3, from 10.255.0.1" in d.log_text(), 10,
                 "the multihop BFD session from the absent address")
        assert "cannot open a BFD socket" not in d.log_text()
        assert peer()["bfd_state"] == "down"
        near.ip("addr", "add", "10.255.0.1/32", "dev", "lo")
        wait_for(lambda: peer()["bfd_state"] == "up" and state(d) == "established", 30,
                 "BFD and BGP up once the address is there")
    finally:
        d.stop()
        frr.stop()
