#include "bgpd/session/speaker.h"

#include "bgpd/discovery/interfaces.h"
#include "bgpd/log/log.h"
#include "bgpd/session/address.h"
#include "bgpd/session/bfd_hops.h"
#include "bgpd/session/connection.h"
#include "bgpd/session/peer_config.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

constexpr auto kScanInterval = std::chrono::seconds(1);
// How often a WARM start looks whether it can end: the scan's second would
// add up to a second per tier of a fabric starting cold.
constexpr auto kWarmCheckInterval = std::chrono::milliseconds(50);
constexpr auto kShutdownGrace = std::chrono::milliseconds(300);
constexpr auto kRetireGrace = std::chrono::milliseconds(300);

bool has_wildcard(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

}  // namespace

Speaker::Speaker(asio::io_context& io, config::Config cfg, bfd::BfdClient& bfd, fib::Fib* fib,
                 uint16_t port)
    : cfg_(std::move(cfg)),
      bfd_(bfd),
      fib_(fib),
      time_(io),
      transports_(io),
      state_(cfg_.state_file),
      driver_(io, rib_options(cfg_), fib,
              [this](bool pause) {
                for (auto& [name, p] : peers_) p->pause_reading(pause);
              }),
      origination_(cfg_, driver_.rib(), state_),
      drain_(driver_.rib(), driver_.advertiser(), state_, fib),
      listener_(io, port, [this](asio::ip::tcp::socket s) { on_accept(std::move(s)); }),
      scan_timer_(io),
      warm_timer_(io),
      shutdown_timer_(io),
      retire_timer_(io),
      ra_(io, time_,
          [this](uint32_t ifindex, const asio::ip::address_v6& from) {
            on_router_advert(ifindex, from);
          }),
      actions_(peers_, driver_, origination_, drain_, state_),
      confirmed_(time_, [this](config::Config c) { return reload(std::move(c)); }) {}

Speaker::~Speaker() = default;

std::expected<void, std::string> Speaker::start() {
  if (cfg_.fib.advertise_after_install) driver_.listen_to_fib();
  state_.load();
  drain_.start(cfg_.drain.warm_up, std::chrono::steady_clock::now());
  origination_.start();
  configure_evpn_leaf(cfg_, driver_.rib().evpn_leaf());
  driver_.schedule_flush();
  if (auto listening = listener_.open(); !listening) return listening;
  const bool unnumbered = std::any_of(cfg_.neighbors.begin(), cfg_.neighbors.end(),
                                      [](const auto& n) { return !n.interface.empty(); });
  if (unnumbered) {
    if (auto r = ra_.open(); !r) return std::unexpected(r.error());
  }
  for (const auto& n : cfg_.neighbors) {
    if (n.address) add_numbered_peer(n);
    if (n.listen_range) listener_.range_key(n, true);
  }
  scan_interfaces();
  watch_warm_up();
  return {};
}

void Speaker::shutdown(const std::string& message, std::function<void()> done) {
  stopping_ = true;
  driver_.stop_installing();
  listener_.close();
  scan_timer_.cancel();
  warm_timer_.cancel();
  // A planned restart for neighbours that negotiated graceful restart: the
  // kernel keeps our routes, so they may keep theirs towards us. Not when
  // our routes leave the kernel with us (retain-on-exit: false).
  const bool planned =
      cfg_.graceful_restart.enabled && (!cfg_.fib.enabled || cfg_.fib.retain_on_exit);
  for (auto& [name, p] : peers_) p->stop(wire::cease::kAdminShutdown, message, planned);
  shutdown_timer_.expires_after(kShutdownGrace);
  shutdown_timer_.async_wait(
      [done = std::move(done)](const boost::system::error_code&) { done(); });
}

Peer* Speaker::add_peer(const std::string& name, const std::string& interface, uint32_t ifindex,
                        const config::Neighbor& n) {
  PeerIdentity id;
  id.name = name;
  id.interface = interface;
  id.ifindex = ifindex;
  id.remote_as_config = n.remote_as.to_string();
  id.socket = {n.ttl_security, n.password, n.ebgp_multihop ? n.ebgp_multihop : uint8_t(255),
               n.update_source};
  id.config_name = n.name();
  std::optional<bfd::Params> bfd;
  if (n.bfd) bfd = bfd::Params{n.bfd->interval_ms, n.bfd->multiplier};
  const bool restarting = fib_ && fib_->kept_previous_run();
  auto peer = std::make_unique<Peer>(time_, transports_, next_peer_id_++, std::move(id),
                                     local_config(cfg_, n, restarting), driver_, bfd_, bfd,
                                     n.bfd && n.bfd->strict);
  peer->set_policy(peer_policy(cfg_, n));
  const auto& drains = state_.saved().neighbors;
  if (auto d = drains.find(name); d != drains.end())
    peer->set_drain(rib::parse_drain(d->second).value_or(rib::DrainState::Live));
  driver_.advertiser().add(*peer);
  return peers_.emplace(name, std::move(peer)).first->second.get();
}

void Speaker::add_numbered_peer(const config::Neighbor& n) {
  Peer* p = add_peer(n.address->to_string(), "", 0, n);
  set_peer_address(*p, asio::ip::make_address(n.address->to_string()));
  if (n.bfd) p->set_bfd_multihop(bfd_multihop(n, *p->address(), connected_addresses()));
  actions_.start_unless_held(*p);
}

void Speaker::set_peer_address(Peer& p, const asio::ip::address& addr) {
  listener_.peer_key(p.identity().name, p.identity().socket.password, addr);
  p.set_address(addr);
}

std::unique_ptr<Peer> Speaker::release(Peers::iterator it) {
  std::unique_ptr<Peer> p = std::move(it->second);
  peers_.erase(it);
  driver_.rib().forget(p->id());
  driver_.schedule_flush();
  listener_.peer_key(p->identity().name, p->identity().socket.password, std::nullopt);
  driver_.advertiser().remove(*p);
  return p;
}

// A stopped peer lives on briefly so that its NOTIFICATION can leave.
void Speaker::retire(const std::string& name, uint8_t cease_subcode, const std::string& why) {
  auto it = peers_.find(name);
  it->second->stop(cease_subcode, why);
  if (!it->second->identity().interface.empty()) ra_.disable(it->second->identity().ifindex);
  retiring_.push_back(release(it));
  retire_timer_.expires_after(kRetireGrace);
  retire_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) retiring_.clear();
  });
}

bool Speaker::is_missing_interface(const config::Neighbor& n) const {
  return !n.interface.empty() && !has_wildcard(n.interface) && !peers_.contains(n.interface);
}

void Speaker::on_accept(asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec || stopping_) return;
  const auto addr = remote.address();
  const wire::IpAddress wire_addr = to_wire(addr);
  // The socket, as a connection of `p`'s (with its TTL and TTL security).
  auto to = [&socket](Peer& p) {
    p.accept(std::make_shared<Connection>(std::move(socket), Transport::Handlers{},
                                          p.identity().socket));
  };
  if (wire_addr.is_v6() && wire_addr.is_link_local()) {
    const uint32_t ifindex = addr.to_v6().scope_id();
    for (auto& [name, p] : peers_) {
      if (p->identity().ifindex != ifindex || p->identity().interface.empty()) continue;
      set_peer_address(*p, addr);  // an inbound connection also tells us the peer's address
      return to(*p);
    }
  } else {
    for (auto& [name, p] : peers_)
      if (p->address() && to_wire(*p->address()) == wire_addr) return to(*p);
    for (const auto& n : cfg_.neighbors) {
      if (!n.listen_range ||
          !n.listen_range->contains(wire::Prefix(wire_addr, wire_addr.is_v4() ? 32 : 128)))
        continue;
      Peer* p = add_peer(wire_addr.to_string(), "", 0, n);
      neighbor_log(spdlog::level::info, wire_addr.to_string(),
                   "dynamic neighbour from listen-range {}", n.listen_range->to_string());
      p->set_address(addr);
      if (n.bfd) p->set_bfd_multihop(bfd_multihop(n, addr, connected_addresses()));
      actions_.start_unless_held(*p);
      return to(*p);
    }
  }
  session_logger()->warn("refused BGP connection from {}: not a configured neighbour",
                         endpoint_text(remote));
  socket.close(ec);
}

void Speaker::on_router_advert(uint32_t ifindex, const asio::ip::address_v6& from) {
  for (auto& [name, p] : peers_)
    if (p->identity().ifindex == ifindex && !p->identity().interface.empty())
      set_peer_address(*p, asio::ip::address(from));
}

// Converged once every established neighbour has sent its initial table
// (End-of-RIB, or a quiet second) and the engine has it, with at least one
// neighbour up if any is configured to connect, and none heard on its link
// (a Router Advertisement: it is alive) still connecting.
bool Speaker::tables_ready() const {
  size_t up = 0;
  bool tables_in = true;
  for (const auto& [name, p] : peers_) {
    if (p->negotiated()) {
      ++up;
      tables_in = tables_in && p->initial_table_done();
    } else if (p->enabled() && p->address() && !p->identity().interface.empty()) {
      tables_in = false;
    }
  }
  const bool waits_for_peers = std::any_of(cfg_.neighbors.begin(), cfg_.neighbors.end(),
                                           [](const auto& n) { return !n.listen_range; });
  return tables_in && (up > 0 || !waits_for_peers) && !driver_.rib().pending();
}

void Speaker::expire_dynamic_neighbors() {
  std::vector<std::pair<std::string, uint32_t>> expired;  // name, seconds down
  for (const auto& [name, p] : peers_) {
    const config::Neighbor* n = find_neighbor(cfg_, p->identity().config_name);
    const auto down = p->down_since();
    if (!n || !n->listen_range || n->expire_after == 0 || !down) continue;
    const auto for_s = std::chrono::duration_cast<std::chrono::seconds>(time_.now() - *down);
    if (for_s.count() >= n->expire_after) expired.emplace_back(name, uint32_t(for_s.count()));
  }
  for (const auto& [name, seconds] : expired) {
    neighbor_log(spdlog::level::info, name,
                 "dynamic neighbour removed: down for {} s (expire-after of its listen-range)",
                 seconds);
    retire(name, wire::cease::kPeerDeconfigured, "dynamic neighbour expired");
  }
}

void Speaker::watch_warm_up() {
  if (stopping_ || !drain_.warming_up()) return;
  drain_.check_warm_up(tables_ready(), std::chrono::steady_clock::now());
  warm_timer_.expires_after(kWarmCheckInterval);
  warm_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) watch_warm_up();
  });
}

void Speaker::scan_interfaces() {
  if (stopping_) return;
  expire_dynamic_neighbors();
  drain_.check_warm_up(tables_ready(), std::chrono::steady_clock::now());
  driver_.report_fib_errors();
  // Three netlink dumps on this loop, under the kernel's one routing lock:
  // only when notifications are not followed (docs/sessions.md says why).
  if (!interfaces_followed_) interfaces_changed();
  scan_timer_.expires_after(kScanInterval);
  scan_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) scan_interfaces();
  });
}

// Interfaces come and go (and are often created after the daemon starts):
// matched against the configured interface neighbours on each link
// notification (every second when they cannot be followed).
void Speaker::interfaces_changed() {
  if (stopping_) return;
  origination_.redistribute_connected();
  const auto connected = connected_addresses();
  driver_.rib().set_connected(connected);
  driver_.schedule_flush();
  // A subnet or an update-source address that came or went may move a
  // numbered neighbour's BFD between single hop and multihop.
  for (auto& [name, p] : peers_) {
    const config::Neighbor* n = find_neighbor(cfg_, p->identity().config_name);
    if (p->identity().interface.empty() && p->address() && n && n->bfd)
      p->set_bfd_multihop(bfd_multihop(*n, *p->address(), connected));
  }
  const auto interfaces = discovery::list_interfaces();
  for (const auto& n : cfg_.neighbors) {
    if (n.interface.empty()) continue;
    bool found = false;
    for (const auto& i : interfaces) {
      if (!discovery::interface_matches(n.interface, i.name)) continue;
      found = true;
      auto it = peers_.find(i.name);
      if (it != peers_.end() && it->second->identity().ifindex != i.index) {
        neighbor_log(spdlog::level::info, i.name,
                     "interface was re-created; restarting its neighbour");
        ra_.disable(it->second->identity().ifindex);
        release(it);
        it = peers_.end();
      }
      Peer* p = it != peers_.end() ? it->second.get() : add_peer(i.name, i.name, i.index, n);
      if (reported_missing_.erase(n.interface))
        neighbor_log(spdlog::level::info, i.name, "interface appeared");
      if (i.up && !p->enabled()) {
        ra_.enable(i.index);
        actions_.start_unless_held(*p);
      } else if (!i.up && p->enabled()) {
        neighbor_log(spdlog::level::warn, i.name, "link down");
        ra_.disable(i.index);
        p->stop(wire::cease::kAdminShutdown, "link down");
      }
    }
    if (!found && !has_wildcard(n.interface) && reported_missing_.insert(n.interface).second)
      session_logger()->warn(
          "neighbour on interface {}: interface does not exist yet; it starts when "
          "the interface appears",
          n.interface);
  }
}

std::expected<std::vector<std::string>, OpError> Speaker::reload_config(
    std::optional<std::chrono::seconds> confirm_within) {
  auto next = config::load_config_file(cfg_.source);
  if (!next) {
    session_logger()->error("reload: {}; nothing changed", next.error().to_string());
    return std::unexpected(OpError{OpError::Kind::InvalidConfig, next.error().to_string()});
  }
  std::optional<config::Config> before;
  if (confirm_within) before = cfg_;
  auto applied = reload(std::move(*next));
  if (!applied) {
    session_logger()->error("reload: {}; nothing changed", applied.error());
    return std::unexpected(OpError{OpError::Kind::NeedsRestart, applied.error()});
  }
  if (confirm_within)
    applied->push_back(confirmed_.begin(std::move(*before), *confirm_within));
  else if (auto left = confirmed_.remaining())
    applied->push_back("an earlier reload still rolls back in " + std::to_string(left->count()) +
                       " s unless confirmed (closctl config confirm)");
  return *applied;
}

std::expected<std::vector<std::string>, std::string> Speaker::reload(config::Config next) {
  if (auto why = needs_daemon_restart(cfg_, next)) return std::unexpected(*why);
  std::vector<std::string> changes;
  next.policies.keep_unchanged(cfg_.policies);
  const config::Config old = std::exchange(cfg_, std::move(next));
  reload_neighbors(old, changes);
  if (cfg_.multipath != old.multipath || cfg_.always_compare_med != old.always_compare_med) {
    driver_.rib().set_selection(selection_options(cfg_));
    changes.push_back("best-path options changed: every prefix selected again");
  }
  origination_.reload(old, changes);
  reload_evpn_leaf(old, cfg_, driver_.rib().evpn_leaf(), changes);
  if (cfg_.logging != old.logging) {
    log::set_levels(cfg_.logging.level, cfg_.logging.modules);
    std::string levels = "log level " + cfg_.logging.level;
    for (const auto& [module, level] : cfg_.logging.modules) levels += ", " + module + " " + level;
    changes.push_back(levels);
  }
  for (auto* m : driver_.monitors())
    for (auto& c : m->reconfigure(cfg_)) changes.push_back(std::move(c));
  driver_.schedule_flush();
  if (changes.empty()) changes.push_back("no changes");
  for (const auto& c : changes) session_logger()->info("reload: {}", c);
  return changes;
}

void Speaker::reload_neighbors(const config::Config& old, std::vector<std::string>& changes) {
  if (cfg_.timers != old.timers)
    changes.push_back("timers changed: sessions without timers of their own restart");
  // The timers a neighbour's session runs with: its own, or the top level's.
  auto timers = [](const config::Config& c, const config::Neighbor& n) {
    return n.timers.value_or(c.timers);
  };
  std::vector<std::string> names;
  for (const auto& [name, p] : peers_) names.push_back(name);
  for (const auto& name : names) {
    Peer& p = *peers_.at(name);
    const config::Neighbor* before = find_neighbor(old, p.identity().config_name);
    const config::Neighbor* now = find_neighbor(cfg_, p.identity().config_name);
    if (!now) {
      changes.push_back("neighbor " + name + " removed");
      retire(name, wire::cease::kPeerDeconfigured, "removed from the configuration");
      continue;
    }
    if (before && before->description != now->description)
      changes.push_back("neighbor " + name + ": description '" + now->description + "'");
    if (!before || needs_restart(*before, *now) || timers(old, *before) != timers(cfg_, *now)) {
      changes.push_back("neighbor " + name + " restarted: its session settings changed");
      retire(name, wire::cease::kOtherConfigChange, "session settings changed");
    } else if (peer_policy(cfg_, *now) != p.policy()) {
      changes.push_back("neighbor " + name +
                        (reapply_policy(p, *now) ? ": policy re-applied"
                                                 : ": max-prefix, expected-routes or "
                                                   "path-attribute updated"));
    }
  }
  // A listen-range's password is on the listener, for peers not yet known.
  for (const auto& n : old.neighbors) {
    const config::Neighbor* now = find_neighbor(cfg_, n.name());
    if (n.listen_range && (!now || now->password != n.password)) listener_.range_key(n, false);
  }
  for (const auto& n : cfg_.neighbors) {
    const config::Neighbor* before = find_neighbor(old, n.name());
    if (!before) changes.push_back("neighbor " + n.name() + " added");
    if (n.listen_range && (!before || before->password != n.password)) listener_.range_key(n, true);
    if (n.address && !peers_.contains(n.address->to_string())) add_numbered_peer(n);
  }
  interfaces_changed();  // interface neighbours, new or restarted
}

// New policy for a running session: every received path goes through the
// new route-map-in again (the engine keeps them as received), and the
// peer moves to the update group its new outbound policy belongs to. What
// only the session enforces (max-prefix, the attribute filter, the size
// hint) leaves the engine alone. True if the engine's policy changed.
bool Speaker::reapply_policy(Peer& p, const config::Neighbor& n) {
  PeerPolicy policy = peer_policy(cfg_, n);
  const bool routing_changed = policy.routing != p.policy().routing;
  p.set_policy(std::move(policy));
  if (p.negotiated() && routing_changed) driver_.set_policy(p);
  return routing_changed;
}

}  // namespace closbgp::session
