"""examples/clos.py's numbering past 254 routers and 434 leaves (the fabric
scale benchmark builds 1,000): every loopback, subnet and AS stays valid
and distinct. Pure functions: no namespace is built."""
import ipaddress

import pytest

from clos import TWO_OCTET_LEAVES, Server, leaf_asn, loopback

pytestmark = pytest.mark.topology


def test_loopbacks_skip_network_and_broadcast_octets_and_never_repeat():
    assert [loopback(i) for i in (0, 253, 254, 999)] == [
        "10.0.0.1", "10.0.0.254", "10.0.1.1", "10.0.3.238"]
    addresses = {loopback(i) for i in range(2000)}
    assert len(addresses) == 2000
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("10.0.0.0/16") for a in addresses)


def test_server_subnets_stay_apart_past_255_leaves():
    assert Server("s", 1).subnets() == ["10.1.1.0/24", "2001:db8:1:1::/64"]
    assert Server("s", 256).subnets() == ["10.2.0.0/24", "2001:db8:1:100::/64"]
    assert (Server("s", 300).gateway(4), Server("s", 300).address(4)) == ("10.2.44.1", "10.2.44.10")
    nets = [ipaddress.ip_network(p) for n in range(1, 1001) for p in Server("s", n).subnets()]
    assert len(set(nets)) == 2000
    assert not any(n.overlaps(ipaddress.ip_network("10.0.0.0/16")) for n in nets if n.version == 4)


def test_leaves_past_the_two_octet_range_take_private_four_octet_numbers():
    assert leaf_asn(1) == 65101
    assert leaf_asn(TWO_OCTET_LEAVES) == 65534
    assert leaf_asn(TWO_OCTET_LEAVES + 1) == 4200000000 + TWO_OCTET_LEAVES + 1
