// One neighbour's sessions: opening, keepalives and the hold time,
// collisions, max-prefix, connect-retry, the initial table, refresh, BFD
// (graceful restart: peer_restart_test.cpp).
#include "tests/unit/session/peer_fixture.h"

namespace closbgp::session::test {
namespace {

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

TEST_F(PeerTest, TheHoldTimerSparesAPeerWhoseMessagesWaitUnread) {
  auto& t = establish();
  t.unread = true;  // the loop woke late: the peer's KEEPALIVEs are in the kernel
  time_.advance(12s);
  EXPECT_TRUE(peer_.negotiated());
  t.unread = false;  // read, but no message after all: silence
  time_.advance(1s);
  EXPECT_FALSE(peer_.negotiated());
  EXPECT_EQ(t.notifications(), (std::vector<std::pair<int, int>>{{4, 0}}));
}

TEST_F(PeerTest, ACollisionKeepsTheConnectionOfTheHigherRouterId) {
  auto& out = connect();
  out.connected();  // our OPEN is out: OpenSent
  auto in = std::make_shared<mocks::FakeTransport>("192.0.2.1", "192.0.2.2");
  peer_.accept(in);
  in->deliver(their_open(0x0a000002));  // theirs is higher: their connection stays
  out.deliver(their_open(0x0a000002));
  EXPECT_EQ(out.notifications(), (std::vector<std::pair<int, int>>{{6, 7}}));  // Cease/Collision
  // Closed without a KEEPALIVE: the peer never takes it for Established.
  EXPECT_EQ(out.count<wire::KeepaliveMessage>(), 0u);
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
  EXPECT_EQ(in->count<wire::KeepaliveMessage>(), 0u);
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

// EVPN routes have a limit of their own (evpn: {max-prefix}), counted as
// the EVPN table holds them; the unicast one does not see them.
TEST_F(PeerTest, EvpnMaxPrefixIsALimitOfItsOwn) {
  PeerPolicy p;
  p.max_prefix.limit = 2;
  p.evpn_max_prefix.limit = 100;
  p.evpn_max_prefix.action = config::MaxPrefix::Action::Idle;
  peer_.set_policy(p);
  auto& t = establish(false);
  wire::UpdateMessage u;
  u.mp_reach = wire::MpReach{};
  u.mp_reach->family = wire::Family::L2vpnEvpn;
  events_.evpn_routes = 100;  // at the limit: still fine, unicast's 2 notwithstanding
  t.deliver(u);
  EXPECT_TRUE(t.notifications().empty());
  events_.evpn_routes = 101;
  t.deliver(u);
  EXPECT_EQ(t.notifications(), (std::vector<std::pair<int, int>>{{6, 1}}));  // Max Prefixes
  const auto& n = std::get<wire::NotificationMessage>(t.sent.back());
  EXPECT_EQ(n.data, (std::vector<uint8_t>{0, 25, 70, 0, 0, 0, 100}));  // L2VPN EVPN, limit 100
  EXPECT_TRUE(peer_.held_down());
  time_.advance(3600s);
  EXPECT_FALSE(peer_.enabled());  // idle: until an operator enables it
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

// A neighbour whose OPEN promises End-of-RIB (graceful restart) is waited
// for; one that did not promise it counts as done after three quiet seconds.
TEST_F(PeerTest, ItsInitialTableIsInAtEndOfRibOrAfterThreeQuietSeconds) {
  auto& t = establish();
  EXPECT_FALSE(peer_.initial_table_done());
  wire::UpdateMessage routes;
  routes.withdrawn = {{*wire::Prefix::parse("10.0.0.0/24"), 0}};
  t.deliver(routes);
  EXPECT_EQ(events_.updates, 1);
  time_.advance(5s);  // FRR's first UPDATE comes a second or more after Established
  EXPECT_FALSE(peer_.initial_table_done());
  t.deliver(wire::UpdateMessage{});  // End-of-RIB, IPv4 unicast
  EXPECT_FALSE(peer_.initial_table_done());
  wire::UpdateMessage v6_end;
  v6_end.mp_unreach = wire::MpUnreach{wire::Family::Ipv6Unicast, {}, {}};
  t.deliver(v6_end);  // and IPv6 unicast: every family of the session
  EXPECT_TRUE(peer_.initial_table_done());
  EXPECT_EQ(events_.updates, 1);  // End-of-RIB is not a route
  // A session that never sends End-of-RIB: three quiet seconds are enough
  // (FRR's first UPDATE comes more than a second after Established).
  peer_.stop(wire::cease::kAdminReset, "again");
  reestablish(/*graceful_restart=*/false).deliver(routes);
  time_.advance(2999ms);
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

TEST_F(PeerWithBfdTest, AMultihopNeighbourMovesItsBfdSessionToTheMultihopPort) {
  auto p = watched(false);
  ASSERT_EQ(bfd_.watched.size(), 1u);
  EXPECT_FALSE(bfd_.watched.begin()->first.multihop);
  const bfd::Multihop from_lo{asio::ip::make_address("10.255.0.1"), 254};
  p->set_bfd_multihop(from_lo);
  ASSERT_EQ(bfd_.watched.size(), 1u);  // the single-hop session is given up
  const auto& [key, on_change] = *bfd_.watched.begin();
  EXPECT_TRUE(key.multihop);
  EXPECT_EQ(key.to_string(), "192.0.2.2 (multihop)");
  EXPECT_EQ(bfd_.multihop.at(key), from_lo);
  EXPECT_TRUE(p->status().bfd_multihop);
  // A new source address is a new session (the peer's is keyed on it).
  bfd(bfd::State::Up);
  p->set_bfd_multihop(bfd::Multihop{asio::ip::make_address("10.255.0.9"), 254});
  EXPECT_EQ(bfd_.multihop.at(key).source, asio::ip::make_address("10.255.0.9"));
  EXPECT_EQ(p->status().bfd_state, "down");
  p->set_bfd_multihop(std::nullopt);
  EXPECT_FALSE(bfd_.watched.begin()->first.multihop);
  EXPECT_FALSE(p->status().bfd_multihop);
}

}  // namespace
}  // namespace closbgp::session::test
