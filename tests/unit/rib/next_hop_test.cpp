// Next hops that are not the neighbour on its link: resolved through the
// Loc-RIB and the connected subnets, ECMP inherited, followed when the
// underlay changes, invalid (kept out of selection) when they do not
// resolve, loops ending unresolved.
#include "bgpd/wire/link_bandwidth.h"
#include "rib/next_hop_tracker.h"
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kLoopback2 = *wire::IpAddress::parse("10.255.0.2");
const wire::Prefix kLoopback2Host = *wire::Prefix::parse("10.255.0.2/32");
const wire::Prefix kOverlay = *wire::Prefix::parse("10.2.0.0/24");

// An iBGP neighbour between loopbacks: no link of its own.
struct LoopbackNeighbor {
  SourceId id = 5;
  wire::IpAddress address = kLoopback2;

  PathSource source() const { return PathSource{id, false, kLocalAs, 0x0aff0002, address, 0}; }
  Member member() const {
    Member m;
    m.id = id;
    m.ebgp = false;
    m.peer_as = kLocalAs;
    m.negotiated = m.families = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    m.address = address;
    return m;
  }
  // `prefixes` with `next_hop` (its own address unless told).
  wire::UpdateMessage announce(std::vector<wire::Prefix> prefixes,
                               std::optional<wire::IpAddress> next_hop = {}) const {
    wire::UpdateMessage u;
    u.attributes.origin = wire::Origin::Igp;
    u.attributes.as_path = wire::AsPath{};
    u.attributes.local_pref = 100;
    wire::MpReach reach;
    reach.family = wire::Family::Ipv4Unicast;
    reach.next_hop = {next_hop.value_or(address), std::nullopt};
    for (const auto& p : prefixes) reach.nlri.push_back({p, 0});
    u.mp_reach = std::move(reach);
    return u;
  }
};

NextHopSet hops(std::initializer_list<const Neighbor*> via) {
  NextHopSet set;
  for (const Neighbor* n : via) set.push_back({n->id + 10, n->address()});
  return set;
}

std::optional<NextHopSet> installed(const RouteUpdate& u, const wire::Prefix& prefix) {
  for (const auto& [p, set] : u.upsert)
    if (p == prefix) return u.set(set);
  return std::nullopt;
}

bool removed(const RouteUpdate& u, const wire::Prefix& prefix) {
  return std::ranges::find(u.remove, prefix) != u.remove.end();
}

class NextHops : public Engine {
 protected:
  void SetUp() override {
    up(kA);
    up(kB);
    rib_.session_up(leaf2_.source(), leaf2_.member(), {}, out_);
  }
  // The spines' paths to leaf2's loopback.
  void underlay(std::initializer_list<const Neighbor*> via) {
    for (const Neighbor* n : via) rib_.apply(n->id, n->announce({kLoopback2Host}));
  }

  LoopbackNeighbor leaf2_;
};

TEST_F(NextHops, ResolveThroughTheUnderlayWithItsEcmpSet) {
  underlay({&kA, &kB});
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}));
  const auto fib = flush();
  EXPECT_EQ(installed(fib, kOverlay), hops({&kA, &kB}));
  EXPECT_EQ(installed(fib, kLoopback2Host), hops({&kA, &kB}));
  const Resolution* r = rib_.next_hops().find(kLoopback2);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->via, kLoopback2Host);
  EXPECT_FALSE(r->connected);
  ASSERT_NE(rib_.entry(kOverlay), nullptr);
  EXPECT_EQ(rib_.entry(kOverlay)->best().source.peer_id, leaf2_.id);
}

TEST_F(NextHops, AnUnderlayPathLostShrinksTheSetOfEveryDependent) {
  underlay({&kA, &kB});
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}));
  flush();
  rib_.apply(kA.id, kA.withdraw({kLoopback2Host}));
  const auto fib = flush();
  // Both prefixes move to the same new set: the FIB rewrites their group.
  EXPECT_EQ(installed(fib, kOverlay), hops({&kB}));
  EXPECT_EQ(installed(fib, kLoopback2Host), hops({&kB}));
}

TEST_F(NextHops, AnUnresolvedPathIsNotSelectedUntilItsNextHopResolves) {
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}));
  auto fib = flush();
  EXPECT_EQ(rib_.entry(kOverlay), nullptr);
  EXPECT_FALSE(installed(fib, kOverlay));
  EXPECT_TRUE(sent_to(kA.id, PrefixQuery{kOverlay, false}).empty());
  ASSERT_NE(rib_.adj_rib_in(leaf2_.id)->find(kOverlay), nullptr);  // kept
  EXPECT_FALSE(rib_.next_hops().find(kLoopback2)->resolved());

  underlay({&kA});
  fib = flush();
  EXPECT_EQ(installed(fib, kOverlay), hops({&kA}));
  EXPECT_EQ(sent_to(kB.id, PrefixQuery{kOverlay, false}).size(), 1u);

  rib_.apply(kA.id, kA.withdraw({kLoopback2Host}));
  fib = flush();
  EXPECT_TRUE(removed(fib, kOverlay));
  EXPECT_EQ(rib_.entry(kOverlay), nullptr);
  EXPECT_TRUE(sent_to(kB.id, PrefixQuery{kOverlay, false}).empty());
}

TEST_F(NextHops, AThirdPartyNextHopResolvesThroughItsConnectedSubnet) {
  const auto third = *wire::IpAddress::parse("10.0.0.9");
  rib_.set_connected({{*wire::IpAddress::parse("10.0.0.1"), 24, 11, false}});
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}, third));
  const auto fib = flush();
  EXPECT_EQ(installed(fib, kOverlay), (NextHopSet{{11, third}}));
  EXPECT_TRUE(rib_.next_hops().find(third)->connected);

  rib_.set_connected({});  // the address is gone: so is the route
  EXPECT_TRUE(rib_.pending());
  EXPECT_TRUE(removed(flush(), kOverlay));
}

TEST_F(NextHops, ARouteThatNeedsItsOwnNextHopIsALoop) {
  const auto covering = *wire::Prefix::parse("10.0.0.0/8");
  underlay({&kA});
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay, covering}));
  flush();
  ASSERT_NE(rib_.entry(covering), nullptr);
  // Without the /32 the next hop's longest match is the /8, which is
  // forwarded to that same next hop.
  rib_.apply(kA.id, kA.withdraw({kLoopback2Host}));
  const auto fib = flush();
  EXPECT_TRUE(removed(fib, kOverlay));
  EXPECT_TRUE(removed(fib, covering));
  EXPECT_FALSE(rib_.next_hops().find(kLoopback2)->resolved());
  EXPECT_FALSE(rib_.pending());
}

// leaf2 sends its own loopback over iBGP too: that path (the shorter AS
// path) is the best, and resolves through the spines' paths beside it.
TEST_F(NextHops, ALoopbackLearnedFromItsOwnerOverIbgpResolvesThroughTheOthers) {
  underlay({&kA, &kB});
  rib_.apply(leaf2_.id, leaf2_.announce({kLoopback2Host, kOverlay}));
  const auto fib = flush();
  EXPECT_FALSE(rib_.pending());  // settled in one flush, and stays so
  EXPECT_EQ(rib_.entry(kLoopback2Host)->best().source.peer_id, leaf2_.id);
  EXPECT_EQ(installed(fib, kLoopback2Host), hops({&kA, &kB}));
  EXPECT_EQ(installed(fib, kOverlay), hops({&kA, &kB}));
  EXPECT_TRUE(flush().upsert.empty());

  rib_.apply(kA.id, kA.withdraw({kLoopback2Host}));
  rib_.apply(kB.id, kB.withdraw({kLoopback2Host}));
  // Neither path was selected, yet the next hop must be resolved again.
  EXPECT_TRUE(rib_.pending());
  const auto gone = flush();
  EXPECT_TRUE(removed(gone, kOverlay));
  EXPECT_TRUE(removed(gone, kLoopback2Host));
  EXPECT_FALSE(rib_.pending());
}

// Weighted ECMP across resolved next hops: each path's link bandwidth is
// spread over the hops its next hop resolves to; a hop shared by several
// paths adds up their shares.
TEST_F(NextHops, LinkBandwidthsWeighTheHopsTheirNextHopsResolveTo) {
  const LoopbackNeighbor leaf3{6, *wire::IpAddress::parse("10.255.0.3")};
  rib_.session_up(leaf3.source(), leaf3.member(), {}, out_);
  const auto with_bandwidth = [](wire::UpdateMessage u, float bytes_per_second) {
    u.attributes.ext_communities = {wire::link_bandwidth_community(kLocalAs, bytes_per_second)};
    return u;
  };
  // leaf2 (3 Gbit/s) behind spine A only, leaf3 (1 Gbit/s) behind B only.
  rib_.apply(kA.id, kA.announce({kLoopback2Host}));
  rib_.apply(kB.id, kB.announce({*wire::Prefix::parse("10.255.0.3/32")}));
  rib_.apply(leaf2_.id, with_bandwidth(leaf2_.announce({kOverlay}), 375e6f));
  rib_.apply(leaf3.id, with_bandwidth(leaf3.announce({kOverlay}), 125e6f));
  auto set = installed(flush(), kOverlay);
  ASSERT_TRUE(set);
  NextHopSet weighted = hops({&kA, &kB});
  weighted[0].weight = 3;
  EXPECT_EQ(*set, weighted);
  // Both loopbacks behind both spines: each spine carries half of each: equal.
  rib_.apply(kA.id, kA.announce({*wire::Prefix::parse("10.255.0.3/32")}));
  rib_.apply(kB.id, kB.announce({kLoopback2Host}));
  set = installed(flush(), kOverlay);
  ASSERT_TRUE(set);
  EXPECT_EQ(*set, hops({&kA, &kB}));
}

TEST_F(NextHops, NotThroughTheDefaultRouteNorToOurOwnAddress) {
  rib_.apply(kA.id, kA.announce({*wire::Prefix::parse("0.0.0.0/0")}));
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}));
  EXPECT_FALSE(installed(flush(), kOverlay));

  underlay({&kA});
  rib_.set_connected({{kLoopback2, 32, 1, true}});  // leaf2's address is ours
  EXPECT_FALSE(installed(flush(), kOverlay));
  EXPECT_EQ(rib_.entry(kOverlay), nullptr);
}

TEST_F(NextHops, AGoneNeighboursNextHopsAreNoLongerTracked) {
  underlay({&kA});
  rib_.apply(leaf2_.id, leaf2_.announce({kOverlay}));
  flush();
  rib_.session_down(leaf2_.id, DownKind::Hard);
  EXPECT_TRUE(rib_.next_hops().empty());
  EXPECT_TRUE(removed(flush(), kOverlay));
}

}  // namespace
}  // namespace closbgp::rib::test
