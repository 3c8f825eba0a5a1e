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
    prefixes_.reserve(rib_.prefixes());
    for (const rib::Table* table : rib_.default_vrf())
      table->loc_rib().entries().for_each(
          [&](const wire::Prefix& p, const rib::LocRib::Entry&) { prefixes_.push_back(p); });
  } else if (const rib::AdjRibIn* in = rib_.adj_rib_in(s.source)) {
    prefixes_.reserve(in->received());
    in->routes().for_each(
        [&](const wire::Prefix& p, const rib::ReceivedPaths&) { prefixes_.push_back(p); });
  }
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
    const size_t n = std::min({kSlice, max_prefixes - taken, prefixes_.size() - next_});
    append_routes(rib_, s.view, s.source, s.peer,
                  std::span<const wire::Prefix>(prefixes_.data() + next_, n), out,
                  s.withdraw_missing);
    next_ += n;
    taken += n;
    if (next_ < prefixes_.size()) continue;
    for (auto f : s.end_of_rib) append_end_of_rib(s.peer, f, out);
    steps_.pop_front();
    started_ = false;
    prefixes_ = {};
  }
}

}  // namespace closbgp::bmp
