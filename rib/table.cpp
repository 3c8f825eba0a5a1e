#include "rib/table.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace closbgp::rib {
namespace {

// Weighted ECMP: when every member of a set has a link bandwidth, each
// weighs its share of their sum in hundredths (at least 1), as FRR does,
// then divided by their greatest common divisor: 75/25 is written 3/1, and
// equal bandwidths make a plain ECMP set, shared with the unweighted one.
// A member without a bandwidth makes the set an equal one (a path that says
// nothing of its capacity gives no ground to weigh the others against it).
void weigh(NextHopSet& set, std::span<const float> bandwidths) {
  if (set.size() < 2 || std::ranges::find(bandwidths, 0.0f) != bandwidths.end()) return;
  double total = 0;
  for (float bw : bandwidths) total += bw;
  uint16_t divisor = 0;
  for (size_t i = 0; i < set.size(); ++i) {
    const long share = std::lround(double(bandwidths[i]) * kMaxWeight / total);
    set[i].weight = uint16_t(std::clamp<long>(share, 1, kMaxWeight));
    divisor = std::gcd(divisor, set[i].weight);
  }
  for (auto& nh : set) nh.weight /= divisor;
}

// A resolved path's link bandwidth is spread over the hops its next hop
// resolves to, as their own weights share them; a hop that several paths
// resolve to adds up its shares. `bandwidths[i]`: the share of `set[i]`;
// all 0 when some path has no bandwidth (weigh() then leaves the weights
// the resolving routes gave).
void resolved_shares(const LocRib::Entry& e, const NextHopTracker& next_hops, const NextHopSet& set,
                     std::vector<float>& bandwidths) {
  bandwidths.assign(set.size(), 0.0f);
  NextHopSet hops;
  for (uint16_t i : e.multipath()) {
    const Path& path = e.path(i);
    if (path.link_bandwidth <= 0) return bandwidths.assign(set.size(), 0.0f);
    hops.clear();
    next_hops.append_hops(path, hops);
    double total = 0;
    for (const auto& h : hops) total += h.weight;
    for (const auto& h : hops) {
      const auto at = std::ranges::find_if(
          set, [&](const NextHop& s) { return s.ifindex == h.ifindex && s.gateway == h.gateway; });
      if (at != set.end())
        bandwidths[size_t(at - set.begin())] += float(path.link_bandwidth * h.weight / total);
    }
  }
}

}  // namespace

std::string to_string(const TableId& id) {
  return id.vrf + " " + std::string(wire::family_name(id.family));
}

TableId default_table(wire::Afi afi) {
  return TableId{std::string(kDefaultVrf), wire::family_of(afi)};
}

Table::Table(TableId id, const SelectionOptions& selection, std::vector<AggregateSpec> aggregates,
             uint32_t local_as, uint32_t router_id)
    : id_(std::move(id)),
      loc_rib_(selection),
      aggregation_(std::move(aggregates), local_as, router_id) {}

std::vector<wire::Prefix> Table::take_changes() {
  std::vector<wire::Prefix> changed = pending_.take_keys();
  const size_t before = changed.size();
  aggregation_.update(loc_rib_, changed);
  if (changed.size() != before) {  // it may add prefixes already there
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  }
  return changed;
}

void Table::set_aggregates(std::vector<AggregateSpec> specs, uint32_t local_as,
                           uint32_t router_id) {
  aggregation_ = Aggregation(std::move(specs), local_as, router_id);
  for (const auto& p : loc_rib_.entries().keys()) mark(p);
}

// Originated prefixes are not installed (they are the node's own) except
// an active aggregate's discard. A path goes to its neighbour on its link,
// or (with `next_hops`, the default VRF's) where its next hop resolves to.
RouteUpdate Table::fib_update(std::span<const wire::Prefix> prefixes,
                              const NextHopTracker* next_hops) const {
  RouteUpdateBuilder u;
  NextHopSet set;  // reused: only a new set is copied, into the update
  std::vector<float> bandwidths;
  for (const auto& prefix : prefixes) {
    set.clear();
    const auto* e = loc_rib_.find(prefix);
    if (e && e->best().source.peer_id == kLocalSource) {
      if (aggregation_.discards(prefix)) set.push_back(discard_next_hop(prefix.afi()));
    } else if (e) {
      bandwidths.clear();
      bool all_direct = true;
      for (uint16_t i : e->multipath()) {
        const Path& path = e->path(i);
        if (NextHopTracker::direct(path)) {
          set.push_back(NextHopTracker::direct_hop(path));
          bandwidths.push_back(path.link_bandwidth);
        } else {
          all_direct = false;
          if (next_hops) next_hops->append_hops(path, set);
        }
      }
      if (!all_direct && next_hops && set.size() > 1)
        resolved_shares(*e, *next_hops, set, bandwidths);
      if (all_direct || (next_hops && set.size() > 1)) weigh(set, bandwidths);
    }
    if (set.empty())
      u.remove(prefix);
    else
      u.upsert(prefix, set);
  }
  return u.take();
}

void Table::hold(std::span<const wire::Prefix> prefixes, uint64_t sequence) {
  for (const auto& prefix : prefixes) *awaiting_install_.try_emplace(prefix).first = sequence;
}

bool Table::installed(const wire::Prefix& prefix, uint64_t through) {
  const uint64_t* waiting = awaiting_install_.find(prefix);
  if (!waiting || *waiting > through) return false;
  awaiting_install_.erase(prefix);
  return true;
}

std::vector<wire::Prefix> Table::exportable_keys() const {
  std::vector<wire::Prefix> keys = loc_rib_.entries().keys();
  if (!awaiting_install_.empty())
    std::erase_if(keys, [&](const wire::Prefix& p) { return held(p); });
  return keys;
}

}  // namespace closbgp::rib
