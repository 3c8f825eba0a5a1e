// Converts the API's plain views (backend.h) to their protobuf messages,
// and a ControlError to the gRPC status a client sees.
#pragma once

#include <grpcpp/support/status.h>

#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/api/event_bus.h"
#include "closbgp/v1/bgp.pb.h"

namespace closbgp::api {

void fill(const PeerView& p, closbgp::v1::PeerSummary* out);
void fill(const SummaryView& view, closbgp::v1::ShowBgpSummaryResponse& out);
void fill(const FibRouteView& r, closbgp::v1::FibRoute& out);
void fill(const std::vector<TrackedNextHopView>& next_hops, closbgp::v1::ShowNextHopsResponse& out);
void fill(const std::vector<EvpnRouteView>& routes, closbgp::v1::ShowEvpnRoutesResponse& out);
void fill(const EvpnVnisView& view, closbgp::v1::ShowEvpnVnisResponse& out);
void fill(const RouteView& r, closbgp::v1::Route& out);
void fill(const RouteDetailView& d, closbgp::v1::RouteDetail& out);
void fill(const EventView& e, closbgp::v1::Event& out);
void fill(const BmpView& v, closbgp::v1::ShowBmpResponse& out);
grpc::Status status(const ControlError& e);

}  // namespace closbgp::api
