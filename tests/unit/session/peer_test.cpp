// One neighbour's sessions without sockets or sleeping: fake connections
// (the test plays the neighbour), a fake clock, and a fake RIB side that
// records what the Peer tells it.
#include "bgpd/session/peer.h"

#include <gtest/gtest.h>

#include "tests/mocks/fake_bfd.h"
#include "tests/mocks/fake_time.h"
#include "tests/mocks/fake_transport.h"

namespace closbgp::session {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kOurId = 0x0a000001, kTheirAs = 65001;

// The RIB side: counts what it is told; `received` and `stale` are what
// it answers when asked.
struct Events final : PeerEvents {
  void peer_established(Peer&) override { ++established; }
  size_t peer_down(Peer&) override {
    ++down;
    return received;
  }
  size_t peer_restarting(Peer&) override {
    ++restarting;
    return stale = received;
  }
  size_t peer_update(Peer&, const wire::UpdateMessage&) override {
    ++updates;
    return received;
  }
  size_t peer_sweep_stale(Peer&, std::optional<wire::Family>) override {
    ++sweeps;
    return std::exchange(stale, 0);
  }
  size_t peer_stale(const Peer&) const override { return stale; }
  size_t peer_received(const Peer&) const override { return received; }
  void peer_refresh_requested(Peer&) override {}
  void peer_bfd_changed(Peer&, const std::string&, const std::string&) override {}

  int established = 0, down = 0, restarting = 0, updates = 0, sweeps = 0;
  size_t received = 0, stale = 0;
};

LocalConfig ours() {
  LocalConfig l;
  l.asn = 65000;
  l.router_id = kOurId;
  l.peer_as.kind = PeerAsRule::Kind::External;
  l.gr_restart_time = 120;
  return l;
}

// The neighbour's OPEN: its router-id decides collisions.
// `restarted`: it comes back from a restart with its forwarding kept (R, F).
wire::Message their_open(uint32_t router_id, bool graceful_restart = true, bool restarted = false) {
  LocalConfig l;
  l.asn = kTheirAs;
  l.router_id = router_id;
  if (graceful_restart) l.gr_restart_time = 120;
  l.gr_restarting = restarted;
  return make_open(l);
}

class PeerTest : public ::testing::Test {
 protected:
  PeerTest() : peer_(time_, transports_, 7, identity(), ours(), events_, bfd_, std::nullopt) {}

  static PeerIdentity identity() {
    PeerIdentity id;
    id.name = "192.0.2.2";
    id.remote_as_config = "external";
    return id;
  }
  // Starts the peer and lets its first connect attempt go out.
  mocks::FakeTransport& connect() {
    peer_.set_address(asio::ip::make_address("192.0.2.2"));
    peer_.start();
    time_.advance(1s);
    EXPECT_EQ(transports_.opened.size(), 1u);
    auto& t = *transports_.opened.back();
    EXPECT_TRUE(t.connecting);
    return t;
  }
  // An outbound session to Established.
  mocks::FakeTransport& establish(bool graceful_restart = true) {
    auto& t = establish_opened(connect(), graceful_restart);
    EXPECT_EQ(t.count<wire::OpenMessage>(), 1u);
    EXPECT_TRUE(peer_.negotiated());
    return t;
  }
  // Connection `t`, just opened, to Established (the neighbour's OPEN and KEEPALIVE).
  static mocks::FakeTransport& establish_opened(mocks::FakeTransport& t,
                                                bool graceful_restart = true) {
    t.connected();
    t.deliver(their_open(0x0a000002, graceful_restart));
    t.deliver(wire::KeepaliveMessage{});
    return t;
  }
  // Started again: its next connection to Established.
  mocks::FakeTransport& reestablish() {
    peer_.start();
    time_.advance(1s);
    return establish_opened(*transports_.opened.back());
  }

  mocks::FakeTime time_;
  mocks::FakeTransports transports_;
  mocks::FakeBfd bfd_;
  Events events_;
  Peer peer_;
};

TEST_F(PeerTest, OpensAndEstablishesAnOutboundSession) {
  auto& t = establish();
  EXPECT_EQ(t.count<wire::KeepaliveMessage>(), 1u);
  EXPECT_TRUE(t.reading);
  EXPECT_EQ(events_.established, 1);
  EXPECT_EQ(peer_.negotiated()->peer_as, kTheirAs);
  EXPECT_EQ(peer_.status().state, State::Established);
}

TEST_F(PeerTest, KeepalivesGoOutAndSilenceEndsTheSessionAtTheHoldTime) {
  auto& t = establish();
  const size_t before = t.count<wire::KeepaliveMessage>();
  time_.advance(8s);  // hold 9 s: keepalives every 3 s, nothing heard
  EXPECT_GE(t.count<wire::KeepaliveMessage>(), before + 2);
  EXPECT_TRUE(peer_.negotiated());
  time_.advance(1s);
  EXPECT_FALSE(peer_.negotiated());
  EXPECT_EQ(t.notifications(),
            (std::vector<std::pair<int, int>>{{4, 0}}));  // Hold net::Timer Expired
  EXPECT_EQ(events_.down, 1);
  EXPECT_TRUE(t.closed);
}

TEST_F(PeerTest, ACollisionKeepsTheConnectionOfTheHigherRouterId) {
  auto& out = connect();
  out.connected();  // our OPEN is out: OpenSent
  auto in = std::make_shared<mocks::FakeTransport>("192.0.2.1", "192.0.2.2");
  peer_.accept(in);
  in->deliver(their_open(0x0a000002));  // theirs is higher: their connection stays
  out.deliver(their_open(0x0a000002));
  EXPECT_EQ(out.notifications(), (std::vector<std::pair<int, int>>{{6, 7}}));  // Cease/Collision
  EXPECT_TRUE(out.closed);
  EXPECT_FALSE(in->closed);
  in->deliver(wire::KeepaliveMessage{});
  EXPECT_TRUE(peer_.negotiated());
  EXPECT_EQ(events_.established, 1);
}

TEST_F(PeerTest, ACollisionWithALowerRouterIdKeepsOurs) {
  auto& out = connect();
  out.connected();
  auto in = std::make_shared<mocks::FakeTransport>("192.0.2.1", "192.0.2.2");
  peer_.accept(in);
  in->deliver(their_open(0x09000001));  // lower than ours: our connection stays
  EXPECT_EQ(in->notifications(), (std::vector<std::pair<int, int>>{{6, 7}}));
  out.deliver(their_open(0x09000001));
  out.deliver(wire::KeepaliveMessage{});
  EXPECT_TRUE(peer_.negotiated());
  EXPECT_FALSE(out.closed);
}

TEST_F(PeerTest, AnInboundConnectionWhileEstablishedIsRefused) {
  establish();
  auto late = std::make_shared<mocks::FakeTransport>("192.0.2.1", "192.0.2.2");
  peer_.accept(late);
  EXPECT_EQ(late->notifications(), (std::vector<std::pair<int, int>>{{6, 7}}));
  EXPECT_TRUE(late->closed);
  EXPECT_TRUE(peer_.negotiated());
}

TEST_F(PeerTest, MaxPrefixClosesTheSessionAndRestartsAfterItsTime) {
  PeerPolicy p;
  p.max_prefix.limit = 2;
  p.max_prefix.restart_after = 30;
  peer_.set_policy(p);
  auto& t = establish(false);  // without the N bit: a plain Cease, not inside a Hard Reset
  events_.received = 3;        // the engine now holds 3 of its prefixes
  wire::UpdateMessage u;
  u.withdrawn = {{*wire::Prefix::parse("10.0.0.0/24"), 0}};
  t.deliver(u);
  EXPECT_EQ(t.notifications(), (std::vector<std::pair<int, int>>{{6, 1}}));  // Max Prefixes
  const auto& n = std::get<wire::NotificationMessage>(t.sent.back());
  EXPECT_EQ(n.data, (std::vector<uint8_t>{0, 1, 1, 0, 0, 0, 2}));  // IPv4 unicast, limit 2
  EXPECT_TRUE(peer_.held_down());
  EXPECT_FALSE(peer_.enabled());
  events_.received = 0;
  time_.advance(29s);
  EXPECT_FALSE(peer_.enabled());
  time_.advance(1s);
  EXPECT_TRUE(peer_.enabled());
  EXPECT_FALSE(peer_.held_down());
}

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

TEST_F(PeerTest, ConnectRetryWaitsItsTime) {
  auto& t = connect();
  t.fail("connection refused");
  EXPECT_EQ(transports_.opened.size(), 1u);
  time_.advance(6s);  // connect-retry 10 s, less up to a quarter (RFC 4271 jitter)
  EXPECT_EQ(transports_.opened.size(), 1u);
  time_.advance(4s);
  EXPECT_EQ(transports_.opened.size(), 2u);
}

// Our own graceful restart (the kernel kept our routes): the OPEN says so
// with the R and F bits, and a neighbour that helps us is told End-of-RIB
// only once our tables are in (restarting_gracefully()).
TEST_F(PeerTest, WeRestartedGracefullyAndSayItInOurOpen) {
  LocalConfig local = ours();
  local.gr_restarting = true;
  Peer restarted(time_, transports_, 8, identity(), local, events_, bfd_, std::nullopt);
  restarted.set_address(asio::ip::make_address("192.0.2.2"));
  restarted.start();
  time_.advance(1s);
  auto& t = *transports_.opened.back();
  t.connected();
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

// Until its initial table is in (End-of-RIB, or a second without UPDATEs
// from a peer that sends none), the node stays WARM.
TEST_F(PeerTest, ItsInitialTableIsInAtEndOfRibOrAfterAQuietSecond) {
  auto& t = establish();
  EXPECT_FALSE(peer_.initial_table_done());
  wire::UpdateMessage routes;
  routes.withdrawn = {{*wire::Prefix::parse("10.0.0.0/24"), 0}};
  t.deliver(routes);
  EXPECT_EQ(events_.updates, 1);
  time_.advance(500ms);
  EXPECT_FALSE(peer_.initial_table_done());
  t.deliver(wire::UpdateMessage{});  // End-of-RIB, IPv4 unicast
  EXPECT_FALSE(peer_.initial_table_done());
  wire::UpdateMessage v6_end;
  v6_end.mp_unreach = wire::MpUnreach{wire::Family::Ipv6Unicast, {}};
  t.deliver(v6_end);  // and IPv6 unicast: every family of the session
  EXPECT_TRUE(peer_.initial_table_done());
  EXPECT_EQ(events_.updates, 1);  // End-of-RIB is not a route
  // A session that never sends End-of-RIB: a quiet second is enough.
  peer_.stop(wire::cease::kAdminReset, "again");
  reestablish().deliver(routes);
  time_.advance(999ms);
  EXPECT_FALSE(peer_.initial_table_done());
  time_.advance(1ms);
  EXPECT_TRUE(peer_.initial_table_done());
}

// A changed path-attribute filter applies to what comes next, and the
// neighbour is asked for its routes again so that it applies to the rest.
TEST_F(PeerTest, ANewAttributeFilterAsksTheNeighbourForItsRoutesAgain) {
  auto& t = establish();
  EXPECT_EQ(t.count<wire::RouteRefreshMessage>(), 0u);
  PeerPolicy p;
  p.path_attribute.discard = {32};  // LARGE_COMMUNITY
  peer_.set_policy(p);
  EXPECT_EQ(t.count<wire::RouteRefreshMessage>(), 2u);  // IPv4 and IPv6 unicast
  peer_.set_policy(p);                                  // unchanged: nothing asked
  EXPECT_EQ(t.count<wire::RouteRefreshMessage>(), 2u);
}

class PeerWithBfdTest : public PeerTest {
 protected:
  // A neighbour watched by BFD; `strict`: no BGP session unless BFD is Up.
  std::unique_ptr<Peer> watched(bool strict) {
    auto p = std::make_unique<Peer>(time_, transports_, 9, identity(), ours(), events_, bfd_,
                                    bfd::Params{}, strict);
    p->set_address(asio::ip::make_address("192.0.2.2"));
    p->start();
    return p;
  }
  void bfd(bfd::State state, bool peer_admin_down = false) {
    ASSERT_EQ(bfd_.watched.size(), 1u);
    bfd_.watched.begin()->second({state, bfd::Diag::None, peer_admin_down});
  }
};

TEST_F(PeerWithBfdTest, BfdDownTakesTheSessionDownUnlessThePeerSaysAdminDown) {
  auto p = watched(false);
  time_.advance(1s);
  ASSERT_EQ(transports_.opened.size(), 1u);
  establish_opened(*transports_.opened.back());
  ASSERT_TRUE(p->negotiated());
  bfd(bfd::State::Up);
  bfd(bfd::State::Down, true);  // maintenance on its side: BGP stays
  EXPECT_TRUE(p->negotiated());
  bfd(bfd::State::Up);
  bfd(bfd::State::Down);
  EXPECT_FALSE(p->negotiated());
  EXPECT_EQ(events_.down, 1);
}

TEST_F(PeerWithBfdTest, StrictBfdStartsTheSessionOnlyOnceBfdIsUp) {
  auto p = watched(true);
  time_.advance(5s);
  EXPECT_TRUE(transports_.opened.empty());
  auto in = std::make_shared<mocks::FakeTransport>("192.0.2.1", "192.0.2.2");
  p->accept(in);  // refused while BFD is not Up
  EXPECT_EQ(in->notifications(), (std::vector<std::pair<int, int>>{{6, 7}}));
  bfd(bfd::State::Up);
  ASSERT_EQ(transports_.opened.size(), 1u);
  establish_opened(*transports_.opened.back());
  EXPECT_TRUE(p->negotiated());
}

}  // namespace
}  // namespace closbgp::session
