#include "bgpd/bmp/table_sync.h"

#include <algorithm>
#include <span>

namespace closbgp::bmp {

void TableSync::start_step() {
  const Step& s = steps_.front();
  nlri_.clear();
  evpn_.clear();
  next_ = 0;
  started_ = true;
  if (s.view == View::LocRib) {
    nlri_.reserve(rib_.prefixes());
    for (const rib::Table* table : rib_.default_vrf())
      table->loc_rib().entries().for_each([&](const wire::Prefix& p, const rib::LocRib::Entry&) {
        nlri_.push_back({p, 0});
      });
  } else if (const rib::AdjRibIn* in = rib_.adj_rib_in(s.source)) {
    nlri_.reserve(in->received());
    in->for_each_path([&](const wire::Prefix& p, const rib::PathRef& path) {
      nlri_.push_back({p, path->source.path_id});
    });
  }
  if (!s.evpn) return;
  for (const auto& [key, entry] : rib_.evpn().entries())
    if (s.view == View::LocRib ||
        std::ranges::any_of(entry.candidates, [&](const rib::EvpnTable::Candidate& c) {
          return c.path->source.peer_id == s.source;
        }))
      evpn_.push_back(key);
}

void TableSync::next(size_t max_prefixes, size_t max_bytes, std::vector<uint8_t>& out) {
  // Encoded a slice at a time: prefixes that share a path share an UPDATE
  // within a slice, and the byte budget is checked between slices.
  constexpr size_t kSlice = 256;
  size_t taken = 0;
  while (!steps_.empty() && taken < max_prefixes && out.size() < max_bytes) {
    const Step& s = steps_.front();
    if (s.view != View::LocRib && !is_up_(s.source)) {
      steps_.pop_front();
      started_ = false;
      continue;
    }
    if (!started_) start_step();
    size_t n = 0;
    if (next_ < nlri_.size()) {
      n = std::min({kSlice, max_prefixes - taken, nlri_.size() - next_});
      append_routes(rib_, s.view, s.source, s.peer,
                    std::span<const wire::Nlri>(nlri_.data() + next_, n), out, s.withdraw_missing,
                    s.ids);
    } else if (const size_t at = next_ - nlri_.size(); at < evpn_.size()) {
      n = std::min({kSlice, max_prefixes - taken, evpn_.size() - at});
      append_evpn_routes(rib_, s.view, s.source, s.peer,
                         std::span<const rib::EvpnTable::Key>(evpn_.data() + at, n), out,
                         s.withdraw_missing);
    }
    next_ += n;
    taken += n;
    if (next_ < nlri_.size() + evpn_.size()) continue;
    for (auto f : s.end_of_rib) append_end_of_rib(s.peer, f, out);
    steps_.pop_front();
    started_ = false;
    nlri_ = {};
    evpn_ = {};
  }
}

}  // namespace closbgp::bmp
