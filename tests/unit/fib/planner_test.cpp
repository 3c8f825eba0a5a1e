// The FIB planner: groups shared by prefixes with the same ECMP set,
// reference counts, and safe ordering (objects before the routes that use
// them, deletions after).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fib/kernel_port.h"
#include "fib/planner.h"
#include "tests/mocks/route_updates.h"

namespace closbgp::fib {
namespace {

using mocks::route_update;

rib::NextHop nh(uint32_t ifindex, const char* gw) {
  return {ifindex, *wire::IpAddress::parse(gw)};
}
wire::Prefix pfx(const char* p) {
  return *wire::Prefix::parse(p);
}

std::vector<std::string> kinds(const std::vector<Op>& ops) {
  static constexpr const char* kNames[] = {"AddNexthop", "AddGroup",   "SetRoute",   "DelRoute",
                                           "DelGroup",   "DelNexthop", "SetRouteVia"};
  std::vector<std::string> out;
  for (const auto& o : ops) out.push_back(kNames[o.index()]);
  return out;
}

TEST(Planner, PrefixesWithTheSameSetShareOneGroup) {
  Planner p(100);
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  auto ops = p.plan(route_update(
      {{pfx("10.0.0.1/32"), ecmp}, {pfx("10.0.0.2/32"), ecmp}, {pfx("2001:db8::/64"), ecmp}}, {}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddNexthop", "AddGroup",
                                                  "SetRoute", "SetRoute", "SetRoute"}));
  EXPECT_EQ(p.groups(), 1u);
  EXPECT_EQ(p.nexthops(), 2u);
  // The same set again, in another order: nothing to do.
  EXPECT_TRUE(p.plan(route_update({{pfx("10.0.0.1/32"), {ecmp[1], ecmp[0]}}}, {})).empty());
}

TEST(Planner, MovingAndRemovingCleansUpAfterTheRoutes) {
  Planner p(100);
  const std::vector<rib::NextHop> two = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  const std::vector<rib::NextHop> one = {nh(2, "fe80::1")};
  p.plan(route_update({{pfx("10.0.0.1/32"), two}}, {}));
  // The set shrinks: the group is rewritten in place, then the unused
  // nexthop goes.
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), one}}, {}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddGroup", "DelNexthop"}));
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).id, 102u);  // the same group
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).members, Members{100});
  EXPECT_EQ(std::get<op::DelNexthop>(ops[1]).id, 101u);  // fe80::2's nexthop
  // The last route goes: everything goes, routes first.
  ops = p.plan(route_update({}, {pfx("10.0.0.1/32")}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"DelRoute", "DelGroup", "DelNexthop"}));
  EXPECT_EQ(p.routes() + p.groups() + p.nexthops(), 0u);
  EXPECT_TRUE(p.plan(route_update({}, {pfx("10.0.0.9/32")})).empty());  // never installed
}

TEST(Planner, AGroupStaysWhileAnyPrefixUsesIt) {
  Planner p(100);
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  p.plan(route_update({{pfx("10.0.0.1/32"), ecmp}, {pfx("10.0.0.2/32"), ecmp}}, {}));
  EXPECT_EQ(kinds(p.plan(route_update({}, {pfx("10.0.0.1/32")}))),
            std::vector<std::string>{"DelRoute"});
  EXPECT_EQ(p.groups(), 1u);
}

TEST(Planner, LosingALinkIsOneMessagePerGroup) {
  // 1,000 prefixes over two spines; one spine goes: the shared group is
  // rewritten in place and no route is touched (DESIGN.md, "FIB").
  Planner p(100);
  const std::vector<rib::NextHop> two = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  rib::RouteUpdateBuilder up, down;
  for (uint32_t i = 0; i < 1000; ++i) {
    const wire::Prefix prefix(wire::IpAddress::v4(0x0b000000u + (i << 8)), 24);
    up.upsert(prefix, two);
    down.upsert(prefix, rib::NextHopSet{two[0]});
  }
  // Another prefix already has a group of just the first spine; the shared
  // group is still rewritten in place (two groups may hold the same members).
  up.upsert(pfx("10.0.0.1/32"), rib::NextHopSet{two[0]});
  p.plan(up.take());
  EXPECT_EQ(kinds(p.plan(down.take())), (std::vector<std::string>{"AddGroup", "DelNexthop"}));
  EXPECT_EQ(p.groups(), 2u);
  EXPECT_EQ(p.routes(), 1001u);
}

// The kernel deletes a group whose links all went down, and its routes
// without a word: a spine's only path to a leaf was over the lost link, and
// its routes move to a backup through another leaf. They are set again on a
// group of their own; rewriting the deleted group would leave them out.
TEST(Planner, AGroupWhoseLinksAllWentIsNotRewrittenInPlace) {
  Planner p(100);
  const rib::NextHopSet direct = {nh(2, "fe80::1")}, backup = {nh(3, "fe80::2")};
  p.plan(route_update({{pfx("10.0.0.1/32"), direct}, {pfx("10.0.0.2/32"), direct}}, {}));
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), backup}, {pfx("10.0.0.2/32"), backup}}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddGroup", "SetRoute", "SetRoute",
                                                  "DelGroup", "DelNexthop"}));
  EXPECT_EQ(p.groups(), 1u);
}

TEST(Planner, AGroupPartlyMovingIsNotRewritten) {
  Planner p(100);
  const std::vector<rib::NextHop> two = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  p.plan(route_update({{pfx("10.0.0.1/32"), two}, {pfx("10.0.0.2/32"), two}}, {}));
  // Only one of its two prefixes moves: a new group for it, the old one stays.
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), {two[0]}}}, {}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"AddGroup", "SetRoute"}));
  EXPECT_EQ(p.groups(), 2u);
}

// What a previous run left: two uplinks, a group of both and a group of the
// first, three routes, and one stale route over a third link.
Installed previous_run() {
  return {{{100, nh(2, "fe80::1")}, {101, nh(3, "fe80::2")}, {105, nh(4, "fe80::3")}},
          {{102, {101, 100}}, {103, {100}}, {104, {105}}},
          {{pfx("10.0.0.1/32"), 102},
           {pfx("10.0.0.2/32"), 102},
           {pfx("10.0.0.3/32"), 103},
           {pfx("10.0.0.9/32"), 104}},
          {}};
}

TEST(Planner, AnAdoptedTableThatIsStillRightNeedsNoKernelWrite) {
  Planner p(100);
  p.adopt(previous_run());
  const std::vector<rib::NextHop> ecmp = {nh(3, "fe80::2"), nh(2, "fe80::1")};
  EXPECT_TRUE(p.plan(route_update({{pfx("10.0.0.1/32"), ecmp},
                                   {pfx("10.0.0.2/32"), ecmp},
                                   {pfx("10.0.0.3/32"), {nh(2, "fe80::1")}},
                                   {pfx("10.0.0.9/32"), {nh(4, "fe80::3")}}},
                                  {}))
                  .empty());
  EXPECT_EQ(p.routes(), 4u);
}

TEST(Planner, ReconcilingChangesOnlyWhatDiffersAndSweepsTheRest) {
  Planner p(100);
  p.adopt(previous_run());
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  auto ops =
      p.plan(route_update({{pfx("10.0.0.1/32"), ecmp},
                           {pfx("10.0.0.2/32"), ecmp},
                           {pfx("10.0.0.3/32"), {nh(2, "fe80::9")}},                     // moved
                           {pfx("10.0.0.4/32"), {nh(2, "fe80::1"), nh(5, "fe80::4")}}},  // new
                          {pfx("10.0.0.9/32")}));                                        // gone
  ASSERT_EQ(kinds(ops),
            (std::vector<std::string>{"AddNexthop", "AddGroup", "AddNexthop", "AddGroup",
                                      "SetRoute", "DelRoute", "DelGroup", "DelNexthop"}));
  EXPECT_EQ(std::get<op::AddNexthop>(ops[0]).id, 106u);  // new ids above the adopted ones
  EXPECT_EQ(std::get<op::AddGroup>(ops[1]).id, 103u);    // rewritten in place to fe80::9
  EXPECT_EQ(std::get<op::AddGroup>(ops[1]).members, Members{106});
  EXPECT_EQ(std::get<op::DelGroup>(ops[6]).id, 104u);
  EXPECT_EQ(std::get<op::DelNexthop>(ops[7]).id, 105u);
  EXPECT_EQ(p.routes(), 4u);
  EXPECT_EQ(p.groups(), 3u);
}

TEST(Planner, ADuplicateAdoptedNexthopGoesOnceNoGroupUsesIt) {
  Planner p(100);
  p.adopt({{{100, nh(2, "fe80::1")}, {101, nh(2, "fe80::1")}},
           {{102, {101}}},
           {{pfx("10.0.0.1/32"), 102}},
           {}});
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), {nh(2, "fe80::1")}}}, {}));
  ASSERT_EQ(kinds(ops),
            (std::vector<std::string>{"AddGroup", "SetRoute", "DelGroup", "DelNexthop"}));
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).members, Members{100});
  EXPECT_EQ(std::get<op::DelNexthop>(ops[3]).id, 101u);
}

TEST(Planner, RepairPutsBackWhatOthersChanged) {
  Planner p(100);
  p.adopt(previous_run());
  // The kernel as the planner has it: nothing to do.
  EXPECT_TRUE(p.repair(previous_run()).empty());
  // Someone deleted 10.0.0.1, pointed 10.0.0.2 at group 103, removed
  // fe80::2 (the kernel takes it out of group 102 too), and added a route
  // and a nexthop in our range.
  Installed k = previous_run();
  k.nexthops.erase(k.nexthops.begin() + 1);       // 101 fe80::2
  k.nexthops.push_back({150, nh(9, "fe80::9")});  // not ours
  k.groups[0].second = {100};                     // 102 lost 101
  k.routes.erase(k.routes.begin());               // 10.0.0.1
  k.routes[0].second = 103;                       // 10.0.0.2
  k.routes.push_back({pfx("10.0.0.7/32"), 150});
  auto ops = p.repair(k);
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddGroup", "SetRoute", "SetRoute",
                                                  "DelRoute", "DelNexthop"}));
  EXPECT_EQ(std::get<op::AddNexthop>(ops[0]).id, 101u);
  EXPECT_EQ(std::get<op::AddGroup>(ops[1]).id, 102u);
  // Both routes back on group 102, in no particular order.
  const std::set<wire::Prefix> set_again = {std::get<op::SetRoute>(ops[2]).prefix,
                                            std::get<op::SetRoute>(ops[3]).prefix};
  EXPECT_EQ(set_again, (std::set<wire::Prefix>{pfx("10.0.0.1/32"), pfx("10.0.0.2/32")}));
  EXPECT_EQ(std::get<op::SetRoute>(ops[2]).group, 102u);
  EXPECT_EQ(std::get<op::SetRoute>(ops[3]).group, 102u);
  EXPECT_EQ(std::get<op::DelRoute>(ops[4]).prefix, pfx("10.0.0.7/32"));
  EXPECT_EQ(std::get<op::DelNexthop>(ops[5]).id, 150u);
  EXPECT_EQ(p.routes(), 4u);  // its own state is untouched
}

// An aggregate's discard is a blackhole nexthop of its family, shared by
// every discard of that family; when the aggregate's prefix is learned
// from a neighbour instead, its group is rewritten in place (the kernel
// takes the route's type from the nexthop).
TEST(Planner, DiscardsAreBlackholeNexthopsOfTheirFamily) {
  Planner p(100);
  const std::vector<rib::NextHop> v4 = {rib::discard_next_hop(wire::Afi::Ipv4)};
  const std::vector<rib::NextHop> v6 = {rib::discard_next_hop(wire::Afi::Ipv6)};
  auto ops = p.plan(route_update({{pfx("10.0.0.0/8"), v4}, {pfx("2001:db8::/32"), v6}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddGroup", "SetRoute",
                                                  "AddNexthop", "AddGroup", "SetRoute"}));
  EXPECT_TRUE(std::get<op::AddNexthop>(ops[0]).nexthop.is_discard());
  EXPECT_EQ(std::get<op::AddNexthop>(ops[3]).nexthop.gateway.afi(), wire::Afi::Ipv6);
  EXPECT_EQ(describe(ops[0]), "nexthop 100 blackhole");
  p.plan(route_update({{pfx("172.16.0.0/12"), v4}}));
  EXPECT_EQ(p.groups(), 2u);  // one per family
  ops = p.plan(route_update({{pfx("10.0.0.0/8"), {nh(2, "fe80::1")}}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddGroup", "SetRoute"}));
  ops = p.plan(route_update({}, {pfx("172.16.0.0/12")}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"DelRoute", "DelGroup", "DelNexthop"}));
  ops = p.plan(route_update({{pfx("2001:db8::/32"), {nh(2, "fe80::1")}}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddGroup", "DelNexthop"}));  // in place
}

// Weighted ECMP: a weight belongs to the group's member, not to the nexthop
// object, so sets that differ only in weights share their objects, and a
// change of weights under every prefix of a group rewrites it in place.
TEST(Planner, WeightsAreTheGroupsAndTheirChangeRewritesTheGroupInPlace) {
  Planner p(100);
  rib::NextHop a = nh(2, "fe80::1"), b = nh(3, "fe80::2");
  a.weight = 3;
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), {a, b}}, {pfx("10.0.0.2/32"), {a, b}}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddNexthop", "AddNexthop", "AddGroup",
                                                  "SetRoute", "SetRoute"}));
  EXPECT_EQ(std::get<op::AddNexthop>(ops[0]).nexthop.weight, 1);  // objects weigh nothing
  EXPECT_EQ(std::get<op::AddGroup>(ops[2]).members, (Members{{100, 3}, {101, 1}}));
  EXPECT_EQ(describe(op::SetRouteVia{pfx("10.0.0.1/32"), {a}}),
            "route 10.0.0.1/32 via fe80::1 ifindex 2 weight 3");
  // A prefix with the same hops, equally weighted: another group, no new object.
  ops = p.plan(route_update({{pfx("10.0.0.3/32"), {nh(2, "fe80::1"), b}}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddGroup", "SetRoute"}));
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).members, (Members{100, 101}));
  // The bandwidths change under both prefixes of the first group: one message.
  a.weight = 1;
  b.weight = 2;
  ops = p.plan(route_update({{pfx("10.0.0.1/32"), {a, b}}, {pfx("10.0.0.2/32"), {a, b}}}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"AddGroup"}));
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).id, 102u);
  EXPECT_EQ(std::get<op::AddGroup>(ops[0]).members, (Members{{100, 1}, {101, 2}}));
  // A restart adopts the weighted groups as the kernel reports them.
  Planner next(100);
  next.adopt({{{100, nh(2, "fe80::1")}, {101, nh(3, "fe80::2")}},
              {{102, {{100, 1}, {101, 2}}}, {103, {100, 101}}},
              {{pfx("10.0.0.1/32"), 102}, {pfx("10.0.0.2/32"), 102}, {pfx("10.0.0.3/32"), 103}},
              {}});
  EXPECT_TRUE(next.plan(route_update({{pfx("10.0.0.1/32"), {a, b}},
                                      {pfx("10.0.0.2/32"), {a, b}},
                                      {pfx("10.0.0.3/32"), {nh(2, "fe80::1"), nh(3, "fe80::2")}}}))
                  .empty());
}

// Without nexthop objects (the RTA_MULTIPATH fallback): every route carries
// its set; nothing else is written.
std::vector<std::string> described(const std::vector<Op>& ops) {
  std::vector<std::string> out;
  for (const auto& o : ops) out.push_back(describe(o));
  return out;
}

Batch batch_of(rib::RouteUpdate update) {
  UpdateQueue q;
  q.push(std::move(update));
  return q.take();
}

// `p`'s plan of `batch` in chunks of about `chunk`, put back together;
// every chunk but the last (which also sweeps what no route uses) is at
// most a route's new nexthop and group over the size.
std::vector<Op> planned_in_chunks(Planner& p, const Batch& batch, size_t chunk) {
  std::vector<std::vector<Op>> chunks;
  p.plan(
      batch, [&](std::vector<Op>& ops) { chunks.push_back(ops); }, chunk);
  std::vector<Op> all;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i + 1 < chunks.size()) {
      EXPECT_LE(chunks[i].size(), chunk + 2);
    }
    all.insert(all.end(), chunks[i].begin(), chunks[i].end());
  }
  EXPECT_GT(chunks.size(), 2u);
  return all;
}

// A batch planned in chunks is the same operations in the same order, so
// that the FIB writes a large batch as it plans it.
void expect_chunks_plan_alike(KernelNexthops mode) {
  Planner whole(100, mode), chunked(100, mode);
  const rib::NextHopSet two = {nh(2, "fe80::1"), nh(3, "fe80::2")}, one = {two[0]};
  rib::RouteUpdateBuilder first, second;
  for (uint32_t i = 0; i < 20; ++i) {
    const wire::Prefix prefix(wire::IpAddress::v4(0x0b000000u + (i << 8)), 24);
    first.upsert(prefix, i < 10 ? two : one);
    if (i % 3 == 0) second.remove(prefix);
    if (i % 3 == 1) second.upsert(prefix, rib::NextHopSet{nh(4, "fe80::3")});
  }
  for (const Batch& b : {batch_of(first.take()), batch_of(second.take())})
    EXPECT_EQ(described(planned_in_chunks(chunked, b, 4)), described(whole.plan(b)));
  EXPECT_EQ(chunked.routes(), whole.routes());
  EXPECT_EQ(chunked.groups(), whole.groups());
}

TEST(Planner, ABatchPlannedInChunksIsTheSameOperationsInOrder) {
  expect_chunks_plan_alike(KernelNexthops::Objects);
}

TEST(PlannerMultipath, ABatchPlannedInChunksIsTheSameOperationsInOrder) {
  expect_chunks_plan_alike(KernelNexthops::Multipath);
}

TEST(PlannerMultipath, RoutesCarryTheirNextHopsAndNoObjectIsWritten) {
  Planner p(100, KernelNexthops::Multipath);
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  auto ops = p.plan(route_update({{pfx("10.0.0.1/32"), ecmp}, {pfx("10.0.0.2/32"), ecmp}}, {}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"SetRouteVia", "SetRouteVia"}));
  EXPECT_EQ(std::get<op::SetRouteVia>(ops[1]).nexthops, ecmp);
  EXPECT_EQ(p.groups(), 0u);  // no kernel objects
  // Weights ride on the route's next hops.
  std::vector<rib::NextHop> weighted = ecmp;
  weighted[1].weight = 4;
  ops = p.plan(route_update({{pfx("10.0.0.3/32"), weighted}}, {}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"SetRouteVia"}));
  EXPECT_EQ(std::get<op::SetRouteVia>(ops[0]).nexthops, weighted);
  p.plan(route_update({}, {pfx("10.0.0.3/32")}));
  EXPECT_EQ(p.nexthops(), 0u);
  EXPECT_TRUE(p.plan(route_update({{pfx("10.0.0.1/32"), {ecmp[1], ecmp[0]}}}, {})).empty());
  // A lost link: no group to rewrite, so every route that had it is set again.
  ops =
      p.plan(route_update({{pfx("10.0.0.1/32"), {ecmp[0]}}, {pfx("10.0.0.2/32"), {ecmp[0]}}}, {}));
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"SetRouteVia", "SetRouteVia"}));
  EXPECT_EQ(std::get<op::SetRouteVia>(ops[0]).nexthops, std::vector<rib::NextHop>{ecmp[0]});
  ops = p.plan(route_update({}, {pfx("10.0.0.1/32"), pfx("10.0.0.2/32")}));
  EXPECT_EQ(kinds(ops), (std::vector<std::string>{"DelRoute", "DelRoute"}));
  EXPECT_EQ(p.routes(), 0u);
}

TEST(PlannerMultipath, AdoptsAPreviousRunAndRepairsWhatOthersChanged) {
  Planner p(100, KernelNexthops::Multipath);
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
  Installed previous;
  previous.multipath_routes = {{pfx("10.0.0.1/32"), {ecmp[1], ecmp[0]}},
                               {pfx("10.0.0.2/32"), {ecmp[0]}}};
  p.adopt(previous);
  EXPECT_TRUE(p.repair(previous).empty());
  // The same table again: no kernel write.
  EXPECT_TRUE(
      p.plan(route_update({{pfx("10.0.0.1/32"), ecmp}, {pfx("10.0.0.2/32"), {ecmp[0]}}}, {}))
          .empty());
  Installed k = previous;
  k.multipath_routes[0].second = {ecmp[1]};                       // someone dropped a next hop
  k.multipath_routes.erase(k.multipath_routes.begin() + 1);       // and deleted a route
  k.multipath_routes.push_back({pfx("10.0.0.7/32"), {ecmp[0]}});  // and added one as ours
  auto ops = p.repair(k);
  ASSERT_EQ(kinds(ops), (std::vector<std::string>{"SetRouteVia", "SetRouteVia", "DelRoute"}));
  std::map<wire::Prefix, std::vector<rib::NextHop>> set_again;
  for (int i : {0, 1})
    set_again[std::get<op::SetRouteVia>(ops[i]).prefix] =
        std::get<op::SetRouteVia>(ops[i]).nexthops;
  EXPECT_EQ(set_again, (std::map<wire::Prefix, std::vector<rib::NextHop>>{
                           {pfx("10.0.0.1/32"), ecmp}, {pfx("10.0.0.2/32"), {ecmp[0]}}}));
  EXPECT_EQ(std::get<op::DelRoute>(ops[2]).prefix, pfx("10.0.0.7/32"));
}

}  // namespace
}  // namespace closbgp::fib
