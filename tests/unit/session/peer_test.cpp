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
    auto& t = connect();
    t.connected();
    EXPECT_EQ(t.count<wire::OpenMessage>(), 1u);
    t.deliver(their_open(0x0a000002, graceful_restart));
    t.deliver(wire::KeepaliveMessage{});
    EXPECT_TRUE(peer_.negotiated());
    return t;
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
  EXPECT_EQ(t.notifications(), (std::vector<std::pair<int, int>>{{4, 0}}));  // Hold Timer Expired
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

TEST_F(PeerTest, ConnectRetryWaitsItsTime) {
  auto& t = connect();
  t.fail("connection refused");
  EXPECT_EQ(transports_.opened.size(), 1u);
  time_.advance(6s);  // connect-retry 10 s, less up to a quarter (RFC 4271 jitter)
  EXPECT_EQ(transports_.opened.size(), 1u);
  time_.advance(4s);
  EXPECT_EQ(transports_.opened.size(), 2u);
}

}  // namespace
}  // namespace closbgp::session
