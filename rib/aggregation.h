// Aggregates (RFC 4271 sec. 9.2.2.2): a summary prefix originated while the
// Loc-RIB holds at least one more-specific route inside it, withdrawn when
// the last one goes. With summary-only the more-specifics stay in the
// Loc-RIB and the kernel but are not advertised. The summary carries
// ATOMIC_AGGREGATE and AGGREGATOR, the worst ORIGIN of its contributors, and
// with as-set an AS_SET of their ASes and the union of their communities
// (so that loop detection still works downstream). While active, an
// aggregate with discard (the default) has a blackhole route in the FIB, so
// traffic for a part of it no more-specific covers is dropped here instead
// of following a shorter route back up the fabric.
#pragma once

#include <memory>
#include <set>
#include <vector>

#include "policy/route_map.h"
#include "rib/loc_rib.h"

namespace closbgp::rib {

struct AggregateSpec {
  wire::Prefix prefix;
  bool summary_only = false;
  bool as_set = false;
  std::shared_ptr<const policy::RouteMap> route_map;  // sets on the summary; deny: none
  bool discard = true;                                // a blackhole route in the FIB while active
};

class Aggregation {
 public:
  Aggregation(std::vector<AggregateSpec> specs, uint32_t local_as, uint32_t router_id);

  // After the Loc-RIB changed for `changed`: originates, updates or removes
  // the summaries those prefixes fall under, and appends to `changed` every
  // prefix whose advertisement that affects (the summary itself, and the
  // more-specifics when a summary-only aggregate turns on or off).
  void update(LocRib& rib, std::vector<wire::Prefix>& changed);
  // Covered by an active summary-only aggregate: not advertised.
  bool suppressed(const wire::Prefix& prefix) const;
  // An active aggregate whose route in the FIB is a discard.
  bool discards(const wire::Prefix& prefix) const;

 private:
  struct State {
    AggregateSpec spec;
    std::set<wire::Prefix> contributors;                     // Loc-RIB prefixes strictly inside
    std::shared_ptr<const wire::PathAttributes> attributes;  // null: inactive
  };
  // The summary's attributes from its contributors; nullptr with none.
  std::shared_ptr<const wire::PathAttributes> summarize(const LocRib& rib, const State& agg) const;

  std::vector<State> aggregates_;
  uint32_t local_as_, router_id_;
};

}  // namespace closbgp::rib
