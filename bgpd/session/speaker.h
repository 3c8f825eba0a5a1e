// All of this node's BGP, on the main io_context: the configured
// neighbours as Peers (numbered, by interface with unnumbered discovery,
// dynamic from listen-ranges), the listener on port 179, the RIB engine
// they feed (through RibDriver), the node's own routes (Origination), drain
// states (DrainControl), reload, and what else an operator may ask
// (OperatorActions: drain, routes, neighbour resets). The API's adapters (bgpd/api/node_*.h) read
// it and steer it; it knows nothing of them.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/config/config.h"
#include "bgpd/discovery/router_advert.h"
#include "bgpd/net/time_source.h"
#include "bgpd/session/confirmed_reload.h"
#include "bgpd/session/connection.h"
#include "bgpd/session/drain_control.h"
#include "bgpd/session/listener.h"
#include "bgpd/session/op_error.h"
#include "bgpd/session/operator_actions.h"
#include "bgpd/session/operator_state.h"
#include "bgpd/session/origination.h"
#include "bgpd/session/peer.h"
#include "bgpd/session/rib_driver.h"
#include "bgpd/session/speaker_observer.h"
#include "fib/fib.h"
#include "rib/rib.h"

namespace closbgp::session {

class Speaker {
 public:
  // `fib`: where the ECMP sets go; nullptr runs the control plane only.
  Speaker(asio::io_context& io, config::Config cfg, bfd::BfdClient& bfd, fib::Fib* fib,
          uint16_t port = 179);
  ~Speaker();
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  // Listens, opens discovery and starts every neighbour that can start.
  std::expected<void, std::string> start();
  // The kernel's interfaces changed (a link notification, or the periodic
  // scan): interface neighbours start or stop, connected prefixes follow.
  void interfaces_changed();
  // Whether the kernel's link and address notifications reach
  // interfaces_changed() (main's discovery::LinkWatch); if not, the
  // interfaces are read every second.
  void interfaces_followed(bool followed) { interfaces_followed_ = followed; }
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

  // Reload from the running file; what was done, or why nothing was. With
  // `confirm_within`, the configuration before it comes back unless
  // confirm_reload() is called in time.
  std::expected<std::vector<std::string>, OpError> reload_config(
      std::optional<std::chrono::seconds> confirm_within = std::nullopt);
  std::expected<std::string, OpError> confirm_reload() { return confirmed_.confirm(); }
  // What else an operator may do (api::NodeControl forwards there).
  OperatorActions& actions() { return actions_; }

  // A leaf's EVPN (bgpd/evpn/vni_sync.h): the kernel's local changes go
  // into the engine (a flush follows), its kernel deltas come out after
  // each flush; the neighbours' first tables are in (initial convergence).
  void change_evpn_leaf(const std::function<void(rib::EvpnLeaf&)>& change) {
    change(driver_.rib().evpn_leaf());
    driver_.schedule_flush();
  }
  void set_evpn_kernel(RibDriver::EvpnKernel kernel, RibDriver::EvpnFindings findings,
                       std::function<size_t()> backlog) {
    driver_.set_evpn_kernel(std::move(kernel), std::move(findings), std::move(backlog));
  }
  bool initial_tables_in() const { return tables_ready(); }

  // What the node looks like, for the API's views (main loop only).
  const config::Config& config() const { return cfg_; }
  const rib::Rib& rib() const { return driver_.rib(); }
  const LoopActivity& activity() const { return driver_.activity(); }
  const fib::Fib* fib() const { return fib_; }
  const Peers& peers() const { return peers_; }
  // The name of the neighbour with engine id `id` ("neighbour N" if gone).
  std::string peer_name(uint32_t id) const {
    for (const auto& [name, p] : peers_)
      if (p->id() == id) return name;
    return "neighbour " + std::to_string(id);
  }
  // The neighbour an operator named; NotFound says where the names are.
  std::expected<const Peer*, OpError> find_peer(const std::string& name) const {
    return session::find_peer(peers_, name);
  }
  // Shut down by an operator (kept in the state file).
  bool shut_down(const std::string& name) const { return actions_.shut_down(name); }
  // A configured interface neighbour whose interface does not exist (yet).
  bool is_missing_interface(const config::Neighbor& n) const;
  // Who hears of sessions, BFD and best-path changes (WatchEvents).
  void set_observer(SpeakerObserver* observer) { driver_.set_observer(observer); }
  // Who mirrors sessions and routes elsewhere (BMP, MRT files).
  void add_monitor(RouteMonitor* monitor) { driver_.add_monitor(monitor); }

 private:
  Peer* add_peer(const std::string& name, const std::string& interface, uint32_t ifindex,
                 const config::Neighbor& n);
  void add_numbered_peer(const config::Neighbor& n);
  // A configured or learned address: the listener's TCP MD5 key follows it.
  void set_peer_address(Peer& p, const asio::ip::address& addr);
  // Gone for good: out of peers_, the engine (its paths with it), the
  // listener's keys and the advertiser; returned to be destroyed.
  std::unique_ptr<Peer> release(Peers::iterator it);
  // Stopped with `cease_subcode`; lives on briefly so that its NOTIFICATION can leave.
  void retire(const std::string& name, uint8_t cease_subcode, const std::string& why);
  void reload_neighbors(const config::Config& old, std::vector<std::string>& changes);
  bool reapply_policy(Peer& p, const config::Neighbor& n);
  void on_accept(asio::ip::tcp::socket socket);
  void on_router_advert(uint32_t ifindex, const asio::ip::address_v6& from);
  // Each second: the WARM start, FIB errors, dynamic neighbours' expiry,
  // and interfaces_changed() in case a notification was missed.
  void scan_interfaces();
  // While the WARM start lasts, whether it can end (DrainControl), often.
  void watch_warm_up();
  // Dynamic neighbours (from a listen-range) down longer than their
  // range's expire-after are removed.
  void expire_dynamic_neighbors();
  // Every established neighbour has sent its initial table, and the engine has it.
  bool tables_ready() const;

  config::Config cfg_;
  bfd::BfdClient& bfd_;
  fib::Fib* fib_;
  net::AsioTimeSource time_;   // the clock and timers of the peers and discovery
  AsioTransports transports_;  // their outbound connections
  OperatorState state_;
  RibDriver driver_;
  Origination origination_;
  DrainControl drain_;
  Listener listener_;
  asio::steady_timer scan_timer_, warm_timer_, shutdown_timer_, retire_timer_;
  discovery::RouterAdvertiser ra_;
  Peers peers_;
  OperatorActions actions_;
  ConfirmedReload confirmed_;
  uint32_t next_peer_id_ = 1;               // 0 is rib::kLocalSource
  std::set<std::string> reported_missing_;  // interfaces we said are absent
  bool interfaces_followed_ = false;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Peer>> retiring_;  // stopped; their NOTIFICATION is leaving
};

}  // namespace closbgp::session
