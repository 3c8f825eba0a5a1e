"""Every RPC from Python (Debian's grpcio, stubs generated from the proto
at test time) against a live closbgpd that listens on a Unix socket
(`grpc: {listen: "unix:PATH"}`, which also lets a client outside the
namespace reach it): the answers, the JSON shape of ShowBgpSummary, and
the status code of every error path."""
import ipaddress
import struct
import threading

import grpc
import pytest
from google.protobuf import json_format

from lib import api_stubs
from lib.bgp_speaker import ScriptedPeer
from lib.netns import Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

A = "192.0.2.2"


@pytest.fixture(scope="module")
def pb(tmp_path_factory):
    """bgp_pb2 and bgp_pb2_grpc."""
    return api_stubs.generate(tmp_path_factory.mktemp("stubs"))


@pytest.fixture
def api(pb, netns_factory, tmp_path):
    bgp_pb2, bgp_pb2_grpc = pb
    dut_ns, peers_ns = router_and_peers(netns_factory, (A,))
    sock = tmp_path / "api.sock"
    config = (f"asn: 65000\nrouter-id: 10.0.0.1\ndrain: {{warm-up: 0}}\n"
              f"grpc: {{listen: \"unix:{sock}\"}}\n"
              "prefix-lists: {NOT-63: [{deny: 10.63.0.0/16, le: 32}, {permit: 0.0.0.0/0, le: 32}]}\n"
              "route-maps: {IN: [{action: permit, match: {prefix-list: NOT-63}}]}\n"
              f"neighbors:\n  - {{address: {A}, remote-as: 65001, route-map-in: IN}}\n")
    d = Daemon(dut_ns, config, tmp_path, "dut", api=f"unix:{sock}")
    peer = None
    try:
        d.wait_api()
        peer = ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001)
        peer.announce("10.60.0.0/24")
        with grpc.insecure_channel(f"unix:{sock}") as channel:
            yield bgp_pb2, bgp_pb2_grpc.BgpServiceStub(channel), d, peer
    finally:
        if peer:
            peer.close()
        d.stop()


def code_of(call):
    with pytest.raises(grpc.RpcError) as e:
        call()
    return e.value.code(), e.value.details()


def test_server_reflection_lists_the_service(api):
    """Generic gRPC tools (grpcurl, grpc_cli) find the API by reflection."""
    _, _, d, _ = api
    with grpc.insecure_channel(d.api) as channel:
        call = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=lambda b: b, response_deserializer=lambda b: b)
        # ServerReflectionRequest {list_services: ""}: field 7, empty string.
        (reply,) = list(call(iter([b"\x3a\x00"]), timeout=5))
    assert b"closbgp.v1.BgpService" in reply


def test_reads(api):
    pb, stub, d, _ = api
    assert stub.GetVersion(pb.GetVersionRequest()).version
    wait_for(lambda: list(stub.ShowRoutes(pb.ShowRoutesRequest())), 10, "A's route")
    summary = json_format.MessageToDict(stub.ShowBgpSummary(pb.ShowBgpSummaryRequest()),
                                        preserving_proto_field_name=True,
                                        including_default_value_fields=True)
    assert summary["router_id"] == "10.0.0.1" and summary["local_as"] == 65000
    assert summary["drain_state"] == "live"
    (peer,) = summary["peers"]
    assert peer["state"] == "SESSION_STATE_ESTABLISHED"  # the proto3 enum name
    assert peer["address"] == A and peer["remote_as"] == 65001
    assert peer["prefixes_received"] == "1"  # uint64: a string in the JSON mapping
    for key in ("uptime_seconds", "messages_received", "messages_sent", "prefixes_accepted",
                "prefixes_sent", "bfd_state", "hold_time", "capabilities", "stale_paths",
                "shutdown", "rfc7606_events", "drain_state", "last_error"):
        assert key in peer, key
    assert summary["families"][0] == {"family": "ipv4-unicast", "prefixes": "1"}
    assert int(summary["resident_memory_bytes"]) > 1_000_000
    assert peer["last_reset_time"] == ""  # never went down
    (route,) = stub.ShowRoutes(pb.ShowRoutesRequest(prefix="10.60.0.0/24"))
    assert route.best and route.peer == A and list(route.as_path) == [65001]
    assert not list(stub.ShowRoutes(pb.ShowRoutesRequest(prefix="10.60.0.0/16")))
    (inside,) = stub.ShowRoutes(pb.ShowRoutesRequest(prefix="10.60.0.0/16", longer_prefixes=True))
    assert inside.prefix == "10.60.0.0/24"
    (received,) = stub.ShowAdjRib(pb.ShowAdjRibRequest(neighbor=A))
    assert received.prefix == "10.60.0.0/24" and received.accepted
    assert stub.ShowNeighbor(pb.ShowNeighborRequest(neighbor=A)).remote_as == 65001
    fib = {r.prefix: r.state for r in stub.ShowFib(pb.ShowFibRequest())}
    assert fib == {"10.60.0.0/24": "installed"}
    assert "valid" in stub.ValidateConfig(pb.ValidateConfigRequest()).summary
    assert list(stub.ReloadConfig(pb.ReloadConfigRequest()).changes) == ["no changes"]


def test_changes(api):
    pb, stub, d, _ = api
    assert "originated" in stub.AddRoute(pb.AddRouteRequest(prefix="10.9.9.9/32",
                                                            communities=["65000:1"])).result
    assert "withdrawn" in stub.DeleteRoute(pb.DeleteRouteRequest(prefix="10.9.9.9/32")).result
    assert "drained" in stub.SetDrainState(pb.SetDrainStateRequest(state="drained")).result
    assert "live" in stub.SetDrainState(pb.SetDrainStateRequest(state="live")).result
    assert "re-applied" in stub.ResetNeighbor(pb.ResetNeighborRequest(neighbor=A, soft="in")).result
    assert "shut down" in stub.ShutdownNeighbor(pb.ShutdownNeighborRequest(neighbor=A)).result
    assert "enabled" in stub.EnableNeighbor(pb.EnableNeighborRequest(neighbor=A)).result
    peer = stub.ShowNeighbor(pb.ShowNeighborRequest(neighbor=A))
    assert peer.last_reset_time.endswith("Z") and "Administrative Shutdown" in peer.last_error


def test_adj_rib_out_has_what_the_neighbour_is_sent(api):
    pb, stub, d, _ = api
    # A's UPDATE travels on its own after the session is up: wait for it,
    # or the assertions on A's own route below would look at an empty table.
    received = pb.ShowAdjRibRequest(neighbor=A, direction=pb.ShowAdjRibRequest.DIRECTION_IN)
    wait_for(lambda: [r for r in stub.ShowAdjRib(received) if r.prefix == "10.60.0.0/24"], 10,
             "A's route in its Adj-RIB-In")
    stub.AddRoute(pb.AddRouteRequest(prefix="10.62.0.0/24", communities=["65000:7"]))
    out = pb.ShowAdjRibRequest.DIRECTION_OUT

    def sent():
        return {r.prefix: r for r in stub.ShowAdjRib(pb.ShowAdjRibRequest(neighbor=A, direction=out))}

    route = wait_for(lambda: sent().get("10.62.0.0/24"), 10, "the route in A's Adj-RIB-Out")
    assert list(route.as_path) == [65000] and list(route.communities) == ["65000:7"]
    assert route.next_hop == "192.0.2.1"
    assert "10.60.0.0/24" not in sent()  # A's own route does not go back to it
    text = d.ctl("show", "bgp", "neighbors", A, "advertised-routes").stdout
    assert "10.62.0.0/24" in text and "Displayed 1 paths" in text
    text = d.ctl("show", "bgp", "neighbors", A, "received-routes", "10.0.0.0/8",
                 "longer-prefixes").stdout
    assert "10.60.0.0/24" in text


def test_long_listings_stream_in_pages(api):
    """Listings longer than a page (1,024 routes) come whole and sorted,
    whichever table they read, and a filter that leaves whole pages empty
    still reaches the end."""
    pb, stub, d, peer = api
    theirs = [f"10.61.{i // 16}.{(i % 16) * 16}/28" for i in range(2500)]
    for i in range(0, len(theirs), 250):
        peer.announce(*theirs[i:i + 250])
    # COMMUNITIES 65001:9 on the last prefix only.
    peer.announce("10.61.200.0/24", extra=bytes([0xC0, 8, 4]) + struct.pack("!HH", 65001, 9))
    peer.announce("10.63.0.0/24")  # import policy refuses it: listed, not accepted
    stub.AddRoute(pb.AddRouteRequest(prefix="10.61.100.0/24"))
    everything = sorted(theirs + ["10.60.0.0/24", "10.61.100.0/24", "10.61.200.0/24",
                                  "10.63.0.0/24"], key=ipaddress.ip_network)

    def listed(**request):
        return [r.prefix for r in stub.ShowRoutes(pb.ShowRoutesRequest(**request))]

    wait_for(lambda: listed() == everything, 20, "every route, in order")
    assert listed(prefix="10.61.0.0/16", longer_prefixes=True) == everything[1:-1]
    (refused,) = stub.ShowRoutes(pb.ShowRoutesRequest(prefix="10.63.0.0/24"))
    assert not refused.accepted and not refused.best and refused.peer == A
    assert listed(community="65001:9") == ["10.61.200.0/24"]
    local = [r for r in stub.ShowRoutes(pb.ShowRoutesRequest()) if r.peer == "local"]
    assert [r.prefix for r in local] == ["10.61.100.0/24"] and local[0].best

    received = [r.prefix for r in stub.ShowAdjRib(pb.ShowAdjRibRequest(neighbor=A))]
    assert received == [p for p in everything if p != "10.61.100.0/24"]
    out = pb.ShowAdjRibRequest(neighbor=A, direction=pb.ShowAdjRibRequest.DIRECTION_OUT)
    assert [r.prefix for r in stub.ShowAdjRib(out)] == ["10.61.100.0/24"]
    # The same listings a page to a message (closctl's), with the same errors.
    pages = list(stub.ShowRoutePages(pb.ShowRoutesRequest()))
    assert len(pages) > 1 and [r.prefix for p in pages for r in p.routes] == everything
    paged_out = [r.prefix for p in stub.ShowAdjRibPages(out) for r in p.routes]
    assert paged_out == ["10.61.100.0/24"]
    assert code_of(lambda: list(stub.ShowRoutePages(pb.ShowRoutesRequest(prefix="10.61.0.1/24"))))[0] \
        == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: list(stub.ShowAdjRibPages(pb.ShowAdjRibRequest(neighbor="nobody"))))[0] \
        == grpc.StatusCode.NOT_FOUND
    # closctl prints the listing as it comes: every prefix once, in order.
    text = d.ctl("show", "bgp", "routes", "ipv4").stdout
    shown = [line.split()[1] for line in text.splitlines() if line[:1] in ("*", "x")]
    assert shown == everything, text[-2000:]


def test_every_error_has_its_code(api):
    pb, stub, d, _ = api
    C = grpc.StatusCode
    unknown = "192.0.2.99"
    cases = [
        (lambda: stub.ShowNeighbor(pb.ShowNeighborRequest(neighbor=unknown)), C.NOT_FOUND),
        # The daemon reads no file a client names, whatever it is.
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(path="/etc/shadow")),
         C.PERMISSION_DENIED),
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"asn: [", name="mine.yaml")),
         C.INVALID_ARGUMENT),
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"#" * (1 << 20) + b"\n")),
         C.INVALID_ARGUMENT),
        # Hostile texts: over gRPC's 4 MiB limit, nested as deep as 1 MiB
        # allows, not UTF-8.
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"#" * (100 << 20))),
         C.RESOURCE_EXHAUSTED),
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"[" * 500000)),
         C.INVALID_ARGUMENT),
        (lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"asn: \xff\xfe\n")),
         C.INVALID_ARGUMENT),
        (lambda: stub.SetDrainState(pb.SetDrainStateRequest(state="sideways")), C.INVALID_ARGUMENT),
        (lambda: stub.SetDrainState(pb.SetDrainStateRequest(state="drained", neighbor=unknown)),
         C.NOT_FOUND),
        (lambda: stub.AddRoute(pb.AddRouteRequest(prefix="10.1.2.3/33")), C.INVALID_ARGUMENT),
        (lambda: stub.AddRoute(pb.AddRouteRequest(prefix="10.1.2.3/32", communities=["x"])),
         C.INVALID_ARGUMENT),
        (lambda: stub.DeleteRoute(pb.DeleteRouteRequest(prefix="10.1.2.3/32")), C.NOT_FOUND),
        (lambda: stub.ResetNeighbor(pb.ResetNeighborRequest(neighbor=unknown)), C.NOT_FOUND),
        (lambda: stub.ResetNeighbor(pb.ResetNeighborRequest(neighbor=A, soft="up")),
         C.INVALID_ARGUMENT),
        (lambda: stub.ShutdownNeighbor(pb.ShutdownNeighborRequest(neighbor=unknown)), C.NOT_FOUND),
        (lambda: stub.EnableNeighbor(pb.EnableNeighborRequest(neighbor=unknown)), C.NOT_FOUND),
        (lambda: list(stub.ShowAdjRib(pb.ShowAdjRibRequest(neighbor=unknown))), C.NOT_FOUND),
        (lambda: list(stub.ShowRoutes(pb.ShowRoutesRequest(prefix="10.0.0.0/40",
                                                           longer_prefixes=True))),
         C.INVALID_ARGUMENT),
    ]
    for call, want in cases:
        code, details = code_of(call)
        assert code == want and details, (want, code, details)
    assert stub.GetVersion(pb.GetVersionRequest()).version  # unaffected
    assert 'ValidateConfig naming the path "/etc/shadow" refused' in d.log_text()
    # The text's errors name the client's file; a valid text is summarised.
    code, details = code_of(
        lambda: stub.ValidateConfig(pb.ValidateConfigRequest(text=b"asn: [", name="mine.yaml")))
    assert details.startswith("mine.yaml:1"), details
    summary = stub.ValidateConfig(pb.ValidateConfigRequest(
        text=d.config.read_bytes(), name="copy.yaml")).summary
    assert summary.startswith("copy.yaml: valid"), summary
    # A change that needs a restart changes nothing: FAILED_PRECONDITION.
    d.config.write_text(d.config.read_text().replace("router-id: 10.0.0.1", "router-id: 10.0.0.2"))
    code, details = code_of(lambda: stub.ReloadConfig(pb.ReloadConfigRequest()))
    assert code == C.FAILED_PRECONDITION and "router-id changed" in details


def test_watch_events(api):
    pb, stub, d, _ = api
    stream = stub.WatchEvents(pb.WatchEventsRequest(kinds=[pb.EVENT_KIND_ROUTE]))
    got = []

    def read():
        for e in stream:
            if e.prefix == "10.8.8.8/32":
                return got.append(e)

    threading.Thread(target=read, daemon=True).start()
    # The watch is registered when the call reaches the daemon: until an
    # event arrives, change the route again (a new MED each time).
    meds = iter(range(1, 1000))

    def seen():
        if not got:
            stub.AddRoute(pb.AddRouteRequest(prefix="10.8.8.8/32", med=next(meds)))
        return got

    wait_for(seen, 10, "the route event")
    stream.cancel()
    assert (got[0].kind, got[0].state, got[0].detail) == (pb.EVENT_KIND_ROUTE, "best", "via local")
