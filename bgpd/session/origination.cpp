#include "bgpd/session/origination.h"

#include <algorithm>

#include "bgpd/discovery/interfaces.h"
#include "bgpd/session/session_log.h"
#include "policy/community.h"

namespace closbgp::session {
namespace {

bool is_loopback_net(const wire::Prefix& p) {
  return p.afi() == wire::Afi::Ipv4 ? (p.address().v4_host_order() >> 24) == 127
                                    : p == wire::Prefix::parse("::1/128");
}

}  // namespace

std::vector<rib::AggregateSpec> aggregate_specs(const config::Config& cfg) {
  std::vector<rib::AggregateSpec> specs;
  for (const auto& a : cfg.aggregates)
    specs.push_back({.prefix = a.prefix,
                     .summary_only = a.summary_only,
                     .as_set = a.as_set,
                     .route_map = cfg.policies.route_map(a.route_map),
                     .discard = a.discard});
  return specs;
}

void Origination::start() {
  for (const auto& n : cfg_.networks)
    originate(n.prefix, wire::Origin::Igp, n.route_map, "network");
  for (const auto& [text, route] : state_.saved().routes) {
    auto prefix = wire::Prefix::parse(text);
    auto attrs = api_route_attributes(route);
    if (!prefix || !attrs) {
      session_logger()->error("state file: route {} is not valid; not originated", text);
      continue;
    }
    rib_.originate(*prefix, *attrs);
  }
}

// Originated prefixes are paths of the local source: empty AS_PATH, next
// hop set per session when sent; a route-map may change them (communities,
// MED) or refuse the prefix.
void Origination::originate(const wire::Prefix& prefix, wire::Origin origin,
                            const std::string& route_map, const char* what) {
  wire::PathAttributes a;
  a.origin = origin;
  a.as_path = wire::AsPath{};
  if (auto map = cfg_.policies.route_map(route_map)) {
    auto verdict = map->apply(prefix, a, {});
    if (!verdict.permit) {
      const std::string text = prefix.to_string();
      const log::PrefixScope about(text);
      session_logger()->warn("{} {}: denied by route-map {}; not originated", what, text,
                             route_map);
      return;
    }
    if (verdict.changed) a = std::move(*verdict.changed);
  }
  rib_.originate(prefix, a);
}

bool Origination::originated_by_config(const wire::Prefix& prefix) const {
  return std::any_of(cfg_.networks.begin(), cfg_.networks.end(),
                     [&](const auto& n) { return n.prefix == prefix; }) ||
         std::any_of(cfg_.aggregates.begin(), cfg_.aggregates.end(),
                     [&](const auto& a) { return a.prefix == prefix; });
}

// redistribute connected: the prefixes of this node's up interfaces (not
// loopback 127/8 and ::1, not link-local), except those already originated
// as networks, aggregates or through the API.
void Origination::redistribute_connected() {
  if (!cfg_.redistribute.connected) return;
  std::set<wire::Prefix> now;
  for (const auto& c : discovery::connected_prefixes()) {
    const auto prefix = wire::Prefix::parse(c.prefix);
    if (!prefix || prefix->address().is_link_local() || is_loopback_net(*prefix)) continue;
    if (!originated_by_config(*prefix) && !state_.saved().routes.contains(prefix->to_string()))
      now.insert(*prefix);
  }
  for (const auto& p : now)
    if (!connected_.contains(p)) {
      session_logger()->info("redistributing connected {}", p.to_string());
      originate(p, wire::Origin::Incomplete, cfg_.redistribute.connected_route_map, "connected");
    }
  for (const auto& p : connected_)
    if (!now.contains(p)) {
      session_logger()->info("connected {} is gone; withdrawing it", p.to_string());
      rib_.withdraw_local(p);
    }
  connected_ = std::move(now);
}

void Origination::reload(const config::Config& old, std::vector<std::string>& changes) {
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
    for (const auto& a : old.aggregates) rib_.withdraw_local(a.prefix);
    rib_.set_aggregates(aggregate_specs(cfg_));
    changes.push_back("aggregates re-applied");
  }
  for (const auto& n : old.networks)
    if (std::none_of(cfg_.networks.begin(), cfg_.networks.end(),
                     [&](const auto& m) { return m.prefix == n.prefix; })) {
      rib_.withdraw_local(n.prefix);
      changes.push_back("network " + n.prefix.to_string() + " withdrawn");
    }
  for (const auto& n : cfg_.networks) {
    const bool same = std::find(old.networks.begin(), old.networks.end(), n) != old.networks.end();
    if (same && !map_changed(n.route_map)) continue;
    if (state_.saved().routes.erase(n.prefix.to_string())) {
      changes.push_back("network " + n.prefix.to_string() +
                        " replaces the route added through the API");
      state_.save();
    }
    originate(n.prefix, wire::Origin::Igp, n.route_map, "network");
    changes.push_back("network " + n.prefix.to_string() + (same ? " re-applied" : " originated"));
  }
  if (cfg_.redistribute != old.redistribute || map_changed(cfg_.redistribute.connected_route_map)) {
    for (const auto& p : connected_) rib_.withdraw_local(p);
    connected_.clear();
    redistribute_connected();
    changes.push_back("redistribute re-applied");
  }
}

std::expected<wire::PathAttributes, std::string> Origination::api_route_attributes(
    const config::SavedRoute& r) const {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  a.med = r.med;
  for (const auto& c : r.communities) {
    auto v = policy::parse_community(c);
    if (!v) return std::unexpected("'" + c + "' is not a community like 65000:100 or no-export");
    a.communities.push_back(*v);
  }
  for (const auto& c : r.large_communities) {
    auto v = policy::parse_large_community(c);
    if (!v) return std::unexpected("'" + c + "' is not a large community like 65000:1:2");
    a.large_communities.push_back(*v);
  }
  return a;
}

std::expected<std::string, OpError> Origination::add_route(
    const std::string& text, const std::vector<std::string>& communities,
    const std::vector<std::string>& large_communities, std::optional<uint32_t> med) {
  using Kind = OpError::Kind;
  const auto prefix = wire::Prefix::parse(text);
  if (!prefix)
    return std::unexpected(
        OpError{Kind::InvalidArgument, "'" + text + "' is not a prefix like 10.1.2.3/32"});
  if (originated_by_config(*prefix))
    return std::unexpected(OpError{
        Kind::Conflict, prefix->to_string() + " is originated by the configuration already"});
  const config::SavedRoute route{communities, large_communities, med};
  auto attrs = api_route_attributes(route);
  if (!attrs) return std::unexpected(OpError{Kind::InvalidArgument, attrs.error()});
  connected_.erase(*prefix);  // the API's now, not redistribution's
  rib_.originate(*prefix, *attrs);
  state_.saved().routes[prefix->to_string()] = route;
  const std::string what = "route " + prefix->to_string() + " originated";
  session_logger()->info("api: {}", what);
  return what + state_.save();
}

std::expected<std::string, OpError> Origination::delete_route(const std::string& text) {
  const auto prefix = wire::Prefix::parse(text);
  if (!prefix || !state_.saved().routes.erase(prefix->to_string()))
    return std::unexpected(
        OpError{OpError::Kind::NotFound, "no route " + text + " was added through the API"});
  rib_.withdraw_local(*prefix);
  const std::string what = "route " + prefix->to_string() + " withdrawn";
  session_logger()->info("api: {}", what);
  return what + state_.save();
}

}  // namespace closbgp::session
