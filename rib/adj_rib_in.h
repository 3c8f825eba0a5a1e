// Adj-RIB-In of one peer: what it announced, after RFC 7606 handling, with
// each path marked accepted or not (our AS in its AS_PATH: a loop). All the
// prefixes of one UPDATE share one attribute set.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "bgpd/wire/messages.h"

namespace closbgp::rib {

struct ReceivedRoute {
  std::shared_ptr<const wire::PathAttributes> attributes;
  wire::MpNextHop next_hop;
  bool accepted = true;
};

class AdjRibIn {
 public:
  // Withdrawals first, then announcements; treat-as-withdraw withdraws the
  // announced prefixes too. Appends every prefix it touched to `changed`.
  // A path with our AS in it more than `allowas_in` times is a loop: kept
  // but not accepted.
  void apply(const wire::UpdateMessage& update, uint32_t local_as, uint8_t allowas_in,
             std::vector<wire::Prefix>& changed);
  void clear();

  const std::map<wire::Prefix, ReceivedRoute>& routes() const { return routes_; }
  size_t received() const { return routes_.size(); }
  size_t accepted() const { return accepted_; }

 private:
  void withdraw(const std::vector<wire::Nlri>& nlri, std::vector<wire::Prefix>& changed);
  void announce(const std::vector<wire::Nlri>& nlri,
                const std::shared_ptr<const wire::PathAttributes>& attrs,
                const wire::MpNextHop& next_hop, bool accepted, std::vector<wire::Prefix>& changed);

  std::map<wire::Prefix, ReceivedRoute> routes_;
  size_t accepted_ = 0;
};

// True if `asn` appears anywhere in the path (RFC 4271 sec. 9.1.2).
bool path_contains(const wire::AsPath& path, uint32_t asn);
// How many times `asn` appears.
size_t path_count(const wire::AsPath& path, uint32_t asn);

}  // namespace closbgp::rib
