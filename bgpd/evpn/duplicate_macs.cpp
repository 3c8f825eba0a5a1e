#include "bgpd/evpn/duplicate_macs.h"

namespace closbgp::evpn {

bool DuplicateMacs::moved(const Key& k, Time now) {
  Record& r = records_[k];
  if (r.frozen_until) return false;  // already a duplicate
  while (!r.moves.empty() && now - r.moves.front() > window_) r.moves.pop_front();
  r.moves.push_back(now);
  if (r.moves.size() < max_moves_) return false;
  r.frozen_until = permanent() ? Time::max() : now + freeze_;
  r.moves.clear();
  return true;
}

std::vector<DuplicateMacs::Key> DuplicateMacs::clear(std::optional<uint32_t> vni,
                                                     std::optional<wire::MacAddress> mac) {
  std::vector<Key> out;
  std::erase_if(records_, [&](const auto& kv) {
    const auto& [key, r] = kv;
    if ((vni && key.first != *vni) || (mac && key.second != *mac)) return false;
    if (r.frozen_until) out.push_back(key);
    return true;
  });
  return out;
}

std::vector<DuplicateMacs::Key> DuplicateMacs::thaw(Time now) {
  std::vector<Key> out;
  for (auto it = records_.begin(); it != records_.end();) {
    const auto next = std::next(it);
    const Record& r = it->second;
    if (r.frozen_until && *r.frozen_until <= now) {
      out.push_back(it->first);
      records_.erase(it);
    } else if (!r.frozen_until && (r.moves.empty() || now - r.moves.back() > window_)) {
      records_.erase(it);  // nothing within the window: forgotten
    }
    it = next;
  }
  return out;
}

std::optional<DuplicateMacs::Time> DuplicateMacs::next_thaw() const {
  std::optional<Time> first;
  for (const auto& [k, r] : records_)
    if (r.frozen_until && *r.frozen_until != Time::max() && (!first || *r.frozen_until < *first))
      first = r.frozen_until;
  return first;
}

}  // namespace closbgp::evpn
