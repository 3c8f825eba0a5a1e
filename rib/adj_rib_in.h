// Adj-RIB-In of one peer: what it announced, after RFC 7606 handling and
// before policy. All the prefixes of one UPDATE share one Path; a path with
// our AS in it (a loop) is kept but marked not accepted. Across a
// neighbour's graceful restart its paths are kept, marked stale, until it
// sends them again or they are swept.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/family_counts.h"
#include "rib/path.h"

namespace closbgp::rib {

// One prefix an UPDATE touched and the path it has now (null: withdrawn).
struct RouteChange {
  wire::Prefix prefix;
  PathRef path;
};

// What makes a received path a loop: our AS in its AS_PATH more than
// `allowas_in` times, or (RFC 4456 sec. 8) our router-id as its
// ORIGINATOR_ID or our cluster id in its CLUSTER_LIST.
struct LoopCheck {
  uint32_t local_as = 0;
  uint8_t allowas_in = 0;
  uint32_t router_id = 0, cluster_id = 0;  // host order; 0: not checked
  bool is_loop(const wire::PathAttributes& a) const;
};

class AdjRibIn {
 public:
  // Withdrawals first, then announcements; treat-as-withdraw withdraws the
  // announced prefixes too. A loop is kept, not accepted. Appends every
  // prefix it touched, with its path, to `changed`.
  void apply(const wire::UpdateMessage& update, const PathSource& source, const LoopCheck& loops,
             std::vector<RouteChange>& changed);
  void clear();
  // Graceful restart: every path is stale until the peer sends it again.
  // Returns how many are.
  size_t mark_stale();
  // Withdraws the stale paths (of `family` only, if given) as if the peer
  // had; appends them to `changed`.
  void sweep_stale(std::optional<wire::Family> family, std::vector<RouteChange>& changed);
  size_t stale() const { return stale_.size(); }
  // Long-lived graceful restart (RFC 9494 sec. 4.2): the stale paths of
  // `family` stay with LLGR_STALE added, as if the peer had sent them so;
  // those with NO_LLGR are withdrawn. Appends both to `changed`.
  void mark_long_lived(wire::Family family, std::vector<RouteChange>& changed);
  // Loop checks again (a reload changed allowas-in): each path that is now
  // a loop, or no longer one, changes; appended to `changed`.
  void recheck_loops(const LoopCheck& loops, std::vector<RouteChange>& changed);

  const containers::PrefixMap<PathRef>& routes() const { return routes_; }
  const Path* find(const wire::Prefix& p) const {
    const PathRef* r = routes_.find(p);
    return r ? r->get() : nullptr;
  }
  size_t received() const { return routes_.size(); }
  size_t received(wire::Afi afi) const { return routes_.size(afi); }
  size_t accepted() const { return accepted_.total(); }
  size_t accepted(wire::Afi afi) const { return accepted_[afi]; }
  // Withdrawals of prefixes it did not hold (BMP's duplicate withdraws).
  uint64_t duplicate_withdraws() const { return duplicate_withdraws_; }

 private:
  void apply_update(const wire::UpdateMessage& update, const PathSource& source,
                    const LoopCheck& loops, std::vector<RouteChange>& changed);
  // `by_peer`: its withdrawals (counted when they withdraw nothing), not
  // the treat-as-withdraw of what it announced.
  void withdraw(const std::vector<wire::Nlri>& nlri, std::vector<RouteChange>& changed,
                bool by_peer);
  // False if it held no path for `prefix`.
  bool remove_one(const wire::Prefix& prefix, std::vector<RouteChange>& changed);
  void announce(const std::vector<wire::Nlri>& nlri, const PathRef& path,
                std::vector<RouteChange>& changed);

  containers::PrefixMap<PathRef> routes_;
  FamilyCounts accepted_{};
  containers::PrefixSet stale_;  // kept from before the peer's restart, not yet re-sent
  uint64_t duplicate_withdraws_ = 0;
};

// True if `asn` appears anywhere in the path (RFC 4271 sec. 9.1.2).
bool path_contains(const wire::AsPath& path, uint32_t asn);
// How many times `asn` appears.
size_t path_count(const wire::AsPath& path, uint32_t asn);

}  // namespace closbgp::rib
