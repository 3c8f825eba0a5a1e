// `show fib`: the kernel's routes of ours against what the RIB engine
// wants there, prefix by prefix; and the next hops it resolves.
#pragma once

#include <expected>
#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

// Sorted by prefix; an error when the FIB is disabled or the kernel cannot be read.
std::expected<std::vector<FibRouteView>, ControlError> fib_view(const session::Speaker& speaker);
// The next hops the RIB resolves through the routing table, and where
// each is forwarded (`show bgp nexthops`).
std::vector<TrackedNextHopView> next_hops_view(const session::Speaker& speaker);

}  // namespace closbgp::api
