#include <gtest/gtest.h>

#include "bgpd/config/config.h"
#include "bgpd/wire/link_bandwidth.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

TEST(Config, PoliciesAndTheirUse) {
  auto c = parse_config(R"(
asn: 65101
router-id: 10.0.0.11
prefix-lists:
  LOOPBACKS:
    - {permit: 10.0.0.0/24, ge: 32}
    - {deny: 0.0.0.0/0, le: 32}
community-lists:
  DRAIN: [{permit: graceful-shutdown}, {permit: ["65000:1", "65000:2"]}]
large-community-lists:
  L: [{permit: "65000:1:1"}]
ext-community-lists:
  E: [{deny: "rt:65000:1"}]
as-path-lists:
  VIA-SPINE: [{permit: "^65000_"}]
route-maps:
  FROM-SPINE:
    - action: permit
      match: {prefix-list: LOOPBACKS, as-path: VIA-SPINE}
      set:
        local-preference: 200
        community: {add: ["65101:1"], delete: DRAIN}
        large-community: {replace: []}
        as-path-prepend: {last-as: 2}
      continue: true
    - {seq: 100, action: deny, match: {community: DRAIN, family: ipv6-unicast}}
    - {seq: 110, action: permit, set: {med: 0, as-path-prepend: [65101, 65101], origin: igp,
                                       link-bandwidth: 25G}}
neighbors:
  - interface: swp1
    remote-as: external
    route-map-in: FROM-SPINE
    route-map-out: FROM-SPINE
    allowas-in: true
    remove-private-as: all
  - {interface: swp2, remote-as: external, allowas-in: 2, remove-private-as: true,
     default-originate: true, sender-as-path-loop-detection: false}
networks:
  - 10.0.0.11/32
  - {prefix: 10.1.1.0/24, route-map: FROM-SPINE}
aggregates:
  - {prefix: 10.2.0.0/16, summary-only: true, as-set: true, route-map: FROM-SPINE}
  - {prefix: 10.3.0.0/16, discard: false}
redistribute: {connected: {route-map: FROM-SPINE}}
multipath: {max-paths: 8, as-path-relax: false}
always-compare-med: true
ebgp-requires-policy: true
)",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& p = c->policies;
  EXPECT_EQ(p.prefix_lists.at("LOOPBACKS")->entries.size(), 2u);
  EXPECT_EQ(p.community_lists.at("DRAIN")->entries[1].members.size(), 2u);
  const auto& map = *p.route_map("FROM-SPINE");
  ASSERT_EQ(map.entries().size(), 3u);
  EXPECT_EQ(map.entries()[0].seq, 10u);
  EXPECT_EQ(map.entries()[0].continue_to, 0u);
  EXPECT_EQ(map.entries()[0].set.prepend_last_as, 2u);
  EXPECT_TRUE(map.entries()[0].set.large_communities.replace->empty());
  EXPECT_EQ(map.entries()[1].match.family, wire::Afi::Ipv6);
  EXPECT_EQ(map.entries()[2].set.prepend, (std::vector<uint32_t>{65101, 65101}));
  // Our AS in the link bandwidth community.
  EXPECT_EQ(map.entries()[2].set.link_bandwidth, wire::link_bandwidth_community(65101, 3.125e9f));
  EXPECT_EQ(c->neighbors[0].route_map_in, "FROM-SPINE");
  EXPECT_EQ(c->neighbors[0].allowas_in, 3);
  EXPECT_EQ(c->neighbors[0].remove_private_as, Neighbor::RemovePrivateAs::All);
  EXPECT_EQ(c->neighbors[1].allowas_in, 2);
  EXPECT_FALSE(c->neighbors[0].default_originate);
  EXPECT_TRUE(c->neighbors[1].default_originate);
  EXPECT_TRUE(c->neighbors[0].sender_loop_check);  // on unless turned off
  EXPECT_FALSE(c->neighbors[1].sender_loop_check);
  EXPECT_EQ(c->neighbors[1].remove_private_as, Neighbor::RemovePrivateAs::IfOnlyPrivate);
  EXPECT_EQ(c->networks[1].route_map, "FROM-SPINE");
  EXPECT_EQ(c->aggregates[0],
            (Aggregate{*wire::Prefix::parse("10.2.0.0/16"), true, true, "FROM-SPINE"}));
  EXPECT_EQ(c->aggregates[1],
            (Aggregate{*wire::Prefix::parse("10.3.0.0/16"), false, false, "", false}));
  EXPECT_TRUE(c->aggregates[0].discard);  // the default
  EXPECT_EQ(c->redistribute, (Redistribute{true, "FROM-SPINE"}));
  EXPECT_EQ(c->multipath, (Multipath{8, false}));
  EXPECT_TRUE(c->always_compare_med);
  EXPECT_TRUE(c->ebgp_requires_policy);
  // The map works as configured: a loopback via the spine gets local-pref 200.
  wire::PathAttributes a;
  a.as_path = wire::AsPath{{{wire::SegmentType::Sequence, {65000, 65102}}}};
  a.communities = {wire::kGracefulShutdown, 7};
  const auto v = map.apply(*wire::Prefix::parse("10.0.0.12/32"), a, {});
  ASSERT_TRUE(v.permit && v.changed);
  EXPECT_EQ(v.changed->local_pref, 200u);
  EXPECT_EQ(v.changed->med, 0u);
  EXPECT_EQ(v.changed->communities, (std::vector<uint32_t>{7, 65101u << 16 | 1}));
  EXPECT_EQ(v.changed->as_path->segments[0].asns,
            (std::vector<uint32_t>{65101, 65101, 65000, 65000, 65000, 65102}));
}

TEST(Config, ReloadKeepsRouteMapsWhoseTextDidNotChange) {
  const std::string base = R"(
asn: 65101
router-id: 10.0.0.11
prefix-lists:
  PL: [{permit: 10.0.0.0/8, le: 32}]
  OTHER: [{permit: 10.1.0.0/16}]
route-maps:
  USES-PL: [{action: permit, match: {prefix-list: PL}}]
  PLAIN: [{action: permit, set: {med: 1}}]
)";
  auto running = parse_config(base, "a.yaml");
  ASSERT_TRUE(running);
  // OTHER changes (used by no route-map), then PL (used by USES-PL).
  for (auto [from, to, uses_pl_same] :
       {std::tuple{"10.1.0.0/16", "10.2.0.0/16", true}, std::tuple{"le: 32", "le: 24", false}}) {
    std::string text = base;
    text.replace(text.find(from), std::string(from).size(), to);
    auto next = parse_config(text, "a.yaml");
    ASSERT_TRUE(next);
    next->policies.keep_unchanged(running->policies);
    EXPECT_EQ(next->policies.route_map("PLAIN"), running->policies.route_map("PLAIN"));
    EXPECT_EQ(next->policies.route_map("USES-PL") == running->policies.route_map("USES-PL"),
              uses_pl_same)
        << from;
  }
}

}  // namespace
}  // namespace closbgp::config
