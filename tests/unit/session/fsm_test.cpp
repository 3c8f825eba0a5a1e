// The FSM, table-driven: every (state, event) of RFC 4271 sec. 8.2.2 that
// matters, with the state and actions that must follow. Time is a value.
#include <gtest/gtest.h>

#include <algorithm>

#include "bgpd/session/fsm.h"

namespace closbgp::session {
namespace {

using namespace std::chrono_literals;
using wire::ErrorCode;

const Clock::time_point T0{};

LocalConfig local() {
  LocalConfig l;
  l.asn = 65101;
  l.router_id = 0x0a00000b;
  l.hostname = "leaf1";
  return l;
}

wire::OpenMessage peer_open(uint32_t asn = 65000, uint16_t hold = 90) {
  LocalConfig p;
  p.asn = asn;
  p.router_id = 0x0a000001;
  p.hold_time = hold;
  return make_open(p);
}

// A session driven into `target` through the normal path.
Session in_state(State target, LocalConfig l = local()) {
  Session s;
  s.local = l;
  const std::vector<Event> path = {event::Start{}, event::TcpConnected{},
                                   event::OpenReceived{peer_open()}, event::KeepaliveReceived{}};
  const State order[] = {State::Connect, State::OpenSent, State::OpenConfirm, State::Established};
  if (target == State::Idle) return s;
  for (size_t i = 0; i < path.size(); ++i) {
    step(s, path[i], T0);
    if (s.state == target) return s;
    EXPECT_EQ(s.state, order[i]);
  }
  if (target == State::Active) {  // a failed connect
    Session a;
    a.local = l;
    step(a, event::Start{}, T0);
    step(a, event::TcpFailed{"refused"}, T0);
    return a;
  }
  return s;
}

// Actions as short strings, so that tables read like the RFC.
std::vector<std::string> names(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) {
    if (std::holds_alternative<action::Connect>(a)) out.push_back("Connect");
    if (std::holds_alternative<action::Disconnect>(a)) out.push_back("Disconnect");
    if (std::holds_alternative<action::Established>(a)) out.push_back("Established");
    if (std::holds_alternative<action::Down>(a)) out.push_back("Down");
    if (auto* s = std::get_if<action::Send>(&a)) {
      std::string n(wire::message_type_name(wire::type_of(s->message)));
      if (auto* notif = std::get_if<wire::NotificationMessage>(&s->message))
        n += " " + std::to_string(int(notif->code)) + "/" + std::to_string(notif->subcode);
      out.push_back(n);
    }
  }
  return out;
}

struct Row {
  State from;
  Event event;
  State to;
  std::vector<std::string> actions;
};

TEST(Fsm, TransitionTable) {
  using S = State;
  const wire::DecodeError header_err{ErrorCode::MessageHeader, 1, {}, "marker"};
  const wire::DecodeError update_err{ErrorCode::Update, 1, {}, "attribute list"};
  const wire::NotificationMessage cease{ErrorCode::Cease, 2, {}};
  const std::vector<Row> rows = {
      {S::Idle, event::Start{}, S::Connect, {"Connect"}},
      {S::Idle, event::ConnectRetryExpired{}, S::Connect, {"Connect"}},
      {S::Idle, event::Stop{}, S::Idle, {"Disconnect"}},
      {S::Idle, event::KeepaliveReceived{}, S::Idle, {}},
      {S::Idle, event::TcpAccepted{}, S::Idle, {}},

      {S::Connect, event::TcpConnected{}, S::OpenSent, {"OPEN"}},
      {S::Connect, event::TcpAccepted{}, S::OpenSent, {"OPEN"}},
      {S::Connect, event::TcpFailed{"refused"}, S::Active, {"Disconnect"}},
      {S::Connect, event::ConnectRetryExpired{}, S::Connect, {"Disconnect", "Connect"}},
      {S::Connect, event::Stop{}, S::Idle, {"Disconnect"}},
      {S::Connect, event::OpenReceived{peer_open()}, S::Idle, {"Disconnect"}},

      {S::Active, event::ConnectRetryExpired{}, S::Connect, {"Disconnect", "Connect"}},
      {S::Active, event::TcpAccepted{}, S::OpenSent, {"OPEN"}},
      {S::Active, event::Stop{}, S::Idle, {"Disconnect"}},

      {S::OpenSent, event::OpenReceived{peer_open()}, S::OpenConfirm, {"KEEPALIVE"}},
      {S::OpenSent,
       event::OpenReceived{peer_open(65101)},
       S::Idle,
       {"NOTIFICATION 2/2", "Disconnect"}},
      {S::OpenSent, event::TcpFailed{"reset"}, S::Active, {"Disconnect"}},
      {S::OpenSent, event::HoldExpired{}, S::Idle, {"NOTIFICATION 4/0", "Disconnect"}},
      {S::OpenSent, event::KeepaliveReceived{}, S::Idle, {"NOTIFICATION 5/1", "Disconnect"}},
      {S::OpenSent, event::UpdateReceived{}, S::Idle, {"NOTIFICATION 5/1", "Disconnect"}},
      {S::OpenSent, event::NotificationReceived{cease}, S::Idle, {"Disconnect"}},
      {S::OpenSent, event::BadMessage{header_err}, S::Idle, {"NOTIFICATION 1/1", "Disconnect"}},
      {S::OpenSent, event::Stop{}, S::Idle, {"NOTIFICATION 6/2", "Disconnect"}},
      {S::OpenSent, event::KeepaliveDue{}, S::OpenSent, {}},

      {S::OpenConfirm, event::KeepaliveReceived{}, S::Established, {"Established"}},
      {S::OpenConfirm, event::KeepaliveDue{}, S::OpenConfirm, {"KEEPALIVE"}},
      {S::OpenConfirm, event::HoldExpired{}, S::Idle, {"NOTIFICATION 4/0", "Disconnect"}},
      {S::OpenConfirm,
       event::OpenReceived{peer_open()},
       S::Idle,
       {"NOTIFICATION 5/2", "Disconnect"}},
      {S::OpenConfirm, event::UpdateReceived{}, S::Idle, {"NOTIFICATION 5/2", "Disconnect"}},
      {S::OpenConfirm, event::NotificationReceived{cease}, S::Idle, {"Disconnect"}},
      {S::OpenConfirm, event::TcpFailed{"reset"}, S::Idle, {"Disconnect"}},
      {S::OpenConfirm, event::Stop{}, S::Idle, {"NOTIFICATION 6/2", "Disconnect"}},

      {S::Established, event::KeepaliveReceived{}, S::Established, {}},
      {S::Established, event::UpdateReceived{}, S::Established, {}},
      {S::Established, event::RouteRefreshReceived{}, S::Established, {}},
      {S::Established, event::KeepaliveDue{}, S::Established, {"KEEPALIVE"}},
      {S::Established, event::HoldExpired{}, S::Idle, {"NOTIFICATION 4/0", "Down", "Disconnect"}},
      {S::Established, event::NotificationReceived{cease}, S::Idle, {"Down", "Disconnect"}},
      {S::Established,
       event::OpenReceived{peer_open()},
       S::Idle,
       {"NOTIFICATION 5/3", "Down", "Disconnect"}},
      {S::Established, event::TcpFailed{"reset"}, S::Idle, {"Down", "Disconnect"}},
      {S::Established,
       event::BadMessage{update_err},
       S::Idle,
       {"NOTIFICATION 3/1", "Down", "Disconnect"}},
      {S::Established, event::Stop{}, S::Idle, {"NOTIFICATION 6/2", "Down", "Disconnect"}},
  };
  for (const auto& r : rows) {
    Session s = in_state(r.from);
    ASSERT_EQ(s.state, r.from);
    const auto actions = step(s, r.event, T0 + 1s);
    EXPECT_EQ(s.state, r.to) << state_name(r.from) << " event #" << r.event.index();
    EXPECT_EQ(names(actions), r.actions) << state_name(r.from) << " event #" << r.event.index();
  }
}

TEST(Fsm, PassiveWaitsForThePeer) {
  LocalConfig l = local();
  l.passive = true;
  Session s;
  s.local = l;
  EXPECT_TRUE(step(s, event::Start{}, T0).empty());
  EXPECT_EQ(s.state, State::Active);
  EXPECT_FALSE(s.connect_retry_at);
  EXPECT_TRUE(step(s, event::ConnectRetryExpired{}, T0).empty());
  EXPECT_EQ(names(step(s, event::TcpAccepted{}, T0)), std::vector<std::string>{"OPEN"});
}

TEST(Fsm, ConnectRetryIsJittered) {
  for (uint64_t seed = 1; seed < 200; ++seed) {
    Session s;
    s.local = local();
    s.rng = seed;
    step(s, event::Start{}, T0);
    ASSERT_TRUE(s.connect_retry_at);
    const auto d = *s.connect_retry_at - T0;
    EXPECT_GE(d, 7500ms);
    EXPECT_LE(d, 10s);
  }
}

TEST(Fsm, TimersFollowTheNegotiatedHoldTime) {
  Session s;
  s.local = local();
  step(s, event::Start{}, T0);
  step(s, event::TcpConnected{}, T0);
  EXPECT_EQ(s.hold_at, T0 + kOpenSentHoldTime);  // RFC 4271: a large value until OPEN
  EXPECT_FALSE(s.connect_retry_at);
  step(s, event::OpenReceived{peer_open(65000, 90)}, T0 + 1s);
  EXPECT_EQ(s.negotiated.hold_time, 9);  // the smaller of ours (9) and theirs (90)
  EXPECT_EQ(s.negotiated.keepalive, 3);
  EXPECT_EQ(s.hold_at, T0 + 10s);
  EXPECT_EQ(s.keepalive_at, T0 + 4s);
  step(s, event::KeepaliveReceived{}, T0 + 2s);
  EXPECT_EQ(s.hold_at, T0 + 11s);
  step(s, event::UpdateReceived{}, T0 + 5s);
  EXPECT_EQ(s.hold_at, T0 + 14s);
  step(s, event::KeepaliveDue{}, T0 + 4s);
  EXPECT_EQ(s.keepalive_at, T0 + 7s);
}

TEST(Fsm, HoldTimeZeroMeansNoTimers) {
  Session s;
  s.local = local();
  step(s, event::Start{}, T0);
  step(s, event::TcpConnected{}, T0);
  step(s, event::OpenReceived{peer_open(65000, 0)}, T0);
  EXPECT_EQ(s.negotiated.hold_time, 0);
  EXPECT_FALSE(s.hold_at);
  EXPECT_FALSE(s.keepalive_at);
}

TEST(Fsm, ErrorsRestartAutomaticallyStopDoesNot) {
  Session s = in_state(State::Established);
  step(s, event::HoldExpired{}, T0 + 20s);
  EXPECT_EQ(s.state, State::Idle);
  EXPECT_EQ(s.last_error, "hold timer expired");
  ASSERT_TRUE(s.connect_retry_at);
  EXPECT_EQ(names(step(s, event::ConnectRetryExpired{}, *s.connect_retry_at)),
            std::vector<std::string>{"Connect"});
  EXPECT_EQ(s.state, State::Connect);

  Session t = in_state(State::Established);
  step(t, event::Stop{wire::cease::kAdminShutdown, "maintenance"}, T0);
  EXPECT_EQ(t.state, State::Idle);
  EXPECT_FALSE(t.connect_retry_at);
}

TEST(Fsm, StopSendsTheShutdownMessage) {
  Session s = in_state(State::Established);
  auto actions = step(s, event::Stop{wire::cease::kAdminShutdown, "maintenance"}, T0);
  auto* send = std::get_if<action::Send>(&actions.front());
  ASSERT_TRUE(send);
  const auto& n = std::get<wire::NotificationMessage>(send->message);
  EXPECT_EQ(n.shutdown_message(), "maintenance");
}

// Only Administrative Shutdown and Reset carry RFC 9003 text; other
// subcodes carry their own data (RFC 4486: AFI, SAFI and the prefix limit).
TEST(Fsm, StopCarriesTheDataOfItsSubcode) {
  Session s = in_state(State::Established);
  const std::vector<uint8_t> limit{0, 1, 1, 0, 0, 0, 100};
  auto actions = step(s, event::Stop{wire::cease::kMaxPrefixes, "", false, limit}, T0);
  const auto& n =
      std::get<wire::NotificationMessage>(std::get<action::Send>(actions.front()).message);
  EXPECT_EQ(n.subcode, wire::cease::kMaxPrefixes);
  EXPECT_EQ(n.data, limit);

  Session t = in_state(State::OpenConfirm);
  actions = step(t, event::Stop{wire::cease::kCollisionResolution, ""}, T0);
  EXPECT_TRUE(std::get<wire::NotificationMessage>(std::get<action::Send>(actions.front()).message)
                  .data.empty());
}

TEST(Fsm, PeerNotificationIsTheReason) {
  Session s = in_state(State::Established);
  step(s,
       event::NotificationReceived{
           wire::NotificationMessage::cease_with_message(wire::cease::kAdminShutdown, "bye")},
       T0);
  EXPECT_EQ(s.last_error, "peer sent NOTIFICATION Cease / Administrative Shutdown (\"bye\")");
}

TEST(Fsm, AHardResetCarriesTheReasonInside) {
  Session s = in_state(State::Established);
  auto actions = step(s, event::Stop{wire::cease::kPeerDeconfigured, "", true}, T0);
  const auto& n =
      std::get<wire::NotificationMessage>(std::get<action::Send>(actions.front()).message);
  EXPECT_EQ(n.subcode, wire::cease::kHardReset);
  ASSERT_FALSE(n.data.empty());
  EXPECT_EQ(n.data[0], wire::cease::kPeerDeconfigured);  // RFC 8538 sec. 3
}

TEST(Negotiation, GracefulRestartWhenBothOfferIt) {
  LocalConfig l = local();
  l.gr_restart_time = 120;
  l.gr_restarting = true;
  const auto open = make_open(l);
  ASSERT_TRUE(open.capabilities.graceful_restart);
  const auto& gr = *open.capabilities.graceful_restart;
  EXPECT_TRUE(gr.restarting);    // R: we restarted
  EXPECT_TRUE(gr.notification);  // N: RFC 8538
  EXPECT_EQ(gr.restart_time, 120);
  ASSERT_EQ(gr.families.size(), 2u);
  EXPECT_TRUE(gr.families[0].forwarding_preserved);  // F: the kernel kept our routes

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.gr_restart_time = 90;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->graceful_restart);
  EXPECT_TRUE(n->gr_notification);
  EXPECT_EQ(n->peer_restart_time, 90);
  EXPECT_TRUE(n->we_restarted);
  EXPECT_FALSE(n->peer_forwarding_kept.has(wire::Family::Ipv4Unicast));  // it did not restart

  // Either side without it: none.
  EXPECT_FALSE(negotiate(l, peer_open())->graceful_restart);
  l.gr_restart_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.graceful_restart);
  EXPECT_FALSE(negotiate(l, make_open(peer))->graceful_restart);
}

TEST(Negotiation, LongLivedGracefulRestartGoesWithGracefulRestart) {
  LocalConfig l = local();
  l.gr_restart_time = 120;
  l.llgr_stale_time = 3600;
  const auto open = make_open(l);
  ASSERT_TRUE(open.capabilities.long_lived_gr);
  ASSERT_EQ(open.capabilities.long_lived_gr->families.size(), 2u);
  EXPECT_EQ(open.capabilities.long_lived_gr->families[1],
            (wire::LongLivedGracefulRestart::Family{2, 1, false, 3600}));

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.gr_restart_time = 90;
  peer.llgr_stale_time = 600;
  peer.gr_restarting = true;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->peer_llgr, (std::vector<std::pair<wire::Family, uint32_t>>{
                              {wire::Family::Ipv4Unicast, 600}, {wire::Family::Ipv6Unicast, 600}}));
  EXPECT_TRUE(n->peer_llgr_forwarding_kept.has(wire::Family::Ipv6Unicast));
  const auto names = capability_names(*n);
  EXPECT_NE(std::ranges::find(names, "long-lived-graceful-restart"), names.end());
  l.llgr_stale_time = 300;  // we help for at most our own time
  EXPECT_EQ(negotiate(l, make_open(peer))->peer_llgr.front().second, 300u);
  // Not offered by us: the peer's is not used; never without graceful restart.
  l.llgr_stale_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.long_lived_gr);
  EXPECT_TRUE(negotiate(l, make_open(peer))->peer_llgr.empty());
  l.llgr_stale_time = 3600;
  l.gr_restart_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.long_lived_gr);
  EXPECT_TRUE(negotiate(l, make_open(peer))->peer_llgr.empty());
}

TEST(Negotiation, PeerAsRules) {
  LocalConfig l = local();
  EXPECT_TRUE(negotiate(l, peer_open(65000)));
  auto same = negotiate(l, peer_open(65101));
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().subcode, wire::open_error::kBadPeerAs);
  l.peer_as = {PeerAsRule::Kind::Internal, 0};
  EXPECT_TRUE(negotiate(l, peer_open(65101)));
  EXPECT_FALSE(negotiate(l, peer_open(65000)));
  l.peer_as = {PeerAsRule::Kind::Number, 4200000000u};
  EXPECT_TRUE(negotiate(l, peer_open(4200000000u)));
  EXPECT_FALSE(negotiate(l, peer_open(65000)));
}

// RFC 7607: AS 0 in My AS or in the 4-octet AS capability is Bad Peer AS,
// whatever remote-as allows.
TEST(Negotiation, AsZeroIsABadPeerAs) {
  LocalConfig l = local();
  auto zero = peer_open(0);  // My AS 0 and a 4-octet AS capability of 0
  auto r = negotiate(l, zero);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().subcode, wire::open_error::kBadPeerAs);
  EXPECT_NE(r.error().reason.find("RFC 7607"), std::string::npos);
  auto cap_only = peer_open(65000);
  cap_only.capabilities.four_octet_as = 0;
  EXPECT_FALSE(negotiate(l, cap_only));
  auto my_as_only = peer_open(65000);
  my_as_only.my_as = 0;
  EXPECT_FALSE(negotiate(l, my_as_only));
}

TEST(Negotiation, FourOctetAsTravelsAsAsTrans) {
  LocalConfig p = local();
  p.asn = 4200000000u;
  const auto open = make_open(p);
  EXPECT_EQ(open.my_as, wire::kAsTrans);
  EXPECT_EQ(open.capabilities.four_octet_as, 4200000000u);
  auto n = negotiate(local(), open);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->peer_as, 4200000000u);
  EXPECT_TRUE(n->four_octet_as);
}

TEST(Negotiation, FamiliesAndExtendedNextHop) {
  auto n = negotiate(local(), peer_open());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->families, (wire::FamilySet{wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast}));
  EXPECT_TRUE(n->ipv4_via_ipv6);
  EXPECT_TRUE(n->ebgp);

  wire::OpenMessage old = peer_open();
  old.capabilities = {};  // a speaker without capabilities: IPv4 only, 2-octet AS
  old.my_as = 65000;
  n = negotiate(local(), old);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->families, wire::FamilySet{wire::Family::Ipv4Unicast});
  EXPECT_FALSE(n->four_octet_as);
  EXPECT_FALSE(n->ipv4_via_ipv6);

  wire::OpenMessage l2vpn = peer_open();
  l2vpn.capabilities.multiprotocol = {{25, 70}};
  auto none = negotiate(local(), l2vpn);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().subcode, wire::open_error::kUnsupportedCapability);
}

TEST(Negotiation, IbgpPeerWithOurRouterIdIsRejected) {
  LocalConfig l = local();
  l.peer_as = {PeerAsRule::Kind::Internal, 0};
  wire::OpenMessage o = peer_open(65101);
  o.bgp_id = l.router_id;
  auto n = negotiate(l, o);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().subcode, wire::open_error::kBadBgpId);
}

}  // namespace
}  // namespace closbgp::session
