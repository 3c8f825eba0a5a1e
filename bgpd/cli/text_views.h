// closctl's text output for what the daemon answered: the tables an
// operator reads (the JSON is proto_json.h's).
#pragma once

#include <string>
#include <vector>

#include "closbgp/v1/bgp.pb.h"

namespace closbgp::cli {

void print_summary(const closbgp::v1::ShowBgpSummaryResponse& resp);
void print_neighbor(const std::string& name, const closbgp::v1::PeerSummary& p);
// `status` false for what we send (no best or ECMP flags).
void print_route_table(const std::vector<closbgp::v1::Route>& routes, bool status);
// One prefix in detail: every path's attributes, who it is advertised to.
void print_route_detail(const closbgp::v1::RouteDetail& detail);
void print_fib_table(const std::vector<closbgp::v1::FibRoute>& routes);

}  // namespace closbgp::cli
