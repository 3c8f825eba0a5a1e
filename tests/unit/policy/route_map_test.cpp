// Route-map semantics: first match, implicit deny, continue, sets.
#include <gtest/gtest.h>

#include "bgpd/wire/link_bandwidth.h"
#include "policy/route_map.h"

namespace closbgp::policy {
namespace {

wire::Prefix P(const char* s) {
  return *wire::Prefix::parse(s);
}

wire::PathAttributes attrs(std::vector<uint32_t> path, std::vector<uint32_t> communities = {}) {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{{{wire::SegmentType::Sequence, std::move(path)}}};
  a.communities = std::move(communities);
  return a;
}

std::shared_ptr<const PrefixList> loopbacks() {
  auto l = std::make_shared<PrefixList>();
  l->entries.push_back(*make_prefix_list_entry(Action::Permit, P("10.0.0.0/24"), 32, {}));
  return l;
}

RouteMapEntry entry(uint32_t seq, Action a) {
  RouteMapEntry e;
  e.seq = seq;
  e.action = a;
  return e;
}

TEST(RouteMap, FirstMatchingEntryDecidesAndTheEndDenies) {
  auto deny_loopbacks = entry(10, Action::Deny);
  deny_loopbacks.match.prefix_list = loopbacks();
  auto permit_rest = entry(20, Action::Permit);
  permit_rest.match.family = wire::Afi::Ipv4;
  const RouteMap m({permit_rest, deny_loopbacks});  // sorted by seq
  EXPECT_TRUE(m.matches_prefix());
  EXPECT_FALSE(m.apply(P("10.0.0.7/32"), attrs({1}), {}).permit);
  const auto v = m.apply(P("10.1.0.0/24"), attrs({1}), {});
  EXPECT_TRUE(v.permit);
  EXPECT_FALSE(v.changed);  // nothing set: the interned copy stays in use
  EXPECT_FALSE(m.apply(P("2001:db8::/64"), attrs({1}), {}).permit);  // implicit deny
  EXPECT_FALSE(RouteMap({}).apply(P("10.1.0.0/24"), attrs({1}), {}).permit);
}

TEST(RouteMap, SetsLocalPrefMedOriginAndPrepends) {
  auto e = entry(10, Action::Permit);
  e.set.local_pref = 200;
  e.set.med = 7;
  e.set.origin = wire::Origin::Incomplete;
  e.set.prepend = {65101, 65101};
  const RouteMap m({e});
  EXPECT_FALSE(m.matches_prefix());
  const auto v = m.apply(P("10.1.0.0/24"), attrs({65000}), {});
  ASSERT_TRUE(v.permit && v.changed);
  EXPECT_EQ(v.changed->local_pref, 200u);
  EXPECT_EQ(v.changed->med, 7u);
  EXPECT_EQ(v.changed->origin, wire::Origin::Incomplete);
  EXPECT_EQ(v.changed->as_path->segments[0].asns, (std::vector<uint32_t>{65101, 65101, 65000}));
}

TEST(RouteMap, PrependLastAsRepeatsTheNeighbourAs) {
  auto e = entry(10, Action::Permit);
  e.set.prepend_last_as = 2;
  const auto v = RouteMap({e}).apply(P("10.1.0.0/24"), attrs({65000, 65003}), {});
  EXPECT_EQ(v.changed->as_path->segments[0].asns,
            (std::vector<uint32_t>{65000, 65000, 65000, 65003}));
}

TEST(RouteMap, PrependSpillsPastTheSegmentLimit) {
  wire::PathAttributes a = attrs(std::vector<uint32_t>(250, 1));
  prepend_as(a, std::vector<uint32_t>(10, 2));
  ASSERT_EQ(a.as_path->segments.size(), 2u);
  EXPECT_EQ(a.as_path->segments[0].asns.size(), 255u);
  EXPECT_EQ(a.as_path->segments[1].asns.size(), 5u);
  EXPECT_EQ(a.as_path->length(), 260u);
}

TEST(RouteMap, ContinueAppliesLaterEntriesOnTheChangedRoute) {
  auto tag = entry(10, Action::Permit);
  tag.set.communities.add = {100};
  tag.continue_to = 0;  // the next entry
  auto skip = entry(20, Action::Permit);
  skip.set.med = 1;
  skip.match.interface = "swp9";
  auto by_tag = entry(30, Action::Permit);
  auto tagged = std::make_shared<CommunityList>();
  tagged->entries.push_back({Action::Permit, {100}});
  by_tag.match.community = tagged;  // sees the community entry 10 added
  by_tag.set.local_pref = 50;
  const RouteMap m({tag, skip, by_tag});
  const auto v = m.apply(P("10.1.0.0/24"), attrs({1}), {"swp1", {}});
  ASSERT_TRUE(v.permit && v.changed);
  EXPECT_EQ(v.changed->communities, std::vector<uint32_t>{100});
  EXPECT_EQ(v.changed->local_pref, 50u);
  EXPECT_FALSE(v.changed->med);
}

TEST(RouteMap, ContinueToASequenceAndADenyAfterIt) {
  auto first = entry(10, Action::Permit);
  first.set.med = 5;
  first.continue_to = 30;
  auto skipped = entry(20, Action::Permit);
  skipped.set.local_pref = 1;
  auto deny_loopbacks = entry(30, Action::Deny);
  deny_loopbacks.match.prefix_list = loopbacks();
  const RouteMap m({first, skipped, deny_loopbacks});
  EXPECT_FALSE(m.apply(P("10.0.0.1/32"), attrs({1}), {}).permit);  // a later deny still rejects
  const auto v = m.apply(P("10.9.0.0/24"), attrs({1}), {});
  ASSERT_TRUE(v.permit);  // no later match: the earlier permit stands
  EXPECT_EQ(v.changed->med, 5u);
  EXPECT_FALSE(v.changed->local_pref);  // entry 20 was jumped over
}

TEST(RouteMap, MatchesNeighbourOriginAndCommunities) {
  auto e = entry(10, Action::Permit);
  e.match.neighbor = wire::IpAddress::parse("192.0.2.1");
  e.match.origin = wire::Origin::Igp;
  const RouteMap m({e});
  EXPECT_TRUE(
      m.apply(P("10.1.0.0/24"), attrs({1}), {"", wire::IpAddress::parse("192.0.2.1")}).permit);
  EXPECT_FALSE(
      m.apply(P("10.1.0.0/24"), attrs({1}), {"", wire::IpAddress::parse("192.0.2.2")}).permit);
  auto a = attrs({1});
  a.origin = wire::Origin::Egp;
  EXPECT_FALSE(m.apply(P("10.1.0.0/24"), a, {"", wire::IpAddress::parse("192.0.2.1")}).permit);
}

TEST(RouteMap, CommunityEdits) {
  auto drop = std::make_shared<CommunityList>();
  drop->entries.push_back({Action::Permit, {1}});
  drop->entries.push_back({Action::Permit, {2}});
  CommunityEdit<uint32_t> del{std::nullopt, drop, {9}};
  std::vector<uint32_t> v{1, 2, 3};
  del.apply(v);
  EXPECT_EQ(v, (std::vector<uint32_t>{3, 9}));
  del.apply(v);  // adding what is there changes nothing
  EXPECT_EQ(v, (std::vector<uint32_t>{3, 9}));
  CommunityEdit<uint32_t> replace{std::vector<uint32_t>{7}, nullptr, {}};
  replace.apply(v);
  EXPECT_EQ(v, std::vector<uint32_t>{7});
  CommunityEdit<wire::LargeCommunity> large{std::nullopt, nullptr, {{1, 2, 3}}};
  std::vector<wire::LargeCommunity> lv;
  large.apply(lv);
  EXPECT_EQ(lv.size(), 1u);
}

TEST(RouteMap, LinkBandwidthReplacesTheRoutesOwn) {
  auto e = entry(10, Action::Permit);
  const uint64_t ours = wire::link_bandwidth_community(65000, 1.25e9f);
  e.set.link_bandwidth = ours;
  RouteMap m({e});
  auto a = attrs({65001});
  a.ext_communities = {0x0002FDE800000064u, wire::link_bandwidth_community(65001, 1e6f)};
  const auto v = m.apply(P("10.0.0.0/24"), a, {});
  ASSERT_TRUE(v.permit && v.changed);
  EXPECT_EQ(v.changed->ext_communities, (std::vector<uint64_t>{0x0002FDE800000064u, ours}));
}

TEST(RouteMap, LinkBandwidthFromTheEcmpSetTheRouteIsSentFrom) {
  auto cumulative = entry(10, Action::Permit);
  cumulative.set.bandwidth_from = BandwidthFrom::Cumulative;
  cumulative.set.bandwidth_as = 65000;
  auto per_path = entry(10, Action::Permit);
  per_path.set.bandwidth_from = BandwidthFrom::NumMultipaths;
  per_path.set.bandwidth_as = 65000;
  const RouteMap sum({cumulative}), count({per_path}), fixed({entry(10, Action::Permit)});
  EXPECT_TRUE(sum.uses_multipath() && count.uses_multipath());
  EXPECT_FALSE(fixed.uses_multipath());
  auto a = attrs({65001});
  const uint64_t received = wire::link_bandwidth_community(65001, 25e6f);
  a.ext_communities = {received};
  auto sent = [&](const RouteMap& m, const Multipath* multipath) {
    const auto v = m.apply(P("10.0.0.0/24"), a, {}, multipath);
    EXPECT_TRUE(v.permit);
    return v.changed ? v.changed->ext_communities : a.ext_communities;
  };
  // 300 Mbps over two paths (in bytes per second), and 2 x 1 Mbps.
  const Multipath two{2, 37.5e6f};
  EXPECT_EQ(sent(sum, &two), std::vector<uint64_t>{wire::link_bandwidth_community(65000, 37.5e6f)});
  EXPECT_EQ(sent(count, &two),
            std::vector<uint64_t>{wire::link_bandwidth_community(65000, 250e3f)});
  // A path of the set without a bandwidth: no sum; the route keeps its own
  // (FRR's behaviour). Nor without a set (route-map-in).
  const Multipath unweighted{2, 0};
  EXPECT_EQ(sent(sum, &unweighted), std::vector<uint64_t>{received});
  EXPECT_EQ(sent(count, nullptr), std::vector<uint64_t>{received});
}

// EVPN routes (FRR's `match evpn route-type | vni`): a route-map sees
// their type, their VNI (a type 3's in its PMSI tunnel) and, for a
// prefix-list, the prefix a type 5 carries or a MAC/IP route's address;
// unicast routes never match EVPN entries, EVPN routes never `family`.
TEST(RouteMap, EvpnRoutesMatchByTypeVniAndTheirPrefix) {
  wire::EvpnRoute mac_ip;
  mac_ip.type = uint8_t(wire::EvpnType::MacIp);
  mac_ip.mac = wire::MacAddress{2, 0, 0, 0, 0, 1};
  mac_ip.ip = wire::IpAddress::v4(0x0a000005);  // 10.0.0.5: in loopbacks()' le 32
  mac_ip.labels = {100};
  wire::EvpnRoute mac_only = mac_ip;
  mac_only.ip.reset();
  wire::EvpnRoute prefix;
  prefix.type = uint8_t(wire::EvpnType::IpPrefix);
  prefix.ip = wire::IpAddress::v4(0x0a000000);
  prefix.prefix_length = 24;
  prefix.labels = {4001};
  wire::EvpnRoute imet;
  imet.type = uint8_t(wire::EvpnType::InclusiveMulticast);
  imet.ip = wire::IpAddress::v4(0x0a000101);
  auto imet_attrs = attrs({65001});
  imet_attrs.unknown.push_back(wire::pmsi_ingress_replication(200, *imet.ip));

  auto macip = entry(10, Action::Permit);
  macip.match.evpn_route_type = wire::EvpnType::MacIp;
  macip.match.evpn_vni = 100;
  const RouteMap by_type({macip});
  EXPECT_TRUE(by_type.matches_prefix());  // a verdict per route, not per attribute set
  EXPECT_TRUE(by_type.apply_evpn(mac_ip, attrs({1}), {}).permit);
  EXPECT_TRUE(by_type.apply_evpn(mac_only, attrs({1}), {}).permit);
  auto other_vni = mac_ip;
  other_vni.labels = {200};
  EXPECT_FALSE(by_type.apply_evpn(other_vni, attrs({1}), {}).permit);
  EXPECT_FALSE(by_type.apply_evpn(prefix, attrs({1}), {}).permit);
  EXPECT_FALSE(by_type.apply(P("10.0.0.5/32"), attrs({1}), {}).permit);  // not EVPN

  auto flood_200 = entry(10, Action::Permit);
  flood_200.match.evpn_vni = 200;
  EXPECT_TRUE(RouteMap({flood_200}).apply_evpn(imet, imet_attrs, {}).permit);
  EXPECT_FALSE(RouteMap({flood_200}).apply_evpn(imet, attrs({1}), {}).permit);  // no PMSI

  auto listed = entry(10, Action::Permit);
  listed.match.prefix_list = loopbacks();  // the /32s of 10.0.0.0/24
  const RouteMap by_prefix({listed});
  EXPECT_FALSE(by_prefix.apply_evpn(prefix, attrs({1}), {}).permit);  // a /24
  auto host_prefix = prefix;
  host_prefix.prefix_length = 32;
  EXPECT_TRUE(by_prefix.apply_evpn(host_prefix, attrs({1}), {}).permit);
  EXPECT_TRUE(by_prefix.apply_evpn(mac_ip, attrs({1}), {}).permit);     // 10.0.0.5/32
  EXPECT_FALSE(by_prefix.apply_evpn(mac_only, attrs({1}), {}).permit);  // no prefix
  EXPECT_FALSE(by_prefix.apply_evpn(imet, imet_attrs, {}).permit);

  auto ipv4 = entry(10, Action::Permit);
  ipv4.match.family = wire::Afi::Ipv4;
  EXPECT_FALSE(RouteMap({ipv4}).apply_evpn(prefix, attrs({1}), {}).permit);

  // Sets apply as to any route: a route target added.
  auto tag = entry(10, Action::Permit);
  tag.set.ext_communities.add = {0x0002fde800000fa1};  // rt:65000:4001
  const auto v = RouteMap({tag}).apply_evpn(prefix, attrs({1}), {});
  ASSERT_TRUE(v.permit && v.changed);
  EXPECT_EQ(v.changed->ext_communities, (std::vector<uint64_t>{0x0002fde800000fa1}));
}

}  // namespace
}  // namespace closbgp::policy
