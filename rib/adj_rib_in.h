// Adj-RIB-In of one peer: what it announced, after RFC 7606 handling and
// before policy. All the prefixes of one UPDATE share one Path (one per
// path id with add-path, RFC 7911: a prefix then has a path per id); a
// path with our AS in it (a loop) is kept but marked not accepted. Across
// a neighbour's graceful restart its paths are kept, marked stale, until
// it sends them again or they are swept.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/family_counts.h"
#include "rib/received_paths.h"

namespace closbgp::rib {

// One path an UPDATE touched: its prefix, path id (add-path; 0 without)
// and what it is now (null: withdrawn).
struct RouteChange {
  wire::Prefix prefix;
  PathRef path;
  uint32_t path_id = 0;
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
  // Room for this many prefixes of each family (a size hint: a full table
  // on its way), so the table does not grow in steps as it arrives.
  void reserve(const FamilyCounts& prefixes);
  // Graceful restart: every path is stale until the peer sends it again.
  // Returns how many prefixes have stale paths.
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

  // Prefixes and their paths.
  const containers::PrefixMap<ReceivedPaths>& routes() const { return routes_; }
  const ReceivedPaths* paths(const wire::Prefix& p) const { return routes_.find(p); }
  const Path* find(const wire::Prefix& p, uint32_t path_id = 0) const {
    const ReceivedPaths* r = routes_.find(p);
    return r ? r->find(path_id) : nullptr;
  }
  // fn(prefix, path) for every path.
  template <class F>
  void for_each_path(F&& fn) const {
    routes_.for_each([&](const wire::Prefix& p, const ReceivedPaths& r) {
      r.for_each([&](const PathRef& path) { fn(p, path); });
    });
  }
  // Paths (as many as prefixes without add-path).
  size_t received() const { return received_.total(); }
  size_t received(wire::Afi afi) const { return received_[afi]; }
  const FamilyCounts& received_by_family() const { return received_; }
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
  // False if it held no path for `prefix` and `path_id`.
  bool remove_one(const wire::Prefix& prefix, uint32_t path_id, std::vector<RouteChange>& changed);
  // `path` for each of `nlri`; a path id other than its own gets a copy
  // with that id, shared by the prefixes that have it.
  void announce(const std::vector<wire::Nlri>& nlri, const PathRef& path,
                std::vector<RouteChange>& changed);
  // Holds `path` at `prefix` (replacing the path of its id) and counts it.
  void hold(const wire::Prefix& prefix, PathRef path);
  // Re-sent or withdrawn since a restart: that path is no longer stale.
  void refreshed(const wire::Prefix& prefix, uint32_t path_id);
  bool is_refreshed(const wire::Prefix& prefix, uint32_t path_id) const;
  // The paths at `prefix` kept from before the restart.
  std::vector<PathRef> stale_paths(const wire::Prefix& prefix) const;
  // Stale prefixes of `family` (all without).
  std::vector<wire::Prefix> stale_prefixes(std::optional<wire::Family> family) const;

  containers::PrefixMap<ReceivedPaths> routes_;
  FamilyCounts received_{}, accepted_{};
  // Prefixes with paths kept from before the peer's restart, not yet
  // re-sent; with add-path, the path ids of such a prefix re-sent so far.
  containers::PrefixSet stale_;
  containers::PrefixMap<boost::container::small_vector<uint32_t, 2>> refreshed_;
  uint64_t duplicate_withdraws_ = 0;
};

// True if `asn` appears anywhere in the path (RFC 4271 sec. 9.1.2).
bool path_contains(const wire::AsPath& path, uint32_t asn);
// How many times `asn` appears.
size_t path_count(const wire::AsPath& path, uint32_t asn);

}  // namespace closbgp::rib
