// Drain states (Meta, "Running BGP in Data Centers at Scale"; RFC 8326):
//   LIVE     routes advertised as usual;
//   DRAINED  advertised with the GRACEFUL_SHUTDOWN community and our AS
//            prepended, so neighbours move traffic away but keep a path;
//   WARM     RIB and FIB ready, nothing advertised: a node that has just
//            started, before it has converged.
// For the node and per neighbour; a neighbour gets the stronger of the two.
#pragma once

#include <optional>
#include <string_view>

namespace closbgp::rib {

enum class DrainState { Live, Drained, Warm };

inline std::string_view drain_name(DrainState s) {
  return s == DrainState::Live ? "live" : s == DrainState::Drained ? "drained" : "warm";
}

inline std::optional<DrainState> parse_drain(std::string_view s) {
  if (s == "live") return DrainState::Live;
  if (s == "drained") return DrainState::Drained;
  if (s == "warm") return DrainState::Warm;
  return std::nullopt;
}

// What a neighbour gets: WARM over DRAINED over LIVE.
inline DrainState effective_drain(DrainState node, DrainState neighbor) {
  return node > neighbor ? node : neighbor;
}

}  // namespace closbgp::rib
