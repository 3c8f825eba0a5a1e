#include "rib/best_path.h"

#include <algorithm>

#include "bgpd/wire/link_bandwidth.h"
#include "rib/adj_rib_in.h"

namespace closbgp::rib {

namespace {

PathRank rank_of(const wire::PathAttributes& a, const PathSource& source) {
  PathRank r;
  if (std::find(a.communities.begin(), a.communities.end(), wire::kGracefulShutdown) !=
      a.communities.end())
    r.local_pref = 0;
  else
    r.local_pref = a.local_pref.value_or(kDefaultLocalPref);
  if (a.as_path) {
    r.as_path_length = uint32_t(a.as_path->length());
    for (const auto& seg : a.as_path->segments)
      if (seg.type == wire::SegmentType::Sequence && !seg.asns.empty()) {
        r.neighbor_as = seg.asns.front();
        break;
      }
  }
  r.origin = uint32_t(a.origin.value_or(wire::Origin::Incomplete));
  r.med = a.med.value_or(0);
  r.router_id = a.originator_id.value_or(source.peer_router_id);
  r.cluster_list_length = uint32_t(a.cluster_list.size());
  r.llgr_stale = std::ranges::find(a.communities, wire::kLlgrStale) != a.communities.end();
  return r;
}

template <typename T>
int lower_wins(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// The steps that must all be equal for multipath, in order.
int compare_up_to_ebgp(const Path& a, const Path& b, const SelectionOptions& o) {
  const bool a_local = a.source.peer_id == kLocalSource, b_local = b.source.peer_id == kLocalSource;
  if (a_local != b_local) return a_local ? -1 : 1;
  const PathRank &x = a.rank, &y = b.rank;
  if (x.llgr_stale != y.llgr_stale) return x.llgr_stale ? 1 : -1;  // RFC 9494 sec. 4.3
  if (int c = lower_wins(y.local_pref, x.local_pref)) return c;    // higher wins
  if (int c = lower_wins(x.as_path_length, y.as_path_length)) return c;
  if (int c = lower_wins(x.origin, y.origin)) return c;
  if (o.always_compare_med || x.neighbor_as == y.neighbor_as) {
    if (int c = lower_wins(x.med, y.med)) return c;
  }
  if (a.source.ebgp != b.source.ebgp) return a.source.ebgp ? -1 : 1;
  return 0;
}

// The final tie-breakers: a total order on their own.
int compare_tiebreak(const Path& a, const Path& b) {
  if (int c = lower_wins(a.rank.router_id, b.rank.router_id)) return c;
  if (int c = lower_wins(a.rank.cluster_list_length, b.rank.cluster_list_length)) return c;
  if (int c = lower_wins(a.source.peer_address, b.source.peer_address)) return c;
  if (int c = lower_wins(a.source.peer_id, b.source.peer_id)) return c;
  return lower_wins(a.source.path_id, b.source.path_id);
}

}  // namespace

Path::Path(std::shared_ptr<const wire::PathAttributes> a, wire::MpNextHop nh, PathSource s, bool ok)
    : attributes(std::move(a)),
      next_hop(nh),
      source(s),
      accepted(ok),
      rank(rank_of(*attributes, source)),
      link_bandwidth(wire::link_bandwidth(attributes->ext_communities)) {}

int compare(const Path& a, const Path& b, const SelectionOptions& o) {
  if (int c = compare_up_to_ebgp(a, b, o)) return c;
  return compare_tiebreak(a, b);
}

bool multipath_equal(const Path& best, const Path& p, const SelectionOptions& o) {
  if (compare_up_to_ebgp(best, p, o) != 0) return false;
  if (!o.as_path_relax) return best.attributes->as_path == p.attributes->as_path;
  return true;
}

void select(std::span<const PathRef> candidates, const SelectionOptions& o,
            std::vector<uint16_t>& multipath) {
  size_t best = 0;
  for (size_t i = 1; i < candidates.size(); ++i)
    if (compare(*candidates[i], *candidates[best], o) < 0) best = i;
  multipath.assign(1, uint16_t(best));
  if (!o.multipath) return;
  for (size_t i = 0; i < candidates.size() && multipath.size() < o.max_paths; ++i)
    if (i != best && multipath_equal(*candidates[best], *candidates[i], o))
      multipath.push_back(uint16_t(i));
}

}  // namespace closbgp::rib
