#include "rib/evpn_duplicate_ips.h"

#include <ranges>

namespace closbgp::rib {

void EvpnDuplicateIps::check(const IpKey& k, const std::optional<wire::MacAddress>& local,
                             EvpnImport::IpClaims remote) {
  const auto host = [](const EvpnImport::Imported* c) { return !c->second.gateway; };
  // Most addresses have one MAC and no conflict to end: nothing to build.
  const wire::MacAddress* first = local ? &*local : nullptr;
  bool differ = false;
  for (const auto* c : remote | std::views::filter(host)) {
    const wire::MacAddress& mac = *c->second.mac;  // a MAC/IP route's
    if (!first) first = &mac;
    differ = differ || mac != *first;
  }
  if (differ == duplicates_.contains(k)) return;
  if (!differ) {
    duplicates_.erase(k);
    changes_.push_back({k, {}});
    return;
  }
  duplicates_.insert(k);
  Change found{k, {}};
  if (local) found.claims.push_back({*local, std::nullopt});
  for (const auto* c : remote | std::views::filter(host))
    found.claims.push_back({*c->second.mac, c->second.vtep});
  changes_.push_back(std::move(found));
}

}  // namespace closbgp::rib
