// The queue and the planner against the in-memory kernel (tests/mocks/fake_kernel.h):
// random updates, coalesced several at a time, must leave the kernel
// forwarding exactly the latest set of every prefix, with no operation
// refused (objects before the routes that use them, deletions after) and
// no object left that nothing uses; after a link goes down, repair() puts
// back what the RIB still wants; a restart that adopts the kernel writes
// nothing for an unchanged table. Some runs are discards (blackholes),
// some sets weighted.
// Both modes: nexthop objects and routes
// that carry their next hops.
#include <gtest/gtest.h>

#include <random>

#include "fib/planner.h"
#include "fib/update_queue.h"
#include "tests/mocks/fake_kernel.h"
#include "tests/mocks/route_updates.h"

namespace closbgp::fib {
namespace {

using mocks::FakeKernel;
using Table = std::map<wire::Prefix, std::vector<rib::NextHop>>;

constexpr uint32_t kFirstId = 1000;

rib::NextHop hop(uint32_t i) {
  return {2 + i, *wire::IpAddress::parse("fe80::" + std::to_string(i + 1))};
}

struct Random {
  std::mt19937 rng;
  explicit Random(unsigned seed) : rng(seed) {}
  uint32_t below(uint32_t n) { return rng() % n; }

  wire::Prefix prefix() {
    const uint32_t i = below(60);
    return i < 40 ? wire::Prefix(wire::IpAddress::v4(0x0a000000u | i << 8), 24)
                  : *wire::Prefix::parse("2001:db8:" + std::to_string(i) + "::/48");
  }
  // 1 to 4 of 4 next hops, in any order; a third of the sets weighted.
  std::vector<rib::NextHop> set() {
    const bool weighted = below(3) == 0;
    std::vector<rib::NextHop> out;
    for (uint32_t i = 0; i < 4; ++i)
      if (below(2)) {
        out.push_back(hop(i));
        if (weighted) out.back().weight = uint16_t(1 + below(3));
      }
    if (out.empty()) out.push_back(hop(below(4)));
    std::shuffle(out.begin(), out.end(), rng);
    return out;
  }
  // Runs of prefixes with one set, as UPDATEs bring them, and removals.
  rib::RouteUpdate update(Table& want) {
    rib::RouteUpdateBuilder u;
    std::set<wire::Prefix> seen;
    for (uint32_t run = below(4); run-- > 0;) {
      const bool discard = below(5) == 0;  // aggregates' blackholes
      const auto s = set();
      auto sorted = s;
      std::sort(sorted.begin(), sorted.end());
      for (uint32_t n = 1 + below(8); n-- > 0;)
        if (auto p = prefix(); seen.insert(p).second) {
          const std::vector<rib::NextHop> dropped = {rib::discard_next_hop(p.afi())};
          u.upsert(p, discard ? dropped : s);
          want[p] = discard ? dropped : sorted;
        }
    }
    for (uint32_t n = below(4); n-- > 0;)
      if (auto p = prefix(); seen.insert(p).second) {
        u.remove(p);
        want.erase(p);
      }
    return u.take();
  }
};

rib::RouteUpdate whole(const Table& table) {
  rib::RouteUpdateBuilder u;
  for (const auto& [p, s] : table) u.upsert(p, s);
  return u.take();
}

void run_model(KernelNexthops mode, unsigned seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random r(seed);
  FakeKernel kernel;
  Planner planner(kFirstId, mode);
  UpdateQueue queue;
  Table want;
  for (int step = 0; step < 300; ++step) {
    for (uint32_t n = 1 + r.below(3); n-- > 0;) queue.push(r.update(want));  // coalesced
    ASSERT_EQ(kernel.apply(planner.plan(queue.take())), std::vector<std::string>{});
    ASSERT_EQ(kernel.forwarding(), want) << "step " << step;
    ASSERT_EQ(planner.routes(), want.size());
    if (mode == KernelNexthops::Objects) {
      ASSERT_EQ(kernel.objects(), planner.groups() + planner.nexthops());
    } else {
      ASSERT_EQ(kernel.objects(), 0u);
    }
    if (step % 50 == 49) {
      // A link goes down and comes back before the RIB notices: repair.
      kernel.link_down(2 + r.below(4));
      ASSERT_EQ(kernel.apply(planner.repair(kernel.dump())), std::vector<std::string>{});
      ASSERT_EQ(kernel.forwarding(), want) << "after repair, step " << step;
    }
  }
  // A restart: the new run adopts the kernel; the same table writes nothing.
  Planner next(kFirstId, mode);
  next.adopt(kernel.dump());
  EXPECT_TRUE(next.plan(whole(want)).empty());
  EXPECT_TRUE(next.repair(kernel.dump()).empty());
}

TEST(FibModel, NexthopObjectsStayExactUnderRandomUpdates) {
  for (unsigned seed = 1; seed <= 20; ++seed) run_model(KernelNexthops::Objects, seed);
}

TEST(FibModel, MultipathRoutesStayExactUnderRandomUpdates) {
  for (unsigned seed = 1; seed <= 20; ++seed) run_model(KernelNexthops::Multipath, seed);
}

TEST(UpdateQueue, TheLatestSetPerPrefixWinsInFirstArrivalOrder) {
  UpdateQueue q;
  const auto a = wire::Prefix::parse("10.0.0.0/24").value();
  const auto b = wire::Prefix::parse("10.0.1.0/24").value();
  const auto c = wire::Prefix::parse("10.0.2.0/24").value();
  q.push(mocks::route_update({{a, {hop(0)}}, {b, {hop(0)}}}));
  q.push(mocks::route_update({{c, {hop(1)}}}, {a}));
  q.push(mocks::route_update({{a, {hop(1)}}}));
  EXPECT_EQ(q.size(), 3u);
  const Batch batch = q.take();
  EXPECT_TRUE(q.empty());
  ASSERT_EQ(batch.entries.size(), 3u);
  EXPECT_EQ(batch.entries[0].prefix, a);  // where it first arrived
  EXPECT_EQ(batch.sets[batch.entries[0].set], std::vector<rib::NextHop>{hop(1)});  // the latest
  EXPECT_EQ(batch.sets[batch.entries[1].set], std::vector<rib::NextHop>{hop(0)});
  // Each set once per update (the RIB interns them), not once per prefix.
  EXPECT_EQ(batch.sets.size(), 3u);
  EXPECT_EQ(batch.entries[1].set, 0u);  // a's first set, which b shares
  q.push(mocks::route_update({}, {b}));
  q.remove_unless_queued(b);
  q.remove_unless_queued(c);
  const Batch removals = q.take();
  ASSERT_EQ(removals.entries.size(), 2u);
  EXPECT_EQ(removals.entries[1].prefix, c);
  EXPECT_EQ(removals.entries[1].set, Batch::kRemove);
}

}  // namespace
}  // namespace closbgp::fib
