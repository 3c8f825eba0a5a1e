// The Peer under test without sockets or sleeping: fake connections (the
// test plays the neighbour), a fake clock, and a fake RIB side that
// records what the Peer tells it. Shared by peer_test.cpp and
// peer_restart_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "bgpd/session/peer.h"
#include "tests/mocks/fake_bfd.h"
#include "tests/mocks/fake_time.h"
#include "tests/mocks/fake_transport.h"

namespace closbgp::session::test {

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
  size_t peer_sweep_stale(Peer&, std::optional<wire::Family> family) override {
    swept.push_back(family);
    // Its stale paths are unicast: a sweep of EVPN alone finds none.
    if (family == wire::Family::L2vpnEvpn) return 0;
    ++sweeps;
    return std::exchange(stale, 0);
  }
  size_t peer_keep_long_lived(Peer&, wire::Family) override {
    ++long_lived;
    return stale;
  }
  size_t peer_stale(const Peer&) const override { return stale; }
  size_t peer_received(const Peer&) const override { return received; }
  size_t peer_evpn_routes(const Peer&) const override { return evpn_routes; }
  void peer_refresh_requested(Peer&) override {}
  void peer_bfd_changed(Peer&, const std::string&, const std::string&) override {}

  int established = 0, down = 0, restarting = 0, updates = 0, sweeps = 0, long_lived = 0;
  size_t received = 0, stale = 0, evpn_routes = 0;
  std::vector<std::optional<wire::Family>> swept;  // each sweep's family
};

inline LocalConfig ours() {
  LocalConfig l;
  l.asn = 65000;
  l.router_id = kOurId;
  l.peer_as.kind = PeerAsRule::Kind::External;
  l.gr_restart_time = 120;
  return l;
}

// The neighbour's OPEN: its router-id decides collisions.
// `restarted`: it comes back from a restart with its forwarding kept (R, F).
// `evpn`: it offers L2VPN EVPN (in graceful restart too).
inline wire::Message their_open(uint32_t router_id, bool graceful_restart = true,
                                bool restarted = false, bool evpn = false) {
  LocalConfig l;
  l.asn = kTheirAs;
  l.router_id = router_id;
  l.evpn = evpn;
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
  // Another neighbour (`id`) with `local` settings, started, its first
  // connection connected.
  std::pair<std::unique_ptr<Peer>, mocks::FakeTransport*> connected(uint32_t id,
                                                                    const LocalConfig& local) {
    auto p = std::make_unique<Peer>(time_, transports_, id, identity(), local, events_, bfd_,
                                    std::nullopt);
    p->set_address(asio::ip::make_address("192.0.2.2"));
    p->start();
    time_.advance(1s);
    auto* t = transports_.opened.back().get();
    t->connected();
    return {std::move(p), t};
  }
  // Started again: its next connection to Established.
  mocks::FakeTransport& reestablish(bool graceful_restart = true) {
    peer_.start();
    time_.advance(1s);
    return establish_opened(*transports_.opened.back(), graceful_restart);
  }

  mocks::FakeTime time_;
  mocks::FakeTransports transports_;
  mocks::FakeBfd bfd_;
  Events events_;
  Peer peer_;
};

}  // namespace closbgp::session::test
