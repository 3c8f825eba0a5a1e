// The FSM, table-driven: every (state, event) of RFC 4271 sec. 8.2.2 that
// matters, with the state and actions that must follow. Time is a value.
#include <gtest/gtest.h>

#include "tests/unit/session/open_fixture.h"

namespace closbgp::session::test {
namespace {

using namespace std::chrono_literals;
using wire::ErrorCode;

const Clock::time_point T0{};

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

TEST(Fsm, AHoldTimerThatFindsUnreadInputWaitsForTheRead) {
  Session s = in_state(State::Established);
  EXPECT_TRUE(step(s, event::HoldExpired{true}, T0 + 20s).empty());
  EXPECT_EQ(s.state, State::Established);
  EXPECT_EQ(s.hold_at, T0 + 20s + kUnreadInputGrace);
  step(s, event::HoldExpired{false}, *s.hold_at);
  EXPECT_EQ(s.state, State::Idle);
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

}  // namespace
}  // namespace closbgp::session::test
