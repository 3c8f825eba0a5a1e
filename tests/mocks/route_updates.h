// RouteUpdates written out in tests: {{prefix, set}, ...} and removals,
// interned as the RIB does.
#pragma once

#include <utility>
#include <vector>

#include "rib/route_update.h"

namespace closbgp::mocks {

inline rib::RouteUpdate route_update(std::vector<std::pair<wire::Prefix, rib::NextHopSet>> upserts,
                                     std::vector<wire::Prefix> removes = {}) {
  rib::RouteUpdateBuilder u;
  for (const auto& [prefix, set] : upserts) u.upsert(prefix, set);
  for (const auto& prefix : removes) u.remove(prefix);
  return u.take();
}

}  // namespace closbgp::mocks
