#include "policy/route_map.h"

#include <algorithm>

#include "bgpd/wire/link_bandwidth.h"

namespace closbgp::policy {

// What an entry matches besides the attributes and the neighbour: a unicast
// prefix, or an EVPN route with the prefix it holds, if any, and its VNI.
struct RouteMap::Subject {
  std::optional<wire::Prefix> prefix;
  const wire::EvpnRoute* evpn = nullptr;
  std::optional<uint32_t> vni;
};

namespace {

bool matches(const Match& m, const RouteMap::Subject& subject, const wire::PathAttributes& a,
             const Neighbor& n) {
  if (m.family && (subject.evpn || subject.prefix->afi() != *m.family)) return false;
  if (m.prefix_list && (!subject.prefix || !m.prefix_list->permits(*subject.prefix))) return false;
  if (m.evpn_route_type && (!subject.evpn || subject.evpn->type != uint8_t(*m.evpn_route_type)))
    return false;
  if (m.evpn_vni && (!subject.evpn || subject.vni != m.evpn_vni)) return false;
  if (m.origin && a.origin.value_or(wire::Origin::Incomplete) != *m.origin) return false;
  if (!m.interface.empty() && n.interface != m.interface) return false;
  if (m.neighbor && n.address != m.neighbor) return false;
  if (m.community && !m.community->permits(a.communities)) return false;
  if (m.large_community && !m.large_community->permits(a.large_communities)) return false;
  if (m.ext_community && !m.ext_community->permits(a.ext_communities)) return false;
  if (m.as_path && !m.as_path->permits(a.as_path ? as_path_text(*a.as_path) : "")) return false;
  return true;
}

}  // namespace

void prepend_as(wire::PathAttributes& a, const std::vector<uint32_t>& asns) {
  if (asns.empty()) return;
  if (!a.as_path) a.as_path = wire::AsPath{};
  auto& segs = a.as_path->segments;
  if (segs.empty() || segs.front().type != wire::SegmentType::Sequence)
    segs.insert(segs.begin(), {wire::SegmentType::Sequence, {}});
  auto& front = segs.front().asns;
  front.insert(front.begin(), asns.begin(), asns.end());
  // A segment holds at most 255 ASes: spill the excess into a new one.
  while (segs.front().asns.size() > 255) {
    std::vector<uint32_t> rest(segs.front().asns.begin() + 255, segs.front().asns.end());
    segs.front().asns.resize(255);
    segs.insert(segs.begin() + 1, {wire::SegmentType::Sequence, std::move(rest)});
  }
}

namespace {

// The link bandwidth (bytes per second) `s` gives a route sent from
// `multipath`; 0: none (its set is unknown, or not every path has one).
float bandwidth_from(const Set& s, const Multipath* multipath) {
  constexpr float kOneMbps = 1e6f / 8;  // FRR's reference bandwidth
  if (!multipath) return 0;
  return s.bandwidth_from == BandwidthFrom::NumMultipaths ? float(multipath->paths) * kOneMbps
                                                          : multipath->bandwidth;
}

void apply_set(const Set& s, wire::PathAttributes& a, const Multipath* multipath) {
  if (s.local_pref) a.local_pref = s.local_pref;
  if (s.med) a.med = s.med;
  if (s.origin) a.origin = s.origin;
  s.communities.apply(a.communities);
  s.large_communities.apply(a.large_communities);
  s.ext_communities.apply(a.ext_communities);
  if (s.link_bandwidth) {
    std::erase_if(a.ext_communities, wire::is_link_bandwidth);
    a.ext_communities.push_back(*s.link_bandwidth);
  } else if (s.bandwidth_from != BandwidthFrom::Fixed) {
    // As FRR: without a value to give, the route keeps what it has.
    if (const float bw = bandwidth_from(s, multipath); bw > 0) {
      std::erase_if(a.ext_communities, wire::is_link_bandwidth);
      a.ext_communities.push_back(wire::link_bandwidth_community(s.bandwidth_as, bw));
    }
  }
  if (s.prepend_last_as && a.as_path && !a.as_path->segments.empty() &&
      !a.as_path->segments.front().asns.empty() &&
      a.as_path->segments.front().type == wire::SegmentType::Sequence)
    prepend_as(a,
               std::vector<uint32_t>(s.prepend_last_as, a.as_path->segments.front().asns.front()));
  prepend_as(a, s.prepend);
}

}  // namespace

template <class T>
void CommunityEdit<T>::apply(std::vector<T>& values) const {
  if (replace) values = *replace;
  if (remove) std::erase_if(values, [&](const T& v) { return remove->permits_value(v); });
  for (const T& v : add)
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
}
template struct CommunityEdit<uint32_t>;
template struct CommunityEdit<wire::LargeCommunity>;
template struct CommunityEdit<uint64_t>;

bool Set::empty() const {
  return !local_pref && !med && !origin && communities.empty() && large_communities.empty() &&
         ext_communities.empty() && !link_bandwidth && bandwidth_from == BandwidthFrom::Fixed &&
         prepend.empty() && prepend_last_as == 0;
}

RouteMap::RouteMap(std::vector<RouteMapEntry> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end(),
            [](const auto& x, const auto& y) { return x.seq < y.seq; });
  matches_prefix_ = std::any_of(entries_.begin(), entries_.end(), [](const auto& e) {
    return e.match.prefix_list || e.match.family || e.match.evpn_route_type || e.match.evpn_vni;
  });
  matches_neighbor_ = std::any_of(entries_.begin(), entries_.end(), [](const auto& e) {
    return !e.match.interface.empty() || e.match.neighbor;
  });
  uses_multipath_ = std::any_of(entries_.begin(), entries_.end(), [](const auto& e) {
    return e.set.bandwidth_from != BandwidthFrom::Fixed;
  });
}

Verdict RouteMap::apply(const wire::Prefix& prefix, const wire::PathAttributes& attributes,
                        const Neighbor& neighbor, const Multipath* multipath) const {
  return evaluate({prefix, nullptr, std::nullopt}, attributes, neighbor, multipath);
}

Verdict RouteMap::apply_evpn(const wire::EvpnRoute& route, const wire::PathAttributes& attributes,
                             const Neighbor& neighbor) const {
  Subject subject{std::nullopt, &route, std::nullopt};
  if (route.ip && route.type == uint8_t(wire::EvpnType::IpPrefix))
    subject.prefix = wire::Prefix(*route.ip, route.prefix_length);
  else if (route.ip && route.type == uint8_t(wire::EvpnType::MacIp))
    subject.prefix = wire::Prefix(*route.ip, wire::max_prefix_length(route.ip->afi()));
  subject.vni = route.labels.empty() ? wire::pmsi_vni(attributes.unknown)
                                     : std::optional(route.labels.front());
  return evaluate(subject, attributes, neighbor, nullptr);
}

Verdict RouteMap::evaluate(const Subject& subject, const wire::PathAttributes& attributes,
                           const Neighbor& neighbor, const Multipath* multipath) const {
  Verdict v;
  for (size_t i = 0; i < entries_.size();) {
    const RouteMapEntry& e = entries_[i];
    const wire::PathAttributes& current = v.changed ? *v.changed : attributes;
    if (!matches(e.match, subject, current, neighbor)) {
      ++i;
      continue;
    }
    if (e.action == Action::Deny) return {};
    v.permit = true;
    if (!e.set.empty()) {
      if (!v.changed) v.changed = attributes;
      apply_set(e.set, *v.changed, multipath);
    }
    if (!e.continue_to) return v;
    // Continue targets lie after the entry (checked when loaded).
    const uint32_t target = *e.continue_to ? *e.continue_to : e.seq + 1;
    i = size_t(std::lower_bound(entries_.begin(), entries_.end(), target,
                                [](const auto& x, uint32_t s) { return x.seq < s; }) -
               entries_.begin());
  }
  return v;
}

}  // namespace closbgp::policy
