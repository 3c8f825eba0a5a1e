#include "rib/best_path.h"

#include <algorithm>

#include "rib/adj_rib_in.h"

namespace closbgp::rib {

uint32_t Path::local_pref() const {
  const auto& c = attributes->communities;
  if (std::find(c.begin(), c.end(), wire::kGracefulShutdown) != c.end()) return 0;
  return attributes->local_pref.value_or(kDefaultLocalPref);
}

uint32_t Path::neighbor_as() const {
  const auto& p = attributes->as_path;
  if (!p) return 0;
  for (const auto& seg : p->segments)
    if (seg.type == wire::SegmentType::Sequence && !seg.asns.empty()) return seg.asns.front();
  return 0;
}

size_t Path::as_path_length() const {
  return attributes->as_path ? attributes->as_path->length() : 0;
}

namespace {

template <typename T>
int lower_wins(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

uint32_t origin_rank(const Path& p) {
  return p.attributes->origin ? uint32_t(*p.attributes->origin)
                              : uint32_t(wire::Origin::Incomplete);
}

uint32_t router_id(const Path& p) {
  return p.attributes->originator_id.value_or(p.source.peer_router_id);
}

// The steps that must all be equal for multipath, in order.
int compare_up_to_ebgp(const Path& a, const Path& b, const SelectionOptions& o) {
  const bool a_local = a.source.peer_id == kLocalSource, b_local = b.source.peer_id == kLocalSource;
  if (a_local != b_local) return a_local ? -1 : 1;
  if (int c = lower_wins(b.local_pref(), a.local_pref())) return c;  // higher wins
  if (int c = lower_wins(a.as_path_length(), b.as_path_length())) return c;
  if (int c = lower_wins(origin_rank(a), origin_rank(b))) return c;
  if (o.always_compare_med || a.neighbor_as() == b.neighbor_as()) {
    if (int c = lower_wins(a.attributes->med.value_or(0), b.attributes->med.value_or(0))) return c;
  }
  if (a.source.ebgp != b.source.ebgp) return a.source.ebgp ? -1 : 1;
  return 0;
}

// The final tie-breakers: a total order on their own.
int compare_tiebreak(const Path& a, const Path& b) {
  if (int c = lower_wins(router_id(a), router_id(b))) return c;
  if (int c = lower_wins(a.attributes->cluster_list.size(), b.attributes->cluster_list.size()))
    return c;
  if (int c = lower_wins(a.source.peer_address, b.source.peer_address)) return c;
  return lower_wins(a.source.peer_id, b.source.peer_id);
}

}  // namespace

int compare(const Path& a, const Path& b, const SelectionOptions& o) {
  if (int c = compare_up_to_ebgp(a, b, o)) return c;
  return compare_tiebreak(a, b);
}

bool multipath_equal(const Path& best, const Path& p, const SelectionOptions& o) {
  if (compare_up_to_ebgp(best, p, o) != 0) return false;
  if (!o.as_path_relax) return best.attributes->as_path == p.attributes->as_path;
  return true;
}

Selection select(std::span<const PathRef> candidates, const SelectionOptions& o) {
  Selection s;
  for (size_t i = 1; i < candidates.size(); ++i)
    if (compare(*candidates[i], *candidates[s.best], o) < 0) s.best = i;
  s.multipath.push_back(s.best);
  if (!o.multipath) return s;
  for (size_t i = 0; i < candidates.size() && s.multipath.size() < o.max_paths; ++i)
    if (i != s.best && multipath_equal(*candidates[s.best], *candidates[i], o))
      s.multipath.push_back(i);
  // The rest of the set in a stable order, so the FIB sees the same list for
  // the same paths. Members tie up to eBGP/iBGP already; the tie-breakers
  // that follow are transitive, unlike MED.
  std::sort(s.multipath.begin() + 1, s.multipath.end(), [&](size_t x, size_t y) {
    return compare_tiebreak(*candidates[x], *candidates[y]) < 0;
  });
  return s;
}

}  // namespace closbgp::rib
