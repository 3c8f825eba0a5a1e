// One BGP neighbour: who it is, its policy, what its session means for
// its routes (the RIB engine hears through PeerEvents), BFD, max-prefix,
// graceful restart. Its connections and their FSMs are a SessionPair.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/bfd/client.h"
#include "bgpd/config/config.h"
#include "bgpd/net/time_source.h"
#include "bgpd/session/bfd_watch.h"
#include "bgpd/session/fsm.h"
#include "bgpd/session/max_prefix_guard.h"
#include "bgpd/session/restart_helper.h"
#include "bgpd/session/session_pair.h"
#include "bgpd/session/socket_options.h"
#include "bgpd/session/transport.h"
#include "bgpd/session/update_intake.h"
#include "rib/drain.h"
#include "rib/path.h"
#include "rib/route_policy.h"

namespace closbgp::session {

struct PeerIdentity {
  std::string name;       // what logs and the API call it: "swp1", "192.0.2.1"
  std::string interface;  // unnumbered: the link
  uint32_t ifindex = 0;
  std::string remote_as_config;  // "external", "internal", "65100"
  SocketSettings socket;         // TTL, TCP MD5, update-source
  std::string config_name;       // the configured neighbour it comes from (Neighbor::name())
};

// A neighbour's policy: how its routes go in and out (the RIB engine
// applies it), and what the session itself enforces.
struct PeerPolicy {
  rib::PeerPolicy routing;
  config::MaxPrefix max_prefix;                // checked as its Adj-RIB-In grows
  config::MaxPrefix evpn_max_prefix;           // checked as its EVPN routes grow
  config::ExpectedRoutes expected_routes;      // room made when its session comes up
  config::PathAttributeFilter path_attribute;  // applied when its UPDATEs are decoded
  friend bool operator==(const PeerPolicy&, const PeerPolicy&) = default;
};

// What a neighbour's session looks like now, for the API and metrics.
struct PeerStatus {
  State state = State::Idle;             // the more advanced of its two connections
  std::optional<Negotiated> negotiated;  // from OpenConfirm on
  std::optional<std::string> address;
  std::optional<std::string> local_address;  // of the established session
  std::chrono::seconds uptime{0};            // in its state, or since Established
  uint64_t messages_received = 0, messages_sent = 0;
  uint64_t rfc7606_events = 0;     // UPDATEs with attribute errors the session survived
  uint64_t updates_filtered = 0;   // UPDATEs its path-attribute filter acted on
  uint64_t treat_as_withdraw = 0;  // UPDATEs whose routes were withdrawn (RFC 7606)
  uint64_t transitions = 0;        // into and out of Established (a flap counts two)
  bool max_prefix_exceeded = false;
  std::string last_error;
  std::optional<std::chrono::system_clock::time_point> last_reset;
  std::string bfd_state;  // empty without BFD
  bool bfd_multihop = false;
  std::optional<bfd::SessionView> bfd;
};

class Peer;

// What a peer tells the owner of the RIB (the Speaker), on the main loop.
// The paths a peer brings live in the RIB engine; the peer asks it, through
// these, how many it holds.
class PeerEvents {
 public:
  virtual ~PeerEvents() = default;
  virtual void peer_established(Peer& p) = 0;  // send it the table
  // Its paths are gone; returns how many it had sent.
  virtual size_t peer_down(Peer& p) = 0;
  // A planned restart (graceful restart): stop sending to it, keep its
  // paths, stale; returns how many.
  virtual size_t peer_restarting(Peer& p) = 0;
  // A received UPDATE (not End-of-RIB); returns how many prefixes the
  // peer has sent us now (max-prefix counts them).
  virtual size_t peer_update(Peer& p, const wire::UpdateMessage& update) = 0;
  // Withdraws its stale paths (of `family` only, if given); returns how many.
  virtual size_t peer_sweep_stale(Peer& p, std::optional<wire::Family> family) = 0;
  // Its restart time ran out: its stale paths of `family` stay, long-lived
  // (RFC 9494); returns how many.
  virtual size_t peer_keep_long_lived(Peer& p, wire::Family family) = 0;
  // Its paths still stale, the prefixes it has sent us, its EVPN routes
  // the EVPN table holds.
  virtual size_t peer_stale(const Peer& p) const = 0;
  virtual size_t peer_received(const Peer& p) const = 0;
  virtual size_t peer_evpn_routes(const Peer& p) const = 0;
  virtual void peer_refresh_requested(Peer& p) = 0;  // ROUTE-REFRESH: send the table again
  // Its BFD session changed state ("up", "down", "init", "admin-down").
  virtual void peer_bfd_changed(Peer& p, const std::string& state, const std::string& diag) = 0;
};

class Peer : private SessionPair::Owner {
 public:
  // `bfd_params`: watch the peer with BFD (through `bfd`) while enabled;
  // `bfd_strict`: no BGP session unless BFD is Up.
  // `time`: its clock and timers; `transports`: where its outbound
  // connections come from.
  Peer(net::TimeSource& time, Transports& transports, uint32_t id, PeerIdentity identity,
       LocalConfig local, PeerEvents& events, bfd::BfdClient& bfd,
       std::optional<bfd::Params> bfd_params, bool bfd_strict = false);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // Where to connect: the configured address, or the link-local address
  // learned by discovery. A new address restarts a session not yet up.
  void set_address(const asio::ip::address& addr);
  const std::optional<asio::ip::address>& address() const override { return address_; }
  void start();
  // `planned`: we are restarting (graceful restart: a peer with the N bit
  // keeps our routes); otherwise the Cease goes inside a Hard Reset.
  // `data`: the NOTIFICATION's data where the subcode carries no message.
  void stop(uint8_t cease_subcode, const std::string& message, bool planned = false,
            std::vector<uint8_t> data = {});
  // An inbound connection from this peer.
  void accept(std::shared_ptr<Transport> transport);

  uint32_t id() const { return peer_id_; }
  const PeerIdentity& identity() const { return id_; }
  // The established session's negotiation; nullptr unless Established.
  const Negotiated* negotiated() const;
  // Our next hop for `family` on the established session; nullopt if the
  // session cannot carry that family (IPv6 over IPv4, or IPv4 over IPv6
  // without RFC 8950).
  std::optional<wire::MpNextHop> next_hop_self(wire::Family family) const;
  // Where its paths come from, for best-path selection.
  rib::PathSource source() const;
  // Set before start(), and again on reload; the speaker applies the route
  // policy, the peer allowas-in, max-prefix and the path-attribute filter (a
  // changed filter asks the peer to send its routes again).
  void set_policy(PeerPolicy p);
  const PeerPolicy& policy() const { return policy_; }
  // What route-maps match on: the interface and the peer's address.
  policy::Neighbor policy_neighbor() const;
  // Back-pressure: stop or restart reading from the peer's connections.
  void pause_reading(bool paused);
  // Whole encoded messages to the established session.
  void send(std::vector<uint8_t> bytes, size_t messages);
  // Its own drain state (the node's is the Speaker's).
  void set_drain(rib::DrainState s) { drain_ = s; }
  rib::DrainState drain() const { return drain_; }
  // Its initial table is in: End-of-RIB for every family of the session, or
  // (for peers that never send one) a second without UPDATEs.
  bool initial_table_done() const;
  // We restarted gracefully and it helps us (End-of-RIB waits for LIVE).
  bool restarting_gracefully() const;
  bool enabled() const { return enabled_; }
  // Stopped by max-prefix: it starts again after restart-after, or when an
  // operator enables or resets it; nothing else may start it meanwhile.
  bool held_down() const { return max_prefix_.held(); }
  const std::string& last_error() const { return sessions_.last_error(); }
  // Since when its session has been down (since it was made, if never
  // up); nullopt while Established.
  std::optional<Clock::time_point> down_since() const {
    return established_at_ ? std::nullopt : std::optional(down_since_);
  }
  // Why its established session last went down.
  const action::DownCause& last_down() const { return sessions_.last_down(); }
  // The established session's connection; nullptr unless Established.
  const SessionSlot* established() const { return sessions_.established(); }
  // ROUTE-REFRESH for every family of the session, if the peer supports it.
  void request_refresh(const std::string& why);
  PeerStatus status() const;
  // Its BFD session is multihop (RFC 5883) with these settings; nullopt:
  // single hop. The Speaker decides, from its configuration and subnets.
  void set_bfd_multihop(const std::optional<bfd::Multihop>& multihop);

 private:
  // SessionPair::Owner: what its connections did.
  bool may_connect() const override;
  wire::DecodeContext decode_context(const Negotiated& n) const override;
  void session_established(SessionSlot& slot) override;
  void session_down(SessionSlot& slot, const std::string& reason,
                    RestartHelper::Kept kept) override;
  void update_received(wire::UpdateMessage& update) override;
  void refresh_requested() override { events_.peer_refresh_requested(*this); }

  // max-prefix: false when the limit closed the session.
  bool within_max_prefix(wire::Family family, size_t received);
  // Starts, moves or stops the BFD session to follow address and state.
  void update_bfd();
  void on_bfd(bfd::State before, const bfd::StateEvent& ev);

  net::TimeSource& time_;
  uint32_t peer_id_;
  PeerIdentity id_;
  LocalConfig local_;
  PeerEvents& events_;
  std::optional<asio::ip::address> address_;
  bool enabled_ = false;
  PeerPolicy policy_;
  uint32_t link_ifindex_ = 0;  // the session's link; 0 when not directly connected
  rib::DrainState drain_ = rib::DrainState::Live;
  UpdateIntake intake_;
  MaxPrefixGuard max_prefix_;
  RestartHelper restart_;  // graceful restart, the helper's side: its stale paths' time
  std::optional<Clock::time_point> established_at_;
  Clock::time_point down_since_;  // made, or its session last went down
  std::optional<std::chrono::system_clock::time_point> last_reset_;  // wall clock, for the API
  uint64_t transitions_ = 0;
  std::optional<bfd::Multihop> bfd_multihop_;
  SessionPair sessions_;  // after what its callbacks read
  BfdWatch bfd_;          // last: its callbacks use the members above
};

}  // namespace closbgp::session
