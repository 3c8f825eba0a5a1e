// Add-path (RFC 7911) in the engine: a neighbour's paths for one prefix
// kept apart by path id, in the Adj-RIB-In, the Loc-RIB and across its
// graceful restart.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

// `n`'s UPDATE announcing `prefix` with path id `id` and AS_PATH {n, via}.
wire::UpdateMessage announce(const Neighbor& n, const wire::Prefix& prefix, uint32_t id,
                             uint32_t via) {
  wire::UpdateMessage u = n.announce({prefix}, {via});
  u.mp_reach->nlri.front().path_id = id;
  return u;
}

wire::UpdateMessage withdraw(const wire::Prefix& prefix, uint32_t id) {
  wire::UpdateMessage u;
  u.withdrawn.push_back({prefix, id});
  return u;
}

TEST_F(Engine, AnAddPathNeighboursPathsForOnePrefixAreKeptApartByPathId) {
  up(kA);
  up(kB);
  out_.take(kB.id);
  rib_.apply(kA.id, announce(kA, kP1, 7, 65010));
  EXPECT_EQ(rib_.apply(kA.id, announce(kA, kP1, 9, 65020)), 2u);  // two paths, one prefix
  flush();
  const LocRib::Entry* e = rib_.entry(kP1);
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->size(), 2u);
  EXPECT_EQ(e->multipath().size(), 2u);  // equal but for their AS_PATHs: ECMP
  EXPECT_EQ(e->path(0).source.path_id, 7u);
  EXPECT_EQ(e->path(1).source.path_id, 9u);
  EXPECT_NE(rib_.accepted(kP1, kA.id, 9), nullptr);
  EXPECT_EQ(rib_.accepted(kP1, kA.id, 0), nullptr);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(), 2u);
  // The same id again replaces its path; another's withdrawal leaves it.
  rib_.apply(kA.id, announce(kA, kP1, 9, 65030));
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->find(kP1, 9)->rank.neighbor_as, kA.as);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->find(kP1, 9)->attributes->as_path->segments[0].asns[1], 65030u);
  rib_.apply(kA.id, withdraw(kP1, 7));
  flush();
  ASSERT_EQ(rib_.entry(kP1)->size(), 1u);
  EXPECT_EQ(rib_.entry(kP1)->best().source.path_id, 9u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->duplicate_withdraws(), 0u);
  rib_.apply(kA.id, withdraw(kP1, 7));  // gone already
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->duplicate_withdraws(), 1u);
  EXPECT_EQ(out_.take(kB.id).announced.count("10.1.0.0/24"), 1u);  // still B's, one path
  rib_.apply(kA.id, withdraw(kP1, 9));
  flush();
  EXPECT_EQ(rib_.entry(kP1), nullptr);
  EXPECT_EQ(out_.take(kB.id).withdrawn, (std::vector<std::string>{"10.1.0.0/24"}));
}

TEST_F(Engine, OnePathIdOfAnUpdateGivesItsPrefixesOnePathEach) {
  up(kA);
  wire::UpdateMessage u = kA.announce({kP1, kP2}, {65010});
  u.mp_reach->nlri[0].path_id = 1;
  u.mp_reach->nlri[1].path_id = 2;
  rib_.apply(kA.id, u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->find(kP1, 1)->source.path_id, 1u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->find(kP2, 2)->source.path_id, 2u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->find(kP2, 1), nullptr);
}

TEST_F(Engine, AfterAGracefulRestartThePathIdsNotSentAgainAreSwept) {
  up(kA);
  rib_.apply(kA.id, announce(kA, kP1, 1, 65010));
  rib_.apply(kA.id, announce(kA, kP1, 2, 65020));
  rib_.apply(kA.id, announce(kA, kP2, 1, 65010));
  flush();
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Graceful), 2u);  // two prefixes
  up(kA);
  rib_.apply(kA.id, announce(kA, kP1, 1, 65010));  // path 2 of P1 and P2 not again
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 2u);
  rib_.apply(kA.id, announce(kA, kP2, 1, 65010));
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 1u);  // P1 still has path 2
  EXPECT_EQ(rib_.sweep_stale(kA.id, std::nullopt), 1u);
  flush();
  ASSERT_EQ(rib_.entry(kP1)->size(), 1u);
  EXPECT_EQ(rib_.entry(kP1)->best().source.path_id, 1u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(), 2u);
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->stale(), 0u);
}

TEST_F(Engine, AnAddPathNeighbourGoingDownTakesAllItsPaths) {
  up(kA);
  rib_.apply(kA.id, announce(kA, kP1, 1, 65010));
  rib_.apply(kA.id, announce(kA, kP1, 2, 65020));
  flush();
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Hard), 2u);
  const RouteUpdate fib = flush();
  EXPECT_EQ(rib_.entry(kP1), nullptr);
  EXPECT_EQ(fib.remove.size(), 1u);
}

// The send side: B receives path ids and is sent the paths `mode` picks.
class AddPathSending : public Engine {
 protected:
  void b_receives_ids(AddPathSend::Mode mode, uint8_t best = 1) {
    Member m = kB.member();
    m.add_path = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    PeerPolicy policy;
    policy.add_path = {mode, best};
    rib_.session_up(kB.source(), m, policy, out_);
    out_.take(kB.id);
  }
  // A and C send P1 with AS paths of one AS (an ECMP set), D with two.
  void three_paths() {
    for (const Neighbor* n : {&kA, &kC, &kD}) up(*n);
    rib_.apply(kA.id, kA.announce({kP1}));
    rib_.apply(kC.id, kC.announce({kP1}));
    rib_.apply(kD.id, kD.announce({kP1}, {65010}));
    flush();
  }
  static std::vector<std::string> keys(const mocks::AdvertisementRecorder::Sent& s) {
    std::vector<std::string> out;
    for (const auto& [key, attributes] : s.announced) out.push_back(key);
    return out;
  }
  const Neighbor kD{4, 65004};
};

TEST_F(AddPathSending, AllSendsEveryPathEachUnderItsOwnStableId) {
  b_receives_ids(AddPathSend::Mode::All);
  three_paths();
  const auto sent = out_.take(kB.id);
  EXPECT_EQ(keys(sent),
            (std::vector<std::string>{"10.1.0.0/24#1", "10.1.0.0/24#2", "10.1.0.0/24#3"}));
  EXPECT_EQ(as_path(sent.announced.at("10.1.0.0/24#1")), (std::vector<uint32_t>{kLocalAs, 65001}));
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 1u);  // prefixes, not paths
  // A's path goes: its id is withdrawn, the others are not sent again.
  rib_.apply(kA.id, kA.withdraw({kP1}));
  flush();
  auto change = out_.take(kB.id);
  EXPECT_EQ(change.withdrawn, (std::vector<std::string>{"10.1.0.0/24#1"}));
  EXPECT_TRUE(change.announced.empty());
  // A new path takes the lowest id free; a path replaced keeps its id.
  rib_.apply(kA.id, kA.announce({kP1}, {65020}));
  rib_.apply(kC.id, kC.announce({kP1}, {65030}));
  flush();
  change = out_.take(kB.id);
  EXPECT_TRUE(change.withdrawn.empty());
  EXPECT_EQ(as_path(change.announced.at("10.1.0.0/24#1")),
            (std::vector<uint32_t>{kLocalAs, 65001, 65020}));
  EXPECT_EQ(as_path(change.announced.at("10.1.0.0/24#2")),
            (std::vector<uint32_t>{kLocalAs, 65003, 65030}));
  // What `show ... advertised-routes` reads: each path with its id.
  std::vector<uint32_t> ids;
  rib_.visit_adj_rib_out(kB.id, {},
                         [&](const wire::Prefix&, uint32_t id, const auto&) { ids.push_back(id); });
  std::ranges::sort(ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 2, 3}));
  // The last path gone: the prefix is withdrawn id by id.
  for (const Neighbor* n : {&kA, &kC, &kD}) rib_.apply(n->id, n->withdraw({kP1}));
  flush();
  change = out_.take(kB.id);
  EXPECT_EQ(change.withdrawn.size(), 3u);
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 0u);
}

TEST_F(AddPathSending, EcmpAndBestNPickTheirPathsInPreferenceOrder) {
  three_paths();
  b_receives_ids(AddPathSend::Mode::Ecmp);  // joins with the table
  EXPECT_EQ(rib_.prefixes_sent(kB.id), 1u);
  std::vector<std::vector<uint32_t>> paths;
  for (const auto& [prefix, a] : sent_to(kB.id)) paths.push_back(as_path(a));
  std::ranges::sort(paths);
  EXPECT_EQ(paths, (std::vector<std::vector<uint32_t>>{{kLocalAs, 65001}, {kLocalAs, 65003}}));
  // best-1: the best path only (A's: the lower router-id); moving there
  // withdraws the id that no longer goes.
  PeerPolicy best_one;
  best_one.add_path = {AddPathSend::Mode::Best, 1};
  rib_.set_policy(kB.id, best_one, out_);
  auto moved = out_.take(kB.id);
  EXPECT_EQ(moved.withdrawn.size(), 1u);
  ASSERT_EQ(sent_to(kB.id).size(), 1u);
  EXPECT_EQ(as_path(sent_to(kB.id)[0].second), (std::vector<uint32_t>{kLocalAs, 65001}));
  PeerPolicy best_three = best_one;
  best_three.add_path.best = 3;
  rib_.set_policy(kB.id, best_three, out_);
  EXPECT_EQ(sent_to(kB.id).size(), 3u);
}

TEST_F(AddPathSending, ANeighbourIsNeverSentItsOwnPath) {
  b_receives_ids(AddPathSend::Mode::All);
  up(kA);
  rib_.apply(kA.id, kA.announce({kP1}));
  rib_.apply(kB.id, kB.announce({kP1}));
  flush();
  EXPECT_EQ(keys(out_.take(kB.id)), (std::vector<std::string>{"10.1.0.0/24#1"}));  // A's
}

TEST_F(AddPathSending, AFamilyWithoutIdsGetsTheBestPathAlone) {
  Member m = kB.member();
  m.add_path = {wire::Family::Ipv6Unicast};  // it takes ids for IPv6 only
  PeerPolicy policy;
  policy.add_path = {AddPathSend::Mode::All, 1};
  rib_.session_up(kB.source(), m, policy, out_);
  out_.take(kB.id);
  for (const Neighbor* n : {&kD, &kC, &kA}) up(*n);  // D's path first in candidate order
  rib_.apply(kD.id, kD.announce({kP1}, {65010}));
  rib_.apply(kC.id, kC.announce({kP1}));
  rib_.apply(kA.id, kA.announce({kP1}));
  flush();
  const auto sent = out_.take(kB.id);
  ASSERT_EQ(keys(sent), (std::vector<std::string>{"10.1.0.0/24"}));
  EXPECT_EQ(as_path(sent.announced.at("10.1.0.0/24")), (std::vector<uint32_t>{kLocalAs, 65001}));
  // The best moves to C: the same prefix, no withdrawal first.
  rib_.apply(kA.id, kA.withdraw({kP1}));
  flush();
  const auto moved = out_.take(kB.id);
  EXPECT_TRUE(moved.withdrawn.empty());
  EXPECT_EQ(as_path(moved.announced.at("10.1.0.0/24")), (std::vector<uint32_t>{kLocalAs, 65003}));
}

TEST_F(AddPathSending, WithoutASendModeTheBestGoesWithPathIdZero) {
  b_receives_ids(AddPathSend::Mode::Off);
  three_paths();
  EXPECT_EQ(keys(out_.take(kB.id)), (std::vector<std::string>{"10.1.0.0/24"}));
}

}  // namespace
}  // namespace closbgp::rib::test
