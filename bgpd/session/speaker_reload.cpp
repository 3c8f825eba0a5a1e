// Speaker::reload and its steps: apply the difference between the running
// configuration and a new one.
#include <algorithm>

#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {
namespace {

constexpr auto kRetireGrace = std::chrono::milliseconds(300);

// The parts of a neighbour that only change how routes are filtered and
// sent: a reload re-applies them to a running session.
config::Neighbor without_policy(config::Neighbor n) {
  n.route_map_in.clear();
  n.route_map_out.clear();
  n.remove_private_as = {};
  n.default_originate = false;
  n.max_prefix = {};
  n.path_attribute = {};
  n.line = 0;
  return n;
}

const config::Neighbor* find_neighbor(const config::Config& c, const std::string& name) {
  auto it = std::find_if(c.neighbors.begin(), c.neighbors.end(),
                         [&](const auto& n) { return n.name() == name; });
  return it == c.neighbors.end() ? nullptr : &*it;
}

}  // namespace

std::expected<std::vector<std::string>, api::ControlError> Speaker::reload_config() {
  using Kind = api::ControlError::Kind;
  auto next = config::load_config_file(cfg_.source);
  if (!next) {
    session_logger()->error("reload: {}; nothing changed", next.error().to_string());
    return std::unexpected(api::ControlError{Kind::InvalidConfig, next.error().to_string()});
  }
  auto applied = reload(std::move(*next));
  if (!applied) {
    session_logger()->error("reload: {}; nothing changed", applied.error());
    return std::unexpected(api::ControlError{Kind::NeedsRestart, applied.error()});
  }
  return *applied;
}

std::expected<std::string, api::ControlError> Speaker::validate_config(
    const std::string& path) const {
  auto c = config::load_config_file(path.empty() ? cfg_.source : path);
  if (!c)
    return std::unexpected(
        api::ControlError{api::ControlError::Kind::InvalidConfig, c.error().to_string()});
  return c->source + ": valid (AS " + std::to_string(c->asn) + ", router-id " +
         c->router_id.to_string() + ", " + std::to_string(c->neighbors.size()) + " neighbors)";
}

std::expected<std::vector<std::string>, std::string> Speaker::reload(config::Config next) {
  // What the running daemon cannot change in place.
  if (next.asn != cfg_.asn) return std::unexpected("asn changed: restart closbgpd to apply it");
  if (next.router_id != cfg_.router_id)
    return std::unexpected("router-id changed: restart closbgpd to apply it");
  if (next.fib != cfg_.fib) return std::unexpected("fib changed: restart closbgpd to apply it");
  if (next.grpc != cfg_.grpc) return std::unexpected("grpc changed: restart closbgpd to apply it");
  if (next.metrics != cfg_.metrics)
    return std::unexpected("metrics changed: restart closbgpd to apply it");
  if (next.graceful_restart != cfg_.graceful_restart)
    return std::unexpected("graceful-restart changed: restart closbgpd to apply it");
  std::vector<std::string> changes;
  next.policies.keep_unchanged(cfg_.policies);
  const config::Config old = std::exchange(cfg_, std::move(next));
  reload_neighbors(old, changes);
  if (cfg_.multipath != old.multipath || cfg_.always_compare_med != old.always_compare_med) {
    rib_.set_selection(selection_options(cfg_));
    changes.push_back("best-path options changed: every prefix selected again");
  }
  reload_origination(old, changes);
  schedule_flush();
  if (changes.empty()) changes.push_back("no changes");
  for (const auto& c : changes) session_logger()->info("reload: {}", c);
  return changes;
}

void Speaker::reload_neighbors(const config::Config& old, std::vector<std::string>& changes) {
  const bool timers_changed = cfg_.timers != old.timers;
  if (timers_changed) changes.push_back("timers changed: every session restarts");
  std::vector<std::string> names;
  for (const auto& [name, p] : peers_) names.push_back(name);
  for (const auto& name : names) {
    Peer& p = *peers_.at(name);
    const std::string& cname = p.identity().config_name;
    const config::Neighbor* before = find_neighbor(old, cname);
    const config::Neighbor* now = find_neighbor(cfg_, cname);
    if (!now) {
      changes.push_back("neighbor " + name + " removed");
      retire(name, wire::cease::kPeerDeconfigured, "removed from the configuration");
    } else if (timers_changed || !before || without_policy(*before) != without_policy(*now)) {
      changes.push_back("neighbor " + name + " restarted: its session settings changed");
      retire(name, wire::cease::kOtherConfigChange, "session settings changed");
    } else if (peer_policy(*now) != p.policy()) {
      changes.push_back("neighbor " + name + ": policy re-applied");
      reapply_policy(p, *now);
    }
  }
  // A listen-range's password is on the listener, for peers not yet known.
  for (const auto& n : old.neighbors) {
    const config::Neighbor* now = find_neighbor(cfg_, n.name());
    if (n.listen_range && (!now || now->password != n.password)) listener_key(n, false);
  }
  for (const auto& n : cfg_.neighbors) {
    const config::Neighbor* before = find_neighbor(old, n.name());
    if (!before) changes.push_back("neighbor " + n.name() + " added");
    if (n.listen_range && (!before || before->password != n.password)) listener_key(n, true);
    if (n.address && !peers_.contains(n.address->to_string())) add_numbered_peer(n);
  }
  scan_interfaces();  // interface neighbours, new or restarted
}

// A stopped peer lives on briefly so that its NOTIFICATION can leave.
void Speaker::retire(const std::string& name, uint8_t cease_subcode, const std::string& why) {
  auto it = peers_.find(name);
  Peer& p = *it->second;
  p.stop(cease_subcode, why);
  if (!p.identity().interface.empty()) ra_.disable(p.identity().ifindex);
  forget(p);
  listener_key(p, std::nullopt);
  advertiser_.remove(p);
  retiring_.push_back(std::move(it->second));
  peers_.erase(it);
  retire_timer_.expires_after(kRetireGrace);
  retire_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) retiring_.clear();
  });
}

// New policy for a running session: every received path goes through the
// new route-map-in again (the engine keeps them as received), and the
// peer moves to the update group its new outbound policy belongs to.
void Speaker::reapply_policy(Peer& p, const config::Neighbor& n) {
  p.set_policy(peer_policy(n));
  if (!p.negotiated()) return;
  rib_.set_policy(p.id(), p.policy().routing, advertiser_);
  schedule_flush();
}

void Speaker::reload_origination(const config::Config& old, std::vector<std::string>& changes) {
  // A route-map object differs exactly when its text did (keep_unchanged).
  auto map_changed = [&](const std::string& name) {
    return cfg_.policies.route_map(name) != old.policies.route_map(name);
  };
  // Aggregates first: an old summary may now be a network.
  const bool aggregates_changed =
      cfg_.aggregates != old.aggregates ||
      std::any_of(cfg_.aggregates.begin(), cfg_.aggregates.end(),
                  [&](const auto& a) { return map_changed(a.route_map); });
  if (aggregates_changed) {
    for (const auto& a : old.aggregates) withdraw_local(a.prefix);
    rib_.set_aggregates(aggregate_specs(cfg_));
    changes.push_back("aggregates re-applied");
  }
  for (const auto& n : old.networks)
    if (std::none_of(cfg_.networks.begin(), cfg_.networks.end(),
                     [&](const auto& m) { return m.prefix == n.prefix; })) {
      withdraw_local(n.prefix);
      changes.push_back("network " + n.prefix.to_string() + " withdrawn");
    }
  for (const auto& n : cfg_.networks) {
    const bool same = std::find(old.networks.begin(), old.networks.end(), n) != old.networks.end();
    if (same && !map_changed(n.route_map)) continue;
    if (saved_.routes.erase(n.prefix.to_string())) {
      changes.push_back("network " + n.prefix.to_string() +
                        " replaces the route added through the API");
      save_state_file();
    }
    originate(n.prefix, wire::Origin::Igp, n.route_map, "network");
    changes.push_back("network " + n.prefix.to_string() + (same ? " re-applied" : " originated"));
  }
  if (cfg_.redistribute != old.redistribute || map_changed(cfg_.redistribute.connected_route_map)) {
    for (const auto& p : connected_) withdraw_local(p);
    connected_.clear();
    redistribute_connected();
    changes.push_back("redistribute re-applied");
  }
}

}  // namespace closbgp::session
