// Adj-RIB-In of one peer: what it announced, after RFC 7606 handling and
// before policy. All the prefixes of one UPDATE share one Path; a path with
// our AS in it (a loop) is kept but marked not accepted.
#pragma once

#include <cstdint>
#include <vector>

#include "bgpd/wire/prefix_map.h"
#include "rib/path.h"

namespace closbgp::rib {

// One prefix an UPDATE touched and the path it has now (null: withdrawn).
struct RouteChange {
  wire::Prefix prefix;
  PathRef path;
};

class AdjRibIn {
 public:
  // Withdrawals first, then announcements; treat-as-withdraw withdraws the
  // announced prefixes too. A path with `local_as` in it more than
  // `allowas_in` times is a loop. Appends every prefix it touched, with its
  // path, to `changed`.
  void apply(const wire::UpdateMessage& update, const PathSource& source, uint32_t local_as,
             uint8_t allowas_in, std::vector<RouteChange>& changed);
  void clear();
  // Withdraws these prefixes as if the peer had (graceful restart's stale paths).
  void remove(const std::vector<wire::Prefix>& prefixes, std::vector<RouteChange>& changed);

  const wire::PrefixMap<PathRef>& routes() const { return routes_; }
  const Path* find(const wire::Prefix& p) const {
    const PathRef* r = routes_.find(p);
    return r ? r->get() : nullptr;
  }
  size_t received() const { return routes_.size(); }
  size_t accepted() const { return accepted_; }

 private:
  void withdraw(const std::vector<wire::Nlri>& nlri, std::vector<RouteChange>& changed);
  void remove_one(const wire::Prefix& prefix, std::vector<RouteChange>& changed);
  void announce(const std::vector<wire::Nlri>& nlri, const PathRef& path,
                std::vector<RouteChange>& changed);

  wire::PrefixMap<PathRef> routes_;
  size_t accepted_ = 0;
};

// True if `asn` appears anywhere in the path (RFC 4271 sec. 9.1.2).
bool path_contains(const wire::AsPath& path, uint32_t asn);
// How many times `asn` appears.
size_t path_count(const wire::AsPath& path, uint32_t asn);

}  // namespace closbgp::rib
