// BFD packets and sessions (RFC 5880), with time as a value: bring-up,
// detection expiry, Poll/Final, AdminDown, discriminators, bad packets.
#include <gtest/gtest.h>

#include <set>

#include "bgpd/bfd/session.h"

namespace closbgp::bfd {
namespace {

using namespace std::chrono_literals;
const Clock::time_point T0{};

TEST(BfdPacket, GoldenVectorBothWays) {
  ControlPacket p;
  p.state = State::Up;
  p.diag = Diag::None;
  p.poll = true;
  p.detect_mult = 3;
  p.my_discriminator = 0x11223344;
  p.your_discriminator = 0x55667788;
  p.desired_min_tx_us = 300000;
  p.required_min_rx_us = 300000;
  const std::vector<uint8_t> bytes = {0x20, 0xe0, 0x03, 0x18, 0x11, 0x22, 0x33, 0x44,
                                      0x55, 0x66, 0x77, 0x88, 0x00, 0x04, 0x93, 0xe0,
                                      0x00, 0x04, 0x93, 0xe0, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(encode(p), bytes);
  auto d = decode(bytes);
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(*d, p);
}

TEST(BfdPacket, BadPacketsAreDropped) {
  ControlPacket ok;
  ok.my_discriminator = 1;
  const auto good = encode(ok);
  auto with = [&](size_t i, uint8_t v) {
    auto b = good;
    b[i] = v;
    return b;
  };
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> bad = {
      {"short", std::vector<uint8_t>(good.begin(), good.begin() + 20)},
      {"version 0", with(0, 0x00)},
      {"length 20", with(3, 20)},
      {"length beyond packet", with(3, 40)},
      {"multiplier 0", with(2, 0)},
      {"multipoint", with(1, 0x41)},
      {"authentication", with(1, 0x44)},
      {"my discriminator 0", with(7, 0)},
      {"your discriminator 0 while Up", with(1, 0xc0)},
  };
  for (const auto& [name, bytes] : bad) EXPECT_FALSE(decode(bytes)) << name;
}

// Two sessions joined by a lossless wire; deliver() runs the exchange.
struct Link {
  Session a = make_session({300, 3}, 0xa), b = make_session({300, 3}, 0xb);
  std::vector<State> a_states, b_states;
  Clock::time_point now = T0;
  bool cut = false;

  void apply(Session& self, Session& peer, std::vector<Action> actions, std::vector<State>& log) {
    for (auto& act : actions) {
      if (auto* sc = std::get_if<action::StateChange>(&act)) log.push_back(sc->to);
      if (auto* s = std::get_if<action::Send>(&act); s && !cut) {
        auto& peer_log = &peer == &a ? a_states : b_states;
        apply(peer, self, on_packet(peer, s->packet, now), peer_log);
      }
    }
  }
  void tick_until(Clock::time_point end) {
    for (; now <= end; now += 10ms) {
      apply(a, b, on_timer(a, now), a_states);
      apply(b, a, on_timer(b, now), b_states);
    }
  }
};

TEST(BfdSession, BringUpThenPollToTheConfiguredRate) {
  Link l;
  l.apply(l.a, l.b, start(l.a, T0), l.a_states);
  l.apply(l.b, l.a, start(l.b, T0), l.b_states);
  EXPECT_EQ(l.a.state, State::Up);
  EXPECT_EQ(l.b.state, State::Up);
  // B heard A's Down first (Down -> Init); A then heard B's Init while still
  // Down, which takes it straight to Up (RFC 5880 6.8.6).
  EXPECT_EQ(l.b_states, (std::vector<State>{State::Init, State::Up}));
  EXPECT_EQ(l.a_states, (std::vector<State>{State::Up}));
  // While not Up the rate was 1 s (RFC 5880 6.8.3); the Poll Sequence that
  // follows Up has completed, so both now send every 300 ms.
  EXPECT_FALSE(l.a.polling);
  EXPECT_EQ(l.a.tx_interval_us, 300000u);
  EXPECT_EQ(l.b.tx_interval_us, 300000u);
  EXPECT_EQ(detection_time(l.a), 900ms);
  // Packets keep flowing at the fast rate and the session stays Up.
  l.tick_until(T0 + 5s);
  EXPECT_EQ(l.a.state, State::Up);
  EXPECT_GE(l.a.counters.tx, 5000 / 300);
  EXPECT_LE(l.a.counters.tx, 5000 / 225 + 5);
}

TEST(BfdSession, FastTimersDoNotFlapRightAfterUp) {
  // At 50 ms x 3 the peer's detection time drops to 150 ms as soon as we
  // announce the fast rate, so we must send at that rate from then on, not
  // only once our Poll Sequence completes (RFC 5880 6.8.3).
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Link l;
    l.a = make_session({50, 3}, 0xa);
    l.b = make_session({50, 3}, 0xb);
    l.a.rng ^= seed;
    l.b.rng ^= seed * 7;
    l.apply(l.a, l.b, start(l.a, T0), l.a_states);
    l.tick_until(T0 + 500ms);
    l.apply(l.b, l.a, start(l.b, l.now), l.b_states);
    l.tick_until(l.now + 5s);
    EXPECT_EQ(l.a.state, State::Up) << "seed " << seed;
    EXPECT_EQ(l.a.counters.down_transitions + l.b.counters.down_transitions, 0u) << "seed " << seed;
  }
}

TEST(BfdSession, DetectionTimeExpiry) {
  Link l;
  l.apply(l.a, l.b, start(l.a, T0), l.a_states);
  l.apply(l.b, l.a, start(l.b, T0), l.b_states);
  l.tick_until(T0 + 1s);
  l.cut = true;  // silent loss: no packets either way
  const auto cut_at = l.now;
  l.tick_until(cut_at + 850ms);
  EXPECT_EQ(l.a.state, State::Up);  // not before 3 x 300 ms
  l.tick_until(cut_at + 920ms);
  EXPECT_EQ(l.a.state, State::Down);
  EXPECT_EQ(l.a.diag, Diag::DetectionTimeExpired);
  EXPECT_EQ(l.a.remote_disc, 0u);
  EXPECT_EQ(l.a.counters.down_transitions, 1u);
  // Back to the slow rate while Down; the link heals and it comes back.
  EXPECT_EQ(l.a.tx_interval_us, kSlowIntervalUs);
  l.cut = false;
  l.tick_until(l.now + 3s);
  EXPECT_EQ(l.a.state, State::Up);
  EXPECT_EQ(l.b.state, State::Up);
}

TEST(BfdSession, PeerAdminDownIsNotAPathFailure) {
  Link l;
  l.apply(l.a, l.b, start(l.a, T0), l.a_states);
  l.apply(l.b, l.a, start(l.b, T0), l.b_states);
  auto acts = admin_down(l.b);
  ASSERT_EQ(acts.size(), 4u);  // the state change and three packets
  auto result = on_packet(l.a, std::get<action::Send>(acts[1]).packet, l.now);
  ASSERT_FALSE(result.empty());
  const auto& sc = std::get<action::StateChange>(result[0]);
  EXPECT_EQ(sc.to, State::Down);
  EXPECT_EQ(sc.diag, Diag::NeighborSignaledDown);
  EXPECT_TRUE(sc.peer_admin_down);
}

TEST(BfdSession, WrongDiscriminatorIsDropped) {
  Session s = make_session({300, 3}, 7);
  ControlPacket p;
  p.my_discriminator = 9;
  p.your_discriminator = 8;  // not ours
  p.state = State::Init;
  EXPECT_TRUE(on_packet(s, p, T0).empty());
  EXPECT_EQ(s.counters.dropped, 1u);
  EXPECT_EQ(s.state, State::Down);
}

TEST(BfdSession, PollIsAnsweredWithFinal) {
  Session s = make_session({300, 3}, 7);
  ControlPacket p;
  p.my_discriminator = 9;
  p.state = State::Down;
  p.poll = true;
  auto out = on_packet(s, p, T0);
  const ControlPacket* sent = nullptr;
  for (auto& a : out)
    if (auto* snd = std::get_if<action::Send>(&a)) sent = &snd->packet;
  ASSERT_TRUE(sent);
  EXPECT_TRUE(sent->final);
  EXPECT_FALSE(sent->poll);
}

TEST(BfdSession, TransmitIsJittered) {
  Session s = make_session({300, 3}, 7);
  s.tx_interval_us = 300000;
  std::set<int64_t> gaps;
  for (int i = 0; i < 50; ++i) {
    start(s, T0);
    const auto gap = std::chrono::duration_cast<std::chrono::microseconds>(*s.next_tx_at - T0);
    EXPECT_GE(gap, 225ms);
    EXPECT_LE(gap, 300ms);
    gaps.insert(gap.count());
  }
  EXPECT_GT(gaps.size(), 5u);
}

}  // namespace
}  // namespace closbgp::bfd
