#include "rib/adj_rib_in.h"

#include <algorithm>

namespace closbgp::rib {

bool path_contains(const wire::AsPath& path, uint32_t asn) {
  return std::any_of(path.segments.begin(), path.segments.end(), [asn](const auto& seg) {
    return std::find(seg.asns.begin(), seg.asns.end(), asn) != seg.asns.end();
  });
}

size_t AdjRibIn::withdraw(const std::vector<wire::Nlri>& nlri) {
  size_t changed = 0;
  for (const auto& n : nlri) {
    auto it = routes_.find(n.prefix);
    if (it == routes_.end()) continue;
    if (it->second.accepted) --accepted_;
    routes_.erase(it);
    ++changed;
  }
  return changed;
}

size_t AdjRibIn::announce(const std::vector<wire::Nlri>& nlri,
                          const std::shared_ptr<const wire::PathAttributes>& attrs,
                          const wire::MpNextHop& next_hop, bool accepted) {
  for (const auto& n : nlri) {
    auto [it, inserted] = routes_.try_emplace(n.prefix);
    if (!inserted && it->second.accepted) --accepted_;
    it->second = ReceivedRoute{attrs, next_hop, accepted};
    if (accepted) ++accepted_;
  }
  return nlri.size();
}

size_t AdjRibIn::apply(const wire::UpdateMessage& u, uint32_t local_as) {
  size_t changed = withdraw(u.withdrawn);
  if (u.mp_unreach) changed += withdraw(u.mp_unreach->withdrawn);
  if (u.action == wire::AttrAction::TreatAsWithdraw) {
    changed += withdraw(u.nlri);
    if (u.mp_reach) changed += withdraw(u.mp_reach->nlri);
    return changed;
  }
  if (u.nlri.empty() && !u.mp_reach) return changed;
  const bool accepted = !(u.attributes.as_path && path_contains(*u.attributes.as_path, local_as));
  auto attrs = std::make_shared<const wire::PathAttributes>(u.attributes);
  if (!u.nlri.empty() && u.attributes.next_hop)
    changed += announce(u.nlri, attrs, wire::MpNextHop{*u.attributes.next_hop, {}}, accepted);
  if (u.mp_reach) changed += announce(u.mp_reach->nlri, attrs, u.mp_reach->next_hop, accepted);
  return changed;
}

void AdjRibIn::clear() {
  routes_.clear();
  accepted_ = 0;
}

}  // namespace closbgp::rib
