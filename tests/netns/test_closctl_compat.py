"""closctl against a daemon older than itself: a package upgrade replaces
closctl while the running daemon is the old one until it restarts. The
route listings use the paged RPCs; a daemon without them answers
UNIMPLEMENTED, and closctl asks the same with ShowRoutes or ShowAdjRib.
The old daemon is played by a Python gRPC server (Debian's grpcio) that
has only those."""
import json
import subprocess
from concurrent import futures

import grpc
import pytest

from lib import api_stubs
from lib.netns import CLOSCTL

pytestmark = pytest.mark.netns

ROUTES = [("10.1.0.0/24", "swp1"), ("10.2.0.0/24", "swp2"), ("2001:db8::/48", "swp1")]


@pytest.fixture
def old_daemon(tmp_path):
    """A server with ShowRoutes and ShowAdjRib and nothing newer; yields
    its address and the requests it received."""
    bgp_pb2, bgp_pb2_grpc = api_stubs.generate(tmp_path / "stubs")
    seen = []

    def routes(request, selector):
        seen.append((type(request).__name__, request.prefix, request.longer_prefixes))
        for prefix, peer in ROUTES:
            if selector(prefix, peer):
                yield bgp_pb2.Route(prefix=prefix, peer=peer, next_hop="fe80::1", as_path=[65001],
                                    origin="igp", accepted=True, best=True, multipath=True)

    class Old(bgp_pb2_grpc.BgpServiceServicer):
        def ShowRoutes(self, request, context):
            want = request.prefix.split("/")[0][:5]  # "10.1." for a longer-prefixes 10.1.0.0/16
            return routes(request, lambda prefix, _: not request.prefix or prefix.startswith(want))

        def ShowAdjRib(self, request, context):
            return routes(request, lambda _, peer: peer == request.neighbor)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    bgp_pb2_grpc.add_BgpServiceServicer_to_server(Old(), server)
    sock = tmp_path / "old.sock"
    server.add_insecure_port(f"unix:{sock}")
    server.start()
    try:
        yield f"unix:{sock}", seen
    finally:
        server.stop(None)


def closctl(server, *args):
    return subprocess.run([CLOSCTL, "--server", server, *args], capture_output=True, text=True,
                          timeout=30)


def test_route_listings_fall_back_to_the_per_route_rpcs(old_daemon):
    server, seen = old_daemon
    r = closctl(server, "show", "bgp", "routes")
    assert r.returncode == 0, r.stderr
    for prefix, _ in ROUTES:
        assert prefix in r.stdout, r.stdout
    assert seen == [("ShowRoutesRequest", "", False)]  # the paged call never reached a handler

    seen.clear()
    r = closctl(server, "--json", "show", "bgp", "routes", "10.1.0.0/16", "longer-prefixes")
    assert r.returncode == 0, r.stderr
    assert [x["prefix"] for x in json.loads(r.stdout)] == ["10.1.0.0/24"]
    assert seen == [("ShowRoutesRequest", "10.1.0.0/16", True)]

    r = closctl(server, "--json", "show", "bgp", "neighbors", "swp2", "received-routes")
    assert r.returncode == 0, r.stderr
    assert [(x["prefix"], x["peer"]) for x in json.loads(r.stdout)] == [("10.2.0.0/24", "swp2")]


def test_other_rpcs_an_old_daemon_lacks_still_say_so(old_daemon):
    server, _ = old_daemon
    r = closctl(server, "show", "bgp", "summary")
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "runs an older version than closctl" in r.stderr, r.stderr
