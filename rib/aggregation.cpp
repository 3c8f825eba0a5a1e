#include "rib/aggregation.h"

#include <algorithm>
#include <set>

namespace closbgp::rib {
namespace {

bool inside(const wire::Prefix& agg, const wire::Prefix& p) {
  return p.length() > agg.length() && agg.contains(p);
}

}  // namespace

Aggregation::Aggregation(std::vector<AggregateSpec> specs, uint32_t local_as, uint32_t router_id)
    : local_as_(local_as), router_id_(router_id) {
  // The most specific first: a nested aggregate is a contributor of the
  // one around it and must be up to date before it.
  std::sort(specs.begin(), specs.end(), [](const auto& a, const auto& b) {
    return a.prefix.length() != b.prefix.length() ? a.prefix.length() > b.prefix.length()
                                                  : a.prefix < b.prefix;
  });
  for (auto& s : specs) aggregates_.push_back({std::move(s), {}, nullptr});
}

std::shared_ptr<const wire::PathAttributes> Aggregation::summarize(const LocRib& rib,
                                                                   const State& agg) const {
  const AggregateSpec& spec = agg.spec;
  if (agg.contributors.empty()) return nullptr;
  wire::Origin origin = wire::Origin::Igp;
  std::set<uint32_t> asns, communities;
  for (const auto& prefix : agg.contributors) {
    const auto& a = *rib.find(prefix)->best().attributes;
    origin = std::max(origin, a.origin.value_or(wire::Origin::Incomplete));
    if (!spec.as_set) continue;
    if (a.as_path)
      for (const auto& seg : a.as_path->segments) asns.insert(seg.asns.begin(), seg.asns.end());
    communities.insert(a.communities.begin(), a.communities.end());
  }
  wire::PathAttributes a;
  a.origin = origin;
  a.as_path = wire::AsPath{};
  if (!asns.empty())
    a.as_path->segments.push_back({wire::SegmentType::Set, {asns.begin(), asns.end()}});
  a.communities.assign(communities.begin(), communities.end());
  // Without an AS_SET the path information of the more-specifics is lost.
  a.atomic_aggregate = !spec.as_set;
  a.aggregator = wire::Aggregator{local_as_, router_id_};
  if (spec.route_map) {
    auto verdict = spec.route_map->apply(spec.prefix, a, {});
    if (!verdict.permit) return nullptr;
    if (verdict.changed) a = std::move(*verdict.changed);
  }
  return std::make_shared<const wire::PathAttributes>(std::move(a));
}

void Aggregation::update(LocRib& rib, std::vector<wire::Prefix>& changed) {
  for (auto& agg : aggregates_) {
    const auto& spec = agg.spec;
    bool touched = false;
    for (const auto& p : changed) {
      if (!inside(spec.prefix, p)) continue;
      touched = true;
      if (rib.find(p))
        agg.contributors.insert(p);
      else
        agg.contributors.erase(p);
    }
    if (!touched) continue;
    auto attrs = summarize(rib, agg);
    const bool was_active = agg.attributes != nullptr;
    if (attrs && agg.attributes && *attrs == *agg.attributes) continue;
    agg.attributes = attrs;
    const bool visible =
        attrs ? rib.set(spec.prefix, make_path(attrs)) : rib.remove(spec.prefix, {kLocalSource, 0});
    if (visible) changed.push_back(spec.prefix);
    // Turning a summary-only aggregate on or off changes what its
    // more-specifics' peers should have.
    if (spec.summary_only && was_active != (attrs != nullptr))
      changed.insert(changed.end(), agg.contributors.begin(), agg.contributors.end());
  }
}

bool Aggregation::suppressed(const wire::Prefix& prefix) const {
  return std::any_of(aggregates_.begin(), aggregates_.end(), [&](const State& a) {
    return a.spec.summary_only && a.attributes && inside(a.spec.prefix, prefix);
  });
}

bool Aggregation::discards(const wire::Prefix& prefix) const {
  return std::any_of(aggregates_.begin(), aggregates_.end(), [&](const State& a) {
    return a.spec.discard && a.attributes && a.spec.prefix == prefix;
  });
}

}  // namespace closbgp::rib
