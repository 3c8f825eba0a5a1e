// Graceful restart, one neighbour: the helper's side (an announced
// restart, a lost session with `helper: always`, the return and its
// End-of-RIB) and our own (the R and F bits, planned stops).
#include "tests/unit/session/peer_fixture.h"

namespace closbgp::session::test {
namespace {

TEST_F(PeerTest, AnAnnouncedRestartKeepsPathsStaleUntilItsRestartTime) {
  auto& t = establish();
  events_.received = 5;
  // Cease / Administrative Shutdown with the N bit negotiated: a planned restart.
  t.deliver(wire::NotificationMessage{wire::ErrorCode::Cease, wire::cease::kAdminShutdown, {}});
  EXPECT_EQ(events_.restarting, 1);
  EXPECT_EQ(events_.down, 0);
  EXPECT_EQ(events_.stale, 5u);
  time_.advance(119s);
  EXPECT_EQ(events_.sweeps, 0);
  time_.advance(1s);  // its restart time (120 s) ran out
  EXPECT_EQ(events_.sweeps, 1);
  EXPECT_EQ(events_.stale, 0u);
}

// RFC 4724 sec. 4.2: what its capability does not list goes at once (here
// EVPN: their OPEN lists unicast only); with EVPN listed, its EVPN routes
// wait as its unicast paths do.
TEST_F(PeerTest, AnAnnouncedRestartKeepsOnlyTheFamiliesItsCapabilityLists) {
  auto& t = establish();
  events_.received = 5;
  t.deliver(wire::NotificationMessage{wire::ErrorCode::Cease, wire::cease::kAdminShutdown, {}});
  EXPECT_EQ(events_.swept, (std::vector<std::optional<wire::Family>>{wire::Family::L2vpnEvpn}));
  EXPECT_EQ(events_.stale, 5u);

  time_.advance(11s);  // connect-retry
  ASSERT_EQ(transports_.opened.size(), 2u);
  auto& next = *transports_.opened.back();
  next.connected();
  next.deliver(their_open(0x0a000002, true, true, true));
  next.deliver(wire::KeepaliveMessage{});
  ASSERT_TRUE(peer_.negotiated());
  events_.swept.clear();
  next.deliver(wire::NotificationMessage{wire::ErrorCode::Cease, wire::cease::kAdminShutdown, {}});
  EXPECT_TRUE(events_.swept.empty());
}

TEST_F(PeerTest, BackFromARestartItsEndOfRibEndsTheStalePaths) {
  auto& t = establish();
  events_.received = 5;
  t.deliver(wire::NotificationMessage{wire::ErrorCode::Cease, wire::cease::kAdminShutdown, {}});
  time_.advance(11s);  // connect-retry: the next connection
  ASSERT_EQ(transports_.opened.size(), 2u);
  auto& again = *transports_.opened.back();
  again.connected();
  again.deliver(their_open(0x0a000002, true, true));
  again.deliver(wire::KeepaliveMessage{});
  ASSERT_TRUE(peer_.negotiated());
  EXPECT_EQ(events_.sweeps, 0);  // it kept its forwarding: the paths wait for End-of-RIB
  EXPECT_EQ(events_.stale, 5u);
  again.deliver(wire::UpdateMessage{});  // End-of-RIB for IPv4 unicast
  EXPECT_EQ(events_.sweeps, 1);
  EXPECT_EQ(events_.stale, 0u);
}

TEST_F(PeerTest, AFailureWithoutAWordWithdrawsAtOnce) {
  auto& t = establish();
  t.fail("connection reset");
  EXPECT_EQ(events_.down, 1);
  EXPECT_EQ(events_.restarting, 0);
  EXPECT_EQ(peer_.last_error(), "connection closed: connection reset");
}

// graceful-restart: {helper: always}: RFC 4724's helper also for a session
// lost without a word.
LocalConfig helping_always() {
  LocalConfig l = ours();
  l.gr_help_failures = true;
  return l;
}

class HelperAlwaysTest : public PeerTest {
 protected:
  // A neighbour whose outbound session is Established (`graceful_restart`:
  // its OPEN offers it), holding 5 paths.
  std::unique_ptr<Peer> established(bool graceful_restart = true,
                                    std::optional<bfd::Params> bfd = std::nullopt) {
    auto p = std::make_unique<Peer>(time_, transports_, 9, identity(), helping_always(), events_,
                                    bfd_, bfd);
    p->set_address(asio::ip::make_address("192.0.2.2"));
    p->start();
    time_.advance(1s);
    establish_opened(*transports_.opened.back(), graceful_restart);
    EXPECT_TRUE(p->negotiated());
    events_.received = 5;
    return p;
  }
};

TEST_F(HelperAlwaysTest, ALostSessionKeepsThePathsStaleForItsRestartTime) {
  auto p = established();
  transports_.opened.back()->fail("connection reset");
  EXPECT_EQ(events_.restarting, 1);
  EXPECT_EQ(events_.down, 0);
  EXPECT_EQ(events_.stale, 5u);
  time_.advance(119s);
  EXPECT_EQ(events_.sweeps, 0);
  time_.advance(1s);  // its restart time ran out
  EXPECT_EQ(events_.sweeps, 1);
  EXPECT_EQ(events_.stale, 0u);
}

TEST_F(HelperAlwaysTest, HoldExpiryIsALostSessionToo) {
  auto p = established();
  time_.advance(9s);  // nothing from it for the hold time (RFC 8538 sec. 4)
  EXPECT_FALSE(p->negotiated());
  EXPECT_EQ(events_.restarting, 1);
  EXPECT_EQ(events_.down, 0);
}

TEST_F(HelperAlwaysTest, ANeighbourWithoutGracefulRestartLosesItsPathsAtOnce) {
  auto p = established(false);
  transports_.opened.back()->fail("connection reset");
  EXPECT_EQ(events_.restarting, 0);
  EXPECT_EQ(events_.down, 1);
}

TEST_F(HelperAlwaysTest, BfdDownAfterTheLossTakesTheStalePaths) {
  auto p = established(true, bfd::Params{});
  ASSERT_EQ(bfd_.watched.size(), 1u);
  auto bfd = bfd_.watched.begin()->second;
  bfd({bfd::State::Up, bfd::Diag::None, false});
  transports_.opened.back()->fail("connection reset");
  EXPECT_EQ(events_.stale, 5u);
  bfd({bfd::State::Down, bfd::Diag::DetectionTimeExpired, false});
  EXPECT_EQ(events_.sweeps, 1);
  EXPECT_EQ(events_.stale, 0u);
  time_.advance(120s);  // nothing left to wait for
  EXPECT_EQ(events_.sweeps, 1);
}

// Our own graceful restart (the kernel kept our routes): the OPEN says so
// with the R and F bits, and a neighbour that helps us is told End-of-RIB
// only once our tables are in (restarting_gracefully()).
TEST_F(PeerTest, WeRestartedGracefullyAndSayItInOurOpen) {
  LocalConfig local = ours();
  local.gr_restarting = true;
  auto [peer, transport] = connected(8, local);
  Peer& restarted = *peer;
  auto& t = *transport;
  const auto& open = std::get<wire::OpenMessage>(t.sent.front());
  ASSERT_TRUE(open.capabilities.graceful_restart);
  EXPECT_TRUE(open.capabilities.graceful_restart->restarting);
  for (const auto& f : open.capabilities.graceful_restart->families)
    EXPECT_TRUE(f.forwarding_preserved);
  t.deliver(their_open(0x0a000002));
  t.deliver(wire::KeepaliveMessage{});
  ASSERT_TRUE(restarted.negotiated());
  EXPECT_TRUE(restarted.restarting_gracefully());
  // A neighbour without graceful restart does not wait for us.
  EXPECT_FALSE(peer_.restarting_gracefully());
}

// Stopped for our own planned restart, a neighbour with the N bit gets a
// plain Cease and keeps our routes; stopped for good, the Cease goes inside
// a Hard Reset (RFC 8538) and its stale paths of ours go at once.
TEST_F(PeerTest, APlannedStopIsAPlainCeaseAndAnyOtherAHardReset) {
  auto& t = establish();
  peer_.stop(wire::cease::kAdminShutdown, "restarting", true);
  EXPECT_EQ(t.notifications(), (std::vector<std::pair<int, int>>{{6, 2}}));
  auto& again = reestablish();
  ASSERT_TRUE(peer_.negotiated());
  peer_.stop(wire::cease::kAdminShutdown, "removed");
  EXPECT_EQ(again.notifications(), (std::vector<std::pair<int, int>>{{6, 9}}));  // Hard Reset
}

// Long-lived graceful restart (RFC 9494), both offering it: when the
// restart time runs out the paths stay, long-lived, for the neighbour's
// long-lived stale time, then go.
TEST_F(PeerTest, LongLivedStalePathsOutliveTheRestartTimeByTheirOwn) {
  LocalConfig local = ours();
  local.llgr_stale_time = 3600;
  auto [p, transport] = connected(9, local);
  auto& t = *transport;
  LocalConfig theirs;
  theirs.asn = kTheirAs;
  theirs.router_id = 0x0a000002;
  theirs.gr_restart_time = 120;
  theirs.llgr_stale_time = 600;  // the lower, theirs, is what they ask for
  t.deliver(make_open(theirs));
  t.deliver(wire::KeepaliveMessage{});
  ASSERT_TRUE(p->negotiated());
  events_.received = 5;
  t.deliver(wire::NotificationMessage{wire::ErrorCode::Cease, wire::cease::kAdminShutdown, {}});
  EXPECT_EQ(events_.stale, 5u);
  time_.advance(120s);  // the restart time: both families go long-lived
  EXPECT_EQ(events_.long_lived, 2);
  EXPECT_EQ(events_.sweeps, 0);
  time_.advance(599s);
  EXPECT_EQ(events_.sweeps, 0);
  time_.advance(1s);  // the long-lived stale time ran out
  EXPECT_GE(events_.sweeps, 1);
  EXPECT_EQ(events_.stale, 0u);
}

// Until its initial table is in (End-of-RIB, or a second without UPDATEs
// from a peer that sends none), the node stays WARM.

}  // namespace
}  // namespace closbgp::session::test
