// Aggregates appear with their first more-specific and go with the last;
// summary-only suppression; AS_SET; route-map; nesting.
#include <gtest/gtest.h>

#include "rib/aggregation.h"

namespace closbgp::rib {
namespace {

wire::Prefix P(const char* s) {
  return *wire::Prefix::parse(s);
}

PathRef path(uint32_t peer, std::vector<uint32_t> asns, wire::Origin origin = wire::Origin::Igp,
             std::vector<uint32_t> communities = {}) {
  auto a = std::make_shared<wire::PathAttributes>();
  a->origin = origin;
  a->as_path = wire::AsPath{{{wire::SegmentType::Sequence, std::move(asns)}}};
  a->communities = std::move(communities);
  PathSource source;
  source.peer_id = peer;
  return make_path(a, wire::MpNextHop{}, source);
}

struct Fixture {
  LocRib rib;
  Aggregation agg;
  explicit Fixture(std::vector<AggregateSpec> specs) : agg(std::move(specs), 65101, 0x0a00000b) {}
  // Sets peer 1's path, or removes it (nullptr).
  std::vector<wire::Prefix> set(const char* prefix, PathRef p) {
    std::vector<wire::Prefix> changed;
    if (p ? rib.set(P(prefix), p) : rib.remove(P(prefix), {1, 0})) changed.push_back(P(prefix));
    agg.update(rib, changed);
    return changed;
  }
  const wire::PathAttributes* summary(const char* prefix) const {
    const auto* e = rib.find(P(prefix));
    return e ? e->best().attributes.get() : nullptr;
  }
};

TEST(Aggregation, ActiveOnlyWhileAMoreSpecificExists) {
  Fixture f({{P("10.2.0.0/16"), false, false, nullptr}});
  EXPECT_EQ(f.set("10.3.0.0/24", path(1, {65000})).size(), 1u);  // outside
  EXPECT_FALSE(f.summary("10.2.0.0/16"));
  auto changed = f.set("10.2.1.0/24", path(1, {65000, 65102}));
  EXPECT_EQ(changed, (std::vector<wire::Prefix>{P("10.2.1.0/24"), P("10.2.0.0/16")}));
  const auto* s = f.summary("10.2.0.0/16");
  ASSERT_TRUE(s);
  EXPECT_EQ(f.rib.find(P("10.2.0.0/16"))->best().source.peer_id, kLocalSource);
  EXPECT_TRUE(s->atomic_aggregate);
  EXPECT_EQ(s->aggregator, (wire::Aggregator{65101, 0x0a00000b}));
  EXPECT_TRUE(s->as_path->segments.empty());
  EXPECT_EQ(s->origin, wire::Origin::Igp);
  EXPECT_FALSE(f.agg.suppressed(P("10.2.1.0/24")));  // not summary-only
  // A second contributor with a worse origin changes the summary's origin.
  f.set("10.2.2.0/24", path(1, {65000, 65103}, wire::Origin::Incomplete));
  EXPECT_EQ(f.summary("10.2.0.0/16")->origin, wire::Origin::Incomplete);
  // An unrelated change leaves it alone.
  EXPECT_EQ(f.set("10.3.0.0/24", nullptr).size(), 1u);
  f.set("10.2.1.0/24", nullptr);
  EXPECT_TRUE(f.summary("10.2.0.0/16"));
  changed = f.set("10.2.2.0/24", nullptr);
  EXPECT_EQ(changed, (std::vector<wire::Prefix>{P("10.2.2.0/24"), P("10.2.0.0/16")}));
  EXPECT_FALSE(f.summary("10.2.0.0/16"));
}

TEST(Aggregation, SummaryOnlySuppressesTheMoreSpecifics) {
  Fixture f({{P("10.2.0.0/16"), true, false, nullptr}});
  f.set("10.2.1.0/24", path(1, {65000}));
  auto changed = f.set("10.2.2.0/24", path(1, {65000}));
  EXPECT_TRUE(f.agg.suppressed(P("10.2.1.0/24")));
  EXPECT_TRUE(f.agg.suppressed(P("10.2.2.0/24")));
  EXPECT_FALSE(f.agg.suppressed(P("10.2.0.0/16")));  // the summary itself is sent
  EXPECT_FALSE(f.agg.suppressed(P("10.3.0.0/24")));
  f.set("10.2.1.0/24", nullptr);
  // The last one goes: the summary is withdrawn and nothing stays suppressed.
  changed = f.set("10.2.2.0/24", nullptr);
  EXPECT_FALSE(f.agg.suppressed(P("10.2.2.0/24")));
  EXPECT_FALSE(f.summary("10.2.0.0/16"));
}

TEST(Aggregation, TurningOnReportsTheMoreSpecificsForReexport) {
  Fixture f({{P("10.2.0.0/16"), true, false, nullptr}});
  // Both contributors arrive in one batch: both are reported, plus the summary.
  std::vector<wire::Prefix> changed;
  for (const char* p : {"10.2.1.0/24", "10.2.2.0/24"}) {
    f.rib.set(P(p), path(1, {65000}));
    changed.push_back(P(p));
  }
  f.agg.update(f.rib, changed);
  EXPECT_NE(std::find(changed.begin(), changed.end(), P("10.2.0.0/16")), changed.end());
  EXPECT_GE(changed.size(), 3u);
}

TEST(Aggregation, AsSetCarriesTheContributorsAsesAndCommunities) {
  Fixture f({{P("10.2.0.0/16"), false, true, nullptr}});
  f.set("10.2.1.0/24", path(1, {65000, 65102}, wire::Origin::Igp, {1}));
  f.set("10.2.2.0/24", path(2, {65000, 65103}, wire::Origin::Igp, {2}));
  const auto* s = f.summary("10.2.0.0/16");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->atomic_aggregate);
  ASSERT_EQ(s->as_path->segments.size(), 1u);
  EXPECT_EQ(s->as_path->segments[0].type, wire::SegmentType::Set);
  EXPECT_EQ(s->as_path->segments[0].asns, (std::vector<uint32_t>{65000, 65102, 65103}));
  EXPECT_EQ(s->communities, (std::vector<uint32_t>{1, 2}));
}

TEST(Aggregation, RouteMapSetsOrRefuses) {
  policy::RouteMapEntry tag;
  tag.seq = 10;
  tag.set.communities.add = {7};
  Fixture tagged({{P("10.2.0.0/16"), false, false,
                   std::make_shared<const policy::RouteMap>(std::vector{tag})}});
  tagged.set("10.2.1.0/24", path(1, {65000}));
  EXPECT_EQ(tagged.summary("10.2.0.0/16")->communities, std::vector<uint32_t>{7});

  policy::RouteMapEntry deny;
  deny.seq = 10;
  deny.action = policy::Action::Deny;
  Fixture refused({{P("10.2.0.0/16"), true, false,
                    std::make_shared<const policy::RouteMap>(std::vector{deny})}});
  refused.set("10.2.1.0/24", path(1, {65000}));
  EXPECT_FALSE(refused.summary("10.2.0.0/16"));
  EXPECT_FALSE(refused.agg.suppressed(P("10.2.1.0/24")));  // nothing replaces it
}

TEST(Aggregation, NestedAggregatesFeedTheOuterOne) {
  Fixture f({{P("10.0.0.0/8"), false, false, nullptr}, {P("10.2.0.0/16"), true, false, nullptr}});
  f.set("10.2.1.0/24", path(1, {65000}));
  EXPECT_TRUE(f.summary("10.2.0.0/16"));
  EXPECT_TRUE(f.summary("10.0.0.0/8"));
  f.set("10.2.1.0/24", nullptr);
  EXPECT_FALSE(f.summary("10.2.0.0/16"));
  EXPECT_FALSE(f.summary("10.0.0.0/8"));
}

}  // namespace
}  // namespace closbgp::rib
