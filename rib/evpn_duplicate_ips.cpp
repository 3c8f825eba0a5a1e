#include "rib/evpn_duplicate_ips.h"

#include <algorithm>

namespace closbgp::rib {

void EvpnDuplicateIps::check(const IpKey& k, const Claims& claims) {
  const bool now =
      std::ranges::any_of(claims, [&](const Claim& c) { return c.mac != claims.front().mac; });
  if (now == duplicates_.contains(k)) return;
  if (now) {
    duplicates_.insert(k);
    changes_.push_back({k, {claims.begin(), claims.end()}});
  } else {
    duplicates_.erase(k);
    changes_.push_back({k, {}});
  }
}

}  // namespace closbgp::rib
