#include "rib/evpn_rejections.h"

#include <utility>

namespace closbgp::rib {

void EvpnRejections::add(uint32_t peer_id, const EvpnTable::Key& key, std::string why) {
  ++total_;
  if (pending_.first.size() >= kKept) {
    ++pending_.more;
    return;
  }
  const wire::EvpnRoute route = EvpnTable::route_of(key);
  pending_.first.push_back(
      {peer_id, route.rd.to_string() + ":" + wire::evpn_route_text(route), std::move(why)});
}

EvpnRejections::Taken EvpnRejections::take() {
  return std::exchange(pending_, {});
}

}  // namespace closbgp::rib
