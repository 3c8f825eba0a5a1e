// Best path, one tie-breaker per row; multipath with and without relax;
// Loc-RIB change reporting; Adj-RIB-In with RFC 7606 and loops.
#include <gtest/gtest.h>

#include "rib/adj_rib_in.h"
#include "rib/attr_intern.h"
#include "rib/loc_rib.h"

namespace closbgp::rib {
namespace {

using wire::AsPath;
using wire::SegmentType;

struct P {
  uint32_t peer = 1;
  std::vector<uint32_t> path = {65000};
  std::optional<uint32_t> local_pref = {}, med = {}, originator = {};
  wire::Origin origin = wire::Origin::Igp;
  bool ebgp = true;
  uint32_t router_id = 0x0a000001;
  std::string address = "fe80::1";
  std::vector<uint32_t> communities = {};
  size_t cluster = 0;

  PathRef make() const {
    auto a = std::make_shared<wire::PathAttributes>();
    a->origin = origin;
    a->as_path = AsPath{};
    if (!path.empty()) a->as_path->segments.push_back({SegmentType::Sequence, path});
    a->local_pref = local_pref;
    a->med = med;
    a->originator_id = originator;
    a->communities = communities;
    a->cluster_list.assign(cluster, 1);
    return make_path(a, wire::MpNextHop{*wire::IpAddress::parse(address), std::nullopt},
                     PathSource{peer, ebgp, path.empty() ? 0 : path.front(), router_id,
                                *wire::IpAddress::parse(address)});
  }
};

// The ECMP set select() fills in: indexes into the candidates, best first.
std::vector<uint16_t> ecmp(std::span<const PathRef> candidates, const SelectionOptions& o) {
  std::vector<uint16_t> set;
  select(candidates, o, set);
  return set;
}

struct Row {
  const char* step;
  P better, worse;
  SelectionOptions options{};
};

TEST(BestPath, EachTieBreaker) {
  SelectionOptions always;
  always.always_compare_med = true;
  const std::vector<Row> rows = {
      {"locally originated", {.peer = kLocalSource, .path = {}}, {.peer = 2, .path = {}}},
      {"higher LOCAL_PREF", {.peer = 1, .local_pref = 200}, {.peer = 2, .local_pref = 100}},
      {"absent LOCAL_PREF is 100", {.peer = 1}, {.peer = 2, .local_pref = 50}},
      {"graceful shutdown means LOCAL_PREF 0",
       {.peer = 2, .local_pref = 1},
       {.peer = 1, .local_pref = 200, .communities = {wire::kGracefulShutdown}}},
      {"shorter AS_PATH", {.peer = 2, .path = {65000}}, {.peer = 1, .path = {65000, 65001}}},
      {"lower ORIGIN",
       {.peer = 2, .origin = wire::Origin::Igp},
       {.peer = 1, .origin = wire::Origin::Incomplete}},
      {"lower MED, same neighbour AS", {.peer = 2, .med = 5}, {.peer = 1, .med = 10}},
      {"MED ignored across neighbour ASes (router-id decides)",
       {.peer = 2, .path = {65001}, .med = 50, .router_id = 1},
       {.peer = 1, .path = {65002}, .med = 0, .router_id = 2}},
      {"MED compared across ASes when always_compare_med",
       {.peer = 2, .path = {65001}, .med = 0, .router_id = 2},
       {.peer = 1, .path = {65002}, .med = 50, .router_id = 1},
       always},
      {"eBGP over iBGP", {.peer = 2, .ebgp = true}, {.peer = 1, .ebgp = false}},
      {"lower router-id", {.peer = 2, .router_id = 1}, {.peer = 1, .router_id = 2}},
      {"ORIGINATOR_ID stands for the router-id",
       {.peer = 1, .originator = 1, .router_id = 9},
       {.peer = 2, .router_id = 5}},
      {"shorter CLUSTER_LIST", {.peer = 2, .cluster = 0}, {.peer = 1, .cluster = 1}},
      {"lower peer address", {.peer = 2, .address = "fe80::1"}, {.peer = 1, .address = "fe80::2"}},
  };
  for (const auto& r : rows) {
    const PathRef a = r.better.make(), b = r.worse.make();
    EXPECT_LT(compare(*a, *b, r.options), 0) << r.step;
    EXPECT_GT(compare(*b, *a, r.options), 0) << r.step;
    const std::vector<PathRef> both = {b, a};
    EXPECT_EQ(ecmp(both, r.options).front(), 1u) << r.step;
  }
}

TEST(Multipath, RelaxAllowsEveryLeafItsOwnAs) {
  // Three spines; the far leaf's prefix through each, neighbour ASes differ.
  std::vector<PathRef> paths = {P{.peer = 1, .path = {65001, 65102}, .router_id = 3}.make(),
                                P{.peer = 2, .path = {65002, 65102}, .router_id = 1}.make(),
                                P{.peer = 3, .path = {65003, 65102}, .router_id = 2}.make(),
                                P{.peer = 4, .path = {65004, 65000, 65102}, .router_id = 0}.make()};
  // The lowest router-id first, then the others in candidate order; the
  // longer path is out.
  EXPECT_EQ(ecmp(paths, SelectionOptions{}), (std::vector<uint16_t>{1, 0, 2}));
  SelectionOptions strict;
  strict.as_path_relax = false;
  EXPECT_EQ(ecmp(paths, strict), (std::vector<uint16_t>{1}));
  SelectionOptions two;
  two.max_paths = 2;
  EXPECT_EQ(ecmp(paths, two), (std::vector<uint16_t>{1, 0}));  // the first ones in candidate order
  SelectionOptions off;
  off.multipath = false;
  EXPECT_EQ(ecmp(paths, off).size(), 1u);
}

TEST(Multipath, IdenticalPathsWithoutRelax) {
  std::vector<PathRef> paths = {P{.peer = 1, .path = {65000, 65102}, .router_id = 2}.make(),
                                P{.peer = 2, .path = {65000, 65102}, .router_id = 1}.make()};
  SelectionOptions strict;
  strict.as_path_relax = false;
  EXPECT_EQ(ecmp(paths, strict), (std::vector<uint16_t>{1, 0}));
}

TEST(LocRib, ReportsOnlyVisibleChanges) {
  LocRib rib;
  const auto pfx = *wire::Prefix::parse("10.1.0.0/24");
  EXPECT_TRUE(rib.set(pfx, P{.peer = 1, .router_id = 2}.make()));
  EXPECT_TRUE(rib.set(pfx, P{.peer = 2, .router_id = 1}.make()));  // joins the ECMP set
  ASSERT_EQ(rib.find(pfx)->multipath().size(), 2u);
  EXPECT_EQ(rib.find(pfx)->best().source.peer_id, 2u);
  // A worse path outside the set changes nothing anyone sees.
  EXPECT_FALSE(rib.set(pfx, P{.peer = 3, .path = {1, 2, 3}}.make()));
  EXPECT_FALSE(rib.set(pfx, P{.peer = 3, .path = {1, 2, 3, 4}}.make()));
  EXPECT_FALSE(rib.remove(pfx, {9, 0}));  // never had a path
  EXPECT_TRUE(rib.remove(pfx, {2, 0}));   // the best leaves
  EXPECT_EQ(rib.find(pfx)->best().source.peer_id, 1u);
  EXPECT_TRUE(rib.remove(pfx, {1, 0}));  // now peer 3's
  EXPECT_EQ(rib.find(pfx)->best().source.peer_id, 3u);
  EXPECT_TRUE(rib.remove(pfx, {3, 0}));
  EXPECT_EQ(rib.size(), 0u);
}

TEST(LocRib, OnePathEntriesAndBackFromMany) {
  LocRib rib;
  const auto pfx = *wire::Prefix::parse("2001:db8::/48");
  const PathRef first = P{.peer = 1}.make(), second = P{.peer = 2, .router_id = 0}.make();
  EXPECT_TRUE(rib.set(pfx, first));
  EXPECT_FALSE(rib.set(pfx, first));  // the same object again
  EXPECT_EQ(rib.find(pfx)->size(), 1u);
  EXPECT_TRUE(rib.set(pfx, second));
  EXPECT_EQ(rib.find(pfx)->size(), 2u);
  EXPECT_EQ(rib.find(pfx)->best_index(), 1u);
  EXPECT_TRUE(rib.remove(pfx, {2, 0}));
  EXPECT_EQ(rib.find(pfx)->size(), 1u);
  EXPECT_EQ(&rib.find(pfx)->best(), first.get());
  EXPECT_EQ(first->use_count(), 2u);  // ours and the RIB's, nothing leaked
  EXPECT_EQ(second->use_count(), 1u);
  EXPECT_FALSE(rib.remove(pfx, {7, 0}));  // another source's: the one candidate stays
  EXPECT_EQ(&rib.find(pfx)->best(), first.get());
}

TEST(AdjRibIn, AppliesUpdatesWithRfc7606AndLoops) {
  AdjRibIn in;
  wire::UpdateMessage u;
  u.attributes.origin = wire::Origin::Igp;
  u.attributes.as_path = AsPath{{{SegmentType::Sequence, {65000}}}};
  u.mp_reach = wire::MpReach{wire::Family::Ipv4Unicast,
                             {*wire::IpAddress::parse("fe80::1"), {}},
                             {{*wire::Prefix::parse("10.0.0.1/32"), 0}},
                             {}};
  std::vector<RouteChange> changed;
  in.apply(u, PathSource{}, LoopCheck{65101, 0}, changed);
  EXPECT_EQ(changed.size(), 1u);
  EXPECT_EQ(in.accepted(), 1u);
  // Our own AS in the path: kept, not accepted.
  u.attributes.as_path = AsPath{{{SegmentType::Sequence, {65000, 65101}}}};
  u.mp_reach->nlri = {{*wire::Prefix::parse("10.0.0.2/32"), 0}};
  in.apply(u, PathSource{}, LoopCheck{65101, 0}, changed);
  EXPECT_EQ(in.received(), 2u);
  EXPECT_EQ(in.accepted(), 1u);
  // allowas-in 1 accepts it once, not twice (ASNs reused across pods).
  in.apply(u, PathSource{}, LoopCheck{65101, 1}, changed);
  EXPECT_EQ(in.accepted(), 2u);
  u.attributes.as_path = AsPath{{{SegmentType::Sequence, {65101, 65000, 65101}}}};
  in.apply(u, PathSource{}, LoopCheck{65101, 1}, changed);
  EXPECT_EQ(in.accepted(), 1u);
  in.apply(u, PathSource{}, LoopCheck{65101, 2}, changed);
  EXPECT_EQ(in.accepted(), 2u);
  // Equal attribute sets from different UPDATEs are one shared copy.
  const auto* p1 = in.find(*wire::Prefix::parse("10.0.0.1/32"));
  const auto* p2 = in.find(*wire::Prefix::parse("10.0.0.2/32"));
  ASSERT_TRUE(p1 && p2);
  EXPECT_NE(p1->attributes, p2->attributes);
  u.attributes.as_path = AsPath{{{SegmentType::Sequence, {65000}}}};
  u.mp_reach->nlri = {{*wire::Prefix::parse("10.0.0.3/32"), 0}};
  in.apply(u, PathSource{}, LoopCheck{65101, 0}, changed);
  EXPECT_EQ(in.find(*wire::Prefix::parse("10.0.0.3/32"))->attributes, p1->attributes);
  u.mp_reach->nlri = {{*wire::Prefix::parse("10.0.0.1/32"), 0}};
  // Treat-as-withdraw removes what the UPDATE would have announced.
  u.action = wire::AttrAction::TreatAsWithdraw;
  u.mp_reach->nlri = {{*wire::Prefix::parse("10.0.0.1/32"), 0}};
  in.apply(u, PathSource{}, LoopCheck{65101, 0}, changed);
  EXPECT_EQ(in.received(), 2u);
  EXPECT_EQ(in.accepted(), 2u);  // 10.0.0.2 (allowas-in 2) and 10.0.0.3
}

}  // namespace
}  // namespace closbgp::rib

namespace closbgp::rib {
namespace {

TEST(Intern, OneCopyPerDistinctSetWhileUsed) {
  const size_t before = interned_count();
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = AsPath{{{SegmentType::Sequence, {65000, 65102}}}};
  auto first = intern(a), second = intern(a);
  EXPECT_EQ(first, second);  // the same object
  EXPECT_EQ(first.use_count(), 2);
  a.med = 7;
  auto other = intern(a);
  EXPECT_NE(other, first);
  EXPECT_EQ(interned_count(), before + 2);
  first.reset();
  EXPECT_EQ(interned_count(), before + 2);  // still used by `second`
  second.reset();
  other.reset();
  EXPECT_EQ(interned_count(), before);  // the last user took it out
  EXPECT_EQ(*intern(a), a);             // and it can come back
}

}  // namespace
}  // namespace closbgp::rib
