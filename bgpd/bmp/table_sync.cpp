#include "bgpd/bmp/table_sync.h"

#include <algorithm>
#include <span>

namespace closbgp::bmp {

void TableSync::start_step() {
  const Step& s = steps_.front();
  prefixes_.clear();
  next_ = 0;
  started_ = true;
  if (s.view == View::LocRib) {
    prefixes_.reserve(rib_.loc_rib().size());
    rib_.loc_rib().entries().for_each(
        [&](const wire::Prefix& p, const rib::LocRib::Entry&) { prefixes_.push_back(p); });
  } else if (const rib::AdjRibIn* in = rib_.adj_rib_in(s.source)) {
    prefixes_.reserve(in->received());
    in->routes().for_each(
        [&](const wire::Prefix& p, const rib::PathRef&) { prefixes_.push_back(p); });
  }
}

void TableSync::next(size_t max_prefixes, std::vector<uint8_t>& out) {
  while (!steps_.empty()) {
    const Step& s = steps_.front();
    if (s.view != View::LocRib && !is_up_(s.source)) {
      steps_.pop_front();
      started_ = false;
      continue;
    }
    if (!started_) start_step();
    const size_t end = std::min(prefixes_.size(), next_ + max_prefixes);
    std::span<const wire::Prefix> batch(prefixes_.data() + next_, end - next_);
    append_routes(rib_, s.view, s.source, s.peer, batch, out, s.withdraw_missing);
    next_ = end;
    if (next_ < prefixes_.size()) return;
    for (auto f : s.end_of_rib) append_end_of_rib(s.peer, f, out);
    steps_.pop_front();
    started_ = false;
    prefixes_ = {};
    return;
  }
}

}  // namespace closbgp::bmp
