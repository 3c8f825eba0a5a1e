// All of this node's BGP: the configured neighbours as Peers, the listener on
// port 179, unnumbered discovery, and the read-only view the API serves.
// Lives on the main io_context.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "bgpd/api/backend.h"
#include "bgpd/api/event_bus.h"
#include "bgpd/asio.h"
#include "bgpd/config/config.h"
#include "bgpd/config/state_file.h"
#include "bgpd/discovery/router_advert.h"
#include "bgpd/session/advertiser.h"
#include "bgpd/session/peer.h"
#include "fib/fib.h"
#include "rib/rib.h"

namespace closbgp::session {

class Speaker final : public api::Backend, public api::Control, private PeerEvents {
 public:
  // `fib`: where the ECMP sets go; nullptr runs the control plane only.
  Speaker(asio::io_context& io, config::Config cfg, bfd::BfdClient& bfd, fib::Fib* fib,
          uint16_t port = 179);
  ~Speaker() override;

  // Listens, opens discovery and starts every neighbour that can start.
  std::expected<void, std::string> start();
  // Cease / Administrative Shutdown with `message` to every peer; `done`
  // runs once the NOTIFICATIONs have had time to leave.
  void shutdown(const std::string& message, std::function<void()> done);

  // Applies a new configuration: only what differs changes. Unchanged
  // sessions stay up; changed policy is re-applied (inbound from the kept
  // Adj-RIB-In, outbound from the Loc-RIB); neighbours whose session
  // settings changed are restarted; new ones start, removed ones stop.
  // Returns what was done, or why nothing was (settings that need a
  // restart of the daemon).
  std::expected<std::vector<std::string>, std::string> reload(config::Config next);
  const std::string& config_source() const { return cfg_.source; }
  // api::Control: reload from the running file; validate any file.
  std::expected<std::vector<std::string>, api::ControlError> reload_config() override;
  std::expected<std::string, api::ControlError> validate_config(
      const std::string& path) const override;
  std::expected<std::string, api::ControlError> set_drain(const std::string& state,
                                                          const std::string& neighbor) override;
  std::expected<std::string, api::ControlError> add_route(
      const std::string& prefix, const std::vector<std::string>& communities,
      const std::vector<std::string>& large_communities, std::optional<uint32_t> med) override;
  std::expected<std::string, api::ControlError> delete_route(const std::string& prefix) override;

  api::SummaryView summary() const override;
  std::vector<api::RouteView> routes() const override;
  std::expected<std::vector<api::FibRouteView>, api::ControlError> fib_routes() const override;
  std::expected<api::PeerView, api::ControlError> neighbor(const std::string& name) const override;
  std::expected<std::vector<api::RouteView>, api::ControlError> adj_rib(const std::string& neighbor,
                                                                        bool out) const override;
  std::expected<std::string, api::ControlError> reset_neighbor(const std::string& neighbor,
                                                               const std::string& soft) override;
  std::expected<std::string, api::ControlError> set_neighbor_enabled(
      const std::string& neighbor, bool enabled, const std::string& message) override;
  const rib::LocRib& loc_rib() const { return rib_.loc_rib(); }
  // What WatchEvents streams: published here, on the main loop.
  api::EventBus& event_bus() { return bus_; }

 private:
  // PeerEvents
  void peer_established(Peer& p) override;
  size_t peer_down(Peer& p) override;
  size_t peer_restarting(Peer& p) override;
  size_t peer_update(Peer& p, const wire::UpdateMessage& update) override;
  size_t peer_sweep_stale(Peer& p, std::optional<wire::Family> family) override;
  size_t peer_stale(const Peer& p) const override;
  size_t peer_received(const Peer& p) const override;
  void peer_bfd_changed(Peer& p, const std::string& state, const std::string& diag) override;
  void publish(api::EventKind kind, const std::string& neighbor, const std::string& prefix,
               const std::string& state, const std::string& detail);
  void publish_best_paths(const std::vector<wire::Prefix>& changed);
  void publish_fib_errors();
  void peer_refresh_requested(Peer& p) override;
  void start_peer(Peer& p);  // unless the operator shut it down or max-prefix holds it
  // The neighbour an operator named; NOT_FOUND says where the names are.
  std::expected<Peer*, api::ControlError> named_peer(const std::string& name) const;
  // What the API shows of a neighbour: its own view and the speaker's state of it.
  api::PeerView peer_view(const std::string& name, const Peer& p) const;
  // A path `p` sent, with its flags in the Loc-RIB (speaker_views.cpp).
  api::RouteView received_view(const std::string& name, const Peer& p, const wire::Prefix& prefix,
                               const rib::Path& received, bool as_received) const;
  bool is_missing_interface(const config::Neighbor& n) const;
  static api::PeerView missing_interface_view(const config::Neighbor& n);
  // Gone for good: its paths and its place in the RIB engine.
  void forget(Peer& p);
  // Out of peers_ and the advertiser.
  void erase_peer(std::map<std::string, std::unique_ptr<Peer>>::iterator it);
  PeerPolicy peer_policy(const config::Neighbor& n) const;
  static rib::RibOptions rib_options(const config::Config& cfg);
  static rib::SelectionOptions selection_options(const config::Config& cfg);
  static std::vector<rib::AggregateSpec> aggregate_specs(const config::Config& cfg);
  // Reload steps (speaker_reload.cpp).
  void retire(const std::string& name, uint8_t cease_subcode, const std::string& why);
  void reapply_policy(Peer& p, const config::Neighbor& n);
  void reload_neighbors(const config::Config& old, std::vector<std::string>& changes);
  void reload_origination(const config::Config& old, std::vector<std::string>& changes);
  // Drain (speaker_drain.cpp).
  void load_saved_state();
  void set_node_drain(rib::DrainState s);
  void check_warm_up();
  std::string save_state_file();
  // Routes added through the API (speaker_api_routes.cpp).
  std::expected<wire::PathAttributes, std::string> api_route_attributes(
      const config::SavedRoute& r) const;
  void originate_api_routes();
  // The RIB engine's changes go to the FIB and to peers once per loop
  // turn, batched.
  void schedule_flush();
  void flush();
  // Pauses reading from every peer while the FIB's backlog is above the
  // high-water mark, and resumes below the low one.
  void apply_backpressure();
  // The FIB side (speaker_fib.cpp): advertise-after-install hears from the
  // FIB thread which prefixes the kernel has.
  void listen_to_fib();

  void originate(const wire::Prefix& prefix, wire::Origin origin, const std::string& route_map,
                 const char* what);
  // A path of our own for `prefix` (interned), or none.
  void set_local(const wire::Prefix& prefix, const wire::PathAttributes& attributes);
  void withdraw_local(const wire::Prefix& prefix);
  // A network or an aggregate of the configuration.
  bool originated_by_config(const wire::Prefix& prefix) const;
  void redistribute_connected();
  void accept_next();
  void on_accept(asio::ip::tcp::socket socket);
  void scan_interfaces();
  void on_router_advert(uint32_t ifindex, const asio::ip::address_v6& from);
  LocalConfig local_for(const config::Neighbor& n) const;
  Peer* add_peer(const std::string& name, const std::string& interface, uint32_t ifindex,
                 const config::Neighbor& n);
  void add_numbered_peer(const config::Neighbor& n);
  // TCP MD5 on the listener (speaker_tcp_md5.cpp): a configured or learned
  // peer address follows the peer (nullopt: the peer is going away); a
  // listen-range's password covers the range.
  void set_peer_address(Peer& p, const asio::ip::address& addr);
  void listener_key(const Peer& p, const std::optional<asio::ip::address>& addr);
  void listener_key(const config::Neighbor& range, bool add);

  asio::io_context& io_;
  config::Config cfg_;
  bfd::BfdClient& bfd_;
  fib::Fib* fib_;
  api::EventBus bus_;
  uint64_t fib_errors_seen_ = 0;
  uint16_t port_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer scan_timer_, shutdown_timer_;
  discovery::RouterAdvertiser ra_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;  // by name
  uint32_t next_peer_id_ = 1;                           // 0 is rib::kLocalSource
  rib::Rib rib_;
  Advertiser advertiser_;        // the engine's advertisements, encoded for each peer
  rib::Rib::Installer install_;  // the engine's FIB deltas, into the FIB
  bool flush_scheduled_ = false;
  bool reading_paused_ = false;
  asio::steady_timer backpressure_timer_;
  std::set<wire::Prefix> connected_;        // redistributed connected prefixes
  std::set<std::string> reported_missing_;  // interfaces we said are absent
  bool stopping_ = false;
  rib::DrainState node_target_ = rib::DrainState::Live;  // what WARM turns into
  std::optional<std::chrono::steady_clock::time_point> warm_until_;
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
  config::SavedState saved_;
  std::map<std::string, asio::ip::address> listener_keys_;  // by peer name
  std::vector<std::unique_ptr<Peer>> retiring_;  // stopped; their NOTIFICATION is leaving
  asio::steady_timer retire_timer_;
};

}  // namespace closbgp::session
