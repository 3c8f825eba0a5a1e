// The RIB engine: one path from UPDATE to FIB delta and advertisement.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

TEST_F(Engine, AReceivedRouteGoesToTheKernelAndToTheOtherNeighbours) {
  up(kA);
  up(kB);
  EXPECT_EQ(out_.take(kA.id).end_of_rib.size(), 2u);  // an empty table, then End-of-RIB
  out_.take(kB.id);
  EXPECT_EQ(rib_.apply(kA.id, kA.announce({kP1, kP2})), 2u);
  const RouteUpdate fib = flush();
  ASSERT_EQ(fib.upsert.size(), 2u);
  EXPECT_EQ(fib.set(fib.upsert[0].second), (NextHopSet{{11, kA.address()}}));
  const auto sent = out_.take(kB.id);
  ASSERT_EQ(sent.announced.size(), 2u);
  EXPECT_EQ(as_path(sent.announced.at("10.1.0.0/24")), (std::vector<uint32_t>{kLocalAs, 65001}));
  EXPECT_TRUE(out_.nothing_for(kA.id));  // never back to its source
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 2u);
  EXPECT_EQ(rib_.prefixes_sent(kA.id), 0u);
  // The same counts per family, for the metrics' afi_safi label.
  EXPECT_EQ(rib_.prefixes_sent(kB.id, wire::Afi::Ipv4), 2u);
  EXPECT_EQ(rib_.prefixes_sent(kB.id, wire::Afi::Ipv6), 0u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(wire::Afi::Ipv4), 2u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->accepted(wire::Afi::Ipv4), 2u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->accepted(wire::Afi::Ipv6), 0u);
}

TEST_F(Engine, AnEbgpNeighbourIsNotSentPathsWithItsAs) {
  up(kA);
  up(kB);
  rib_.apply(kA.id, kA.announce({kP1}, {65002}));
  flush();
  EXPECT_TRUE(out_.take(kB.id).announced.empty());
}

TEST_F(Engine, ChangingAllowasInChecksTheKeptPathsAgain) {
  // A's path has our AS once: a loop until allowas-in 1, then selected and
  // sent on; back to 0, a loop again and withdrawn.
  up(kA);
  up(kB);
  out_.take(kB.id);
  rib_.apply(kA.id, kA.announce({kP1}, {kLocalAs, 65009}));
  flush();
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->accepted(), 0u);
  EXPECT_TRUE(out_.take(kB.id).announced.empty());
  PeerPolicy allow_once;
  allow_once.allowas_in = 1;
  rib_.set_policy(kA.id, allow_once, out_);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->accepted(), 1u);
  flush();
  EXPECT_EQ(out_.take(kB.id).announced.size(), 1u);
  rib_.set_policy(kA.id, PeerPolicy{}, out_);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->accepted(), 0u);
  flush();
  EXPECT_EQ(out_.take(kB.id).withdrawn.size(), 1u);
}

TEST_F(Engine, WithoutSenderSideLoopDetectionTheNeighbourDecides) {
  // B accepts such paths (allowas-in): a leaf's backup path for a spine.
  PeerPolicy sends_loops;
  sends_loops.sender_loop_check = false;
  up(kA);
  up(kB, sends_loops);
  rib_.apply(kA.id, kA.announce({kP1}, {65002}));
  flush();
  EXPECT_EQ(as_path(out_.take(kB.id).announced.at("10.1.0.0/24")),
            (std::vector<uint32_t>{kLocalAs, 65001, 65002}));
  // Turned back on by a reload: withdrawn, as if never sent.
  rib_.set_policy(kB.id, PeerPolicy{}, out_);
  EXPECT_EQ(out_.take(kB.id).withdrawn.size(), 1u);
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 0u);
  // Turned off for A: A is sent its own path back (it decides).
  EXPECT_TRUE(out_.take(kA.id).announced.empty());
  rib_.set_policy(kA.id, sends_loops, out_);
  EXPECT_EQ(as_path(out_.take(kA.id).announced.at("10.1.0.0/24")),
            (std::vector<uint32_t>{kLocalAs, 65001, 65002}));
}

TEST_F(Engine, MultipathInstallsEverySourceAndAWithdrawalShrinksTheSet) {
  up(kA);
  up(kB);
  up(kC);
  rib_.apply(kA.id, kA.announce({kP1}, {65100}));
  rib_.apply(kB.id, kB.announce({kP1}, {65100}));
  auto fib = flush();
  ASSERT_EQ(fib.upsert.size(), 1u);
  EXPECT_EQ(fib.set(fib.upsert[0].second).size(), 2u);
  rib_.apply(kA.id, kA.withdraw({kP1}));
  fib = flush();
  ASSERT_EQ(fib.upsert.size(), 1u);
  EXPECT_EQ(fib.set(fib.upsert[0].second), (NextHopSet{{12, kB.address()}}));
}

TEST_F(Engine, ImportPolicyDecidesWhatEntersTheLocRibAndTheAdjRibInKeepsAll) {
  auto deny = std::make_shared<policy::PrefixList>(
      policy::PrefixList{{{policy::Action::Permit, kP2, 24, 24}}});
  policy::RouteMapEntry drop{10, policy::Action::Deny, {}, {}, {}};
  drop.match.prefix_list = deny;
  policy::RouteMapEntry rest{20, policy::Action::Permit, {}, {}, {}};
  rest.set.local_pref = 250;
  PeerPolicy in;
  in.in = std::make_shared<policy::RouteMap>(std::vector<policy::RouteMapEntry>{drop, rest});
  up(kA, in);
  rib_.apply(kA.id, kA.announce({kP1, kP2}));
  flush();
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(), 2u);
  ASSERT_NE(rib_.accepted(kP1, kA.id), nullptr);
  EXPECT_EQ(rib_.accepted(kP1, kA.id)->local_pref(), 250u);
  EXPECT_EQ(rib_.accepted(kP2, kA.id), nullptr);
  // New policy: what it sent goes through it again, nothing is asked of it.
  rib_.set_policy(kA.id, {}, out_);
  flush();
  EXPECT_NE(rib_.accepted(kP2, kA.id), nullptr);
  EXPECT_EQ(rib_.accepted(kP1, kA.id)->local_pref(), kDefaultLocalPref);
}

TEST_F(Engine, Rfc8212RefusesAnEbgpNeighbourWithoutPolicy) {
  PeerPolicy strict;
  strict.requires_policy = true;
  up(kA, strict);
  up(kB, strict);
  rib_.apply(kA.id, kA.announce({kP1}));
  flush();
  EXPECT_EQ(rib_.prefixes(), 0u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(), 1u);
}

TEST_F(Engine, AHardDownWithdrawsEverythingItSent) {
  a_announces_to_b({kP1, kP2});
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Hard), 2u);
  const auto fib = flush();
  EXPECT_EQ(fib.remove.size(), 2u);
  EXPECT_EQ(out_.take(kB.id).withdrawn.size(), 2u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id), nullptr);
  EXPECT_EQ(rib_.prefixes(), 0u);
  EXPECT_FALSE(rib_.is_member(kA.id));
}

TEST_F(Engine, AGracefulDownKeepsPathsStaleUntilSentAgainOrSwept) {
  a_announces_to_b({kP1, kP2});
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Graceful), 2u);
  EXPECT_TRUE(flush().remove.empty());
  EXPECT_TRUE(out_.nothing_for(kB.id));  // still forwarding through it
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 2u);
  up(kA);                                 // back
  rib_.apply(kA.id, kA.announce({kP1}));  // sent again: no longer stale
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 1u);
  EXPECT_EQ(rib_.sweep_stale(kA.id, wire::Family::Ipv4Unicast), 1u);  // its End-of-RIB
  const auto fib = flush();
  EXPECT_EQ(fib.remove, std::vector<wire::Prefix>{kP2});
  EXPECT_EQ(out_.take(kB.id).withdrawn, std::vector<std::string>{"10.2.0.0/24"});
  EXPECT_NE(rib_.entry(kP1), nullptr);
}

// Long-lived graceful restart (RFC 9494): once the restart time runs out,
// the stale paths stay tagged LLGR_STALE, least preferred, sent only to
// members that offered LLGR; a path with NO_LLGR goes.
TEST_F(Engine, LongLivedStalePathsAreLeastPreferredAndKeptFromOthers) {
  up(kA);
  up(kB);
  Member c = kC.member();
  c.llgr = true;
  rib_.session_up(kC.source(), c, {}, out_);
  auto no_llgr = kA.announce({kP2});
  no_llgr.attributes.communities = {wire::kNoLlgr};
  rib_.apply(kA.id, kA.announce({kP1}));
  rib_.apply(kA.id, no_llgr);
  flush();
  out_.take(kB.id);
  out_.take(kC.id);
  rib_.session_down(kA.id, DownKind::Graceful);
  EXPECT_EQ(rib_.keep_long_lived(kA.id, wire::Family::Ipv4Unicast), 1u);
  EXPECT_EQ(flush().remove, std::vector<wire::Prefix>{kP2});  // NO_LLGR: gone
  auto to_b = out_.take(kB.id).withdrawn;  // no LLGR: the long-lived path is not for it
  std::sort(to_b.begin(), to_b.end());
  EXPECT_EQ(to_b, (std::vector<std::string>{"10.1.0.0/24", "10.2.0.0/24"}));
  const auto to_c = out_.take(kC.id);
  EXPECT_EQ(to_c.withdrawn, std::vector<std::string>{"10.2.0.0/24"});
  EXPECT_EQ(to_c.announced.at("10.1.0.0/24").communities, std::vector<uint32_t>{wire::kLlgrStale});
  // Least preferred: a longer path from B wins, alone.
  rib_.apply(kB.id, kB.announce({kP1}, {65010, 65011}));
  flush();
  EXPECT_EQ(rib_.entry(kP1)->best().source.peer_id, kB.id);
  EXPECT_EQ(rib_.entry(kP1)->multipath().size(), 1u);
  // A is back and sends it again: fresh, preferred, no longer stale.
  up(kA);
  rib_.apply(kA.id, kA.announce({kP1}));
  flush();
  EXPECT_EQ(rib_.entry(kP1)->best().source.peer_id, kA.id);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 0u);
}

TEST_F(Engine, OurOwnRoutesAreAdvertisedButNotInstalled) {
  up(kA);
  out_.take(kA.id);
  wire::PathAttributes own;
  own.origin = wire::Origin::Igp;
  own.as_path = wire::AsPath{};
  rib_.originate(kP1, own);
  const auto fib = flush();
  EXPECT_TRUE(fib.upsert.empty());
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(as_path(sent.announced.at("10.1.0.0/24")), std::vector<uint32_t>{kLocalAs});
  rib_.withdraw_local(kP1);
  flush();
  EXPECT_EQ(out_.take(kA.id).withdrawn, std::vector<std::string>{"10.1.0.0/24"});
}

TEST_F(Engine, DrainedAddsGracefulShutdownAndPrependsAndWarmWithdraws) {
  a_announces_to_b({kP1});
  rib_.set_node_drain(DrainState::Drained, out_);
  auto drained = out_.take(kB.id).announced.at("10.1.0.0/24");
  EXPECT_EQ(as_path(drained), (std::vector<uint32_t>{kLocalAs, kLocalAs, kLocalAs, 65001}));
  EXPECT_EQ(drained.communities, std::vector<uint32_t>{wire::kGracefulShutdown});
  rib_.set_member_drain(kB.id, DrainState::Warm, out_);  // its own state wins over the node's
  EXPECT_EQ(out_.take(kB.id).withdrawn, std::vector<std::string>{"10.1.0.0/24"});
  rib_.set_member_drain(kB.id, DrainState::Live, out_);
  rib_.set_node_drain(DrainState::Live, out_);
  EXPECT_EQ(as_path(out_.take(kB.id).announced.at("10.1.0.0/24")),
            (std::vector<uint32_t>{kLocalAs, 65001}));
}

TEST_F(Engine, NoEndOfRibWhileWarmAfterOurOwnGracefulRestart) {
  rib_.set_node_drain(DrainState::Warm, out_);
  Member restarted = kA.member();
  restarted.we_restarted = true;
  rib_.session_up(kA.source(), restarted, {}, out_);
  EXPECT_TRUE(out_.take(kA.id).end_of_rib.empty());
  rib_.set_node_drain(DrainState::Live, out_);  // converged: now it is due
  EXPECT_EQ(out_.take(kA.id).end_of_rib.size(), 2u);
}

TEST_F(Engine, MembersAlikeShareAGroupAndARefreshResendsTheTable) {
  up(kA);
  up(kB);
  up(kC);
  rib_.apply(kA.id, kA.announce({kP1, kP2}));
  flush();
  const auto b = out_.take(kB.id), c = out_.take(kC.id);
  EXPECT_EQ(b.announced.size(), 2u);
  EXPECT_EQ(b.announced, c.announced);
  EXPECT_EQ(sent_to(kB.id), sent_to(kC.id));
  EXPECT_EQ(rib_.group_size(kB.id), 3u);
  rib_.refresh(kC.id, out_);
  const auto again = out_.take(kC.id);
  EXPECT_EQ(again.announced.size(), 2u);
  EXPECT_EQ(again.end_of_rib.size(), 2u);
  EXPECT_TRUE(out_.nothing_for(kB.id));
}

TEST_F(Engine, ASessionUpTwiceIsOneMember) {
  up(kA);
  up(kB);
  up(kB);
  EXPECT_EQ(rib_.group_size(kB.id), 2u);
  rib_.apply(kA.id, kA.announce({kP1}));
  flush();
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 1u);
}

TEST_F(Engine, DefaultOriginateSendsOurDefaultRoute) {
  PeerPolicy with_default;
  with_default.default_originate = true;
  up(kA, with_default);
  const auto sent = out_.take(kA.id);
  EXPECT_TRUE(sent.announced.contains("0.0.0.0/0"));
  EXPECT_TRUE(sent.announced.contains("::/0"));
  EXPECT_EQ(sent_to(kA.id).size(), 2u);
  // Asked for by prefix, it is found without the rest.
  const auto v4_default = *wire::Prefix::parse("0.0.0.0/0");
  ASSERT_EQ(sent_to(kA.id, {v4_default, false}).size(), 1u);
  EXPECT_EQ(sent_to(kA.id, {v4_default, false})[0].first, v4_default);
}

// The API's lookups: one prefix, or those inside one, without the rest.
TEST_F(Engine, AnAdjRibOutIsReadByPrefixOrInsideOne) {
  const auto p3 = *wire::Prefix::parse("10.1.0.128/25");
  a_announces_to_b({kP1, kP2, p3});
  EXPECT_EQ(sent_to(kB.id).size(), 3u);
  const auto one = sent_to(kB.id, {kP2, false});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].first, kP2);
  EXPECT_EQ(as_path(one[0].second), (std::vector<uint32_t>{kLocalAs, kA.as}));
  const auto inside = sent_to(kB.id, {*wire::Prefix::parse("10.1.0.0/16"), true});
  ASSERT_EQ(inside.size(), 2u);
  EXPECT_EQ(inside[0].first, kP1);
  EXPECT_EQ(inside[1].first, p3);
  EXPECT_TRUE(sent_to(kB.id, {*wire::Prefix::parse("10.9.0.0/24"), false}).empty());
  EXPECT_TRUE(sent_to(kA.id, {kP1, false}).empty());  // its own route does not go back to it
}

TEST_F(Engine, ASummaryOnlyAggregateHidesItsMoreSpecifics) {
  rib_.set_aggregates({{*wire::Prefix::parse("10.0.0.0/8"), true, false, nullptr}});
  up(kA);
  up(kB);
  rib_.apply(kA.id, kA.announce({kP1}));
  const auto fib = flush();
  // The more-specific is still installed, beside the summary's discard.
  ASSERT_EQ(fib.upsert.size(), 2u);
  EXPECT_EQ(fib.upsert[0].first, *wire::Prefix::parse("10.0.0.0/8"));
  EXPECT_TRUE(is_discard(fib.set(fib.upsert[0].second)));
  EXPECT_EQ(fib.upsert[1].first, kP1);
  const auto sent = out_.take(kB.id);
  EXPECT_EQ(sent.announced.size(), 1u);
  EXPECT_TRUE(sent.announced.contains("10.0.0.0/8"));
}

class AdvertiseAfterInstall : public Engine {
 protected:
  static RibOptions with_hold() {
    RibOptions o = options();
    o.advertise_after_install = true;
    return o;
  }
  AdvertiseAfterInstall() : Engine(with_hold()) {}
  // A announces kP1, and B hears nothing of it yet.
  void a_announces() {
    up(kA);
    up(kB);
    out_.take(kB.id);
    rib_.apply(kA.id, kA.announce({kP1}));
    flush();
    EXPECT_TRUE(out_.nothing_for(kB.id));
  }
};

TEST_F(AdvertiseAfterInstall, ARouteWaitsForTheKernel) {
  a_announces();
  EXPECT_EQ(rib_.awaiting_install(), 1u);
  rib_.installed(std::vector<wire::Prefix>{kP1}, sequence_ - 1, out_);  // an older write
  EXPECT_TRUE(out_.nothing_for(kB.id));
  rib_.installed(std::vector<wire::Prefix>{kP1}, sequence_, out_);
  EXPECT_EQ(out_.take(kB.id).announced.size(), 1u);
  EXPECT_EQ(rib_.awaiting_install(), 0u);
}

// An aggregate's summary forwards through its discard route: it waits
// for the kernel like a learned route.
TEST_F(AdvertiseAfterInstall, ASummaryWaitsForItsDiscardRoute) {
  rib_.set_aggregates({{*wire::Prefix::parse("10.0.0.0/8"), false, false, nullptr}});
  a_announces();
  EXPECT_EQ(rib_.awaiting_install(), 2u);
  rib_.installed(std::vector<wire::Prefix>{*wire::Prefix::parse("10.0.0.0/8"), kP1}, sequence_,
                 out_);
  EXPECT_EQ(out_.take(kB.id).announced.size(), 2u);
}

TEST_F(Engine, ApplyCountsWhatTheNeighbourSentForMaxPrefix) {
  up(kA);
  EXPECT_EQ(rib_.apply(kA.id, kA.announce({kP1})), 1u);
  EXPECT_EQ(rib_.apply(kA.id, kA.announce({kP1, kP2})), 2u);
  EXPECT_EQ(rib_.apply(kA.id, kA.withdraw({kP1})), 1u);
  EXPECT_EQ(rib_.apply(kB.id, kB.announce({kP1})), 0u);  // not up: ignored
}

TEST_F(Engine, NothingIsLeftBehindWhenEveryoneIsGone) {
  const size_t interned = interned_count();
  up(kA);
  up(kB);
  rib_.apply(kA.id, kA.announce({kP1}, {64512}));
  rib_.apply(kB.id, kB.announce({kP2}, {64513}));
  flush();
  rib_.forget(kA.id);
  rib_.forget(kB.id);
  flush();
  EXPECT_EQ(rib_.prefixes(), 0u);
  EXPECT_EQ(interned_count(), interned);
}

}  // namespace
}  // namespace closbgp::rib::test
