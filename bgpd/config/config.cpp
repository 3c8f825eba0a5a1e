#include "bgpd/config/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bgpd/config/api_config.h"
#include "bgpd/config/evpn_config.h"
#include "bgpd/config/monitoring_config.h"
#include "bgpd/config/neighbor_config.h"
#include "bgpd/config/policy_config.h"
#include "bgpd/config/yaml_reader.h"
#include "bgpd/log/log.h"

namespace closbgp::config {
using namespace yaml;
namespace {

Fib parse_fib(const YAML::Node& n) {
  Section s(n, "fib",
            {"enabled", "table", "metric", "protocol", "resilient", "nexthop-objects",
             "advertise-after-install", "retain-on-exit", "repair", "audit-interval"});
  Fib f;
  if (s.has("enabled")) f.enabled = boolean(s.get("enabled"), "fib.enabled");
  if (s.has("table")) {
    const auto t = s.get("table");
    f.table = t.IsScalar() && t.Scalar() == "main"
                  ? 254u
                  : uint32_t(number(t, "fib.table", 1, 4294967295u));
  }
  if (s.has("metric")) f.metric = uint32_t(number(s.get("metric"), "fib.metric", 0, 4294967295u));
  if (s.has("protocol")) f.protocol = uint8_t(number(s.get("protocol"), "fib.protocol", 1, 255));
  if (s.has("resilient")) f.resilient = boolean(s.get("resilient"), "fib.resilient");
  if (s.has("nexthop-objects")) {
    const auto objects = s.get("nexthop-objects");
    if (!(objects.IsScalar() && objects.Scalar() == "auto"))
      f.nexthop_objects = boolean(objects, "fib.nexthop-objects");
    if (f.resilient && f.nexthop_objects == false)
      fail(objects, "fib.nexthop-objects",
           "resilient groups are nexthop objects: 'resilient: true' needs 'nexthop-objects' true "
           "or auto");
  }
  if (s.has("advertise-after-install"))
    f.advertise_after_install =
        boolean(s.get("advertise-after-install"), "fib.advertise-after-install");
  if (s.has("retain-on-exit"))
    f.retain_on_exit = boolean(s.get("retain-on-exit"), "fib.retain-on-exit");
  if (s.has("repair")) f.repair = boolean(s.get("repair"), "fib.repair");
  if (s.has("audit-interval"))
    f.audit_interval = uint32_t(number(s.get("audit-interval"), "fib.audit-interval", 0, 86400));
  return f;
}

// "10.0.0.0/24" or {prefix: 10.0.0.0/24, route-map: NAME}.
Network parse_network(const YAML::Node& n, const std::string& path,
                      const policy::Policies& policies) {
  if (!n.IsMap()) return {prefix(n, path), ""};
  Section s(n, path, {"prefix", "route-map"});
  if (!s.has("prefix")) fail(n, s.key_path("prefix"), "is required");
  Network net{prefix(s.get("prefix"), s.key_path("prefix")), ""};
  if (s.has("route-map")) {
    net.route_map = scalar(s.get("route-map"), s.key_path("route-map"));
    require_route_map(policies, s.get("route-map"), s.key_path("route-map"));
  }
  return net;
}

Aggregate parse_aggregate(const YAML::Node& n, const std::string& path,
                          const policy::Policies& policies) {
  Section s(n, path, {"prefix", "summary-only", "as-set", "route-map", "discard"});
  if (!s.has("prefix")) fail(n, s.key_path("prefix"), "is required");
  Aggregate a;
  a.prefix = prefix(s.get("prefix"), s.key_path("prefix"));
  if (s.has("discard")) a.discard = boolean(s.get("discard"), s.key_path("discard"));
  if (s.has("summary-only"))
    a.summary_only = boolean(s.get("summary-only"), s.key_path("summary-only"));
  if (s.has("as-set")) a.as_set = boolean(s.get("as-set"), s.key_path("as-set"));
  if (s.has("route-map")) {
    a.route_map = scalar(s.get("route-map"), s.key_path("route-map"));
    require_route_map(policies, s.get("route-map"), s.key_path("route-map"));
  }
  return a;
}

// redistribute: {connected: true} or {connected: {route-map: NAME}}
Redistribute parse_redistribute(const YAML::Node& n, const policy::Policies& policies) {
  Section s(n, "redistribute", {"connected"});
  Redistribute r;
  if (!s.has("connected")) return r;
  const auto c = s.get("connected");
  if (!c.IsMap()) {
    r.connected = boolean(c, "redistribute.connected");
    return r;
  }
  Section m(c, "redistribute.connected", {"route-map"});
  r.connected = true;
  if (m.has("route-map")) {
    r.connected_route_map = scalar(m.get("route-map"), m.key_path("route-map"));
    require_route_map(policies, m.get("route-map"), m.key_path("route-map"));
  }
  return r;
}

Drain parse_drain(const YAML::Node& n) {
  Section s(n, "drain", {"prepend", "warm-up"});
  Drain d;
  if (s.has("prepend")) d.prepend = uint8_t(number(s.get("prepend"), "drain.prepend", 0, 10));
  if (s.has("warm-up")) d.warm_up = uint32_t(number(s.get("warm-up"), "drain.warm-up", 0, 3600));
  return d;
}

// `graceful-restart: false`, or a mapping of its settings.
GracefulRestart parse_graceful_restart(const YAML::Node& n) {
  GracefulRestart g;
  if (n.IsScalar()) {
    g.enabled = boolean(n, "graceful-restart");
    return g;
  }
  Section s(n, "graceful-restart",
            {"restart-time", "stale-time", "helper", "long-lived-stale-time"});
  if (s.has("restart-time"))
    g.restart_time =
        uint16_t(number(s.get("restart-time"), "graceful-restart.restart-time", 1, 4095));
  if (s.has("stale-time"))
    g.stale_time = uint32_t(number(s.get("stale-time"), "graceful-restart.stale-time", 1, 3600));
  if (s.has("long-lived-stale-time"))
    g.long_lived_stale_time = uint32_t(number(
        s.get("long-lived-stale-time"), "graceful-restart.long-lived-stale-time", 0, 16777215));
  if (s.has("helper")) {
    const std::string h = scalar(s.get("helper"), "graceful-restart.helper");
    if (h == "planned")
      g.helper = GracefulRestart::Helper::Planned;
    else if (h == "always")
      g.helper = GracefulRestart::Helper::Always;
    else
      fail(s.get("helper"), "graceful-restart.helper", "'" + h + "' must be planned or always");
  }
  return g;
}

Multipath parse_multipath(const YAML::Node& n) {
  Section s(n, "multipath", {"max-paths", "as-path-relax"});
  Multipath m;
  if (s.has("max-paths"))
    m.max_paths = uint32_t(number(s.get("max-paths"), "multipath.max-paths", 1, 256));
  if (s.has("as-path-relax"))
    m.as_path_relax = boolean(s.get("as-path-relax"), "multipath.as-path-relax");
  return m;
}

// logging: {level: LEVEL, modules: {MODULE: LEVEL}}
Logging parse_logging(const YAML::Node& n) {
  Section s(n, "logging", {"level", "modules"});
  Logging l;
  auto level = [](const YAML::Node& v, const std::string& key) {
    std::string text = scalar(v, key);
    if (!log::known_level(text))
      fail(v, key, "'" + text + "' must be trace, debug, info, warn, error, critical or off");
    return text;
  };
  if (s.has("level")) l.level = level(s.get("level"), "logging.level");
  if (!s.has("modules")) return l;
  const auto modules = s.get("modules");
  if (!modules.IsMap()) fail(modules, "logging.modules", "must be a map: MODULE: LEVEL");
  for (const auto& entry : modules) {
    const std::string module = scalar(entry.first, "logging.modules");
    const std::string key = "logging.modules." + module;
    if (!log::known_module(module))
      fail(entry.first, key, "no module '" + module + "' (" + log::module_names() + ")");
    l.modules.emplace(module, level(entry.second, key));
  }
  return l;
}

// The policy sections as written, for show running-config.
std::string policy_yaml(const Section& root) {
  YAML::Node sections(YAML::NodeType::Map);
  for (const auto& name : kPolicySections)
    if (root.has(name)) sections[name] = root.get(name);
  return sections.size() == 0 ? "" : YAML::Dump(sections);
}

Config parse_root(const YAML::Node& root, Files files, const std::string& source) {
  if (!root || root.IsNull()) throw Invalid{0, "", "the file is empty"};
  std::set<std::string> keys{"asn",
                             "router-id",
                             "cluster-id",
                             "timers",
                             "bfd",
                             "neighbors",
                             "peer-templates",
                             "networks",
                             "fib",
                             "grpc",
                             "multipath",
                             "always-compare-med",
                             "aggregates",
                             "ebgp-requires-policy",
                             "redistribute",
                             "drain",
                             "state-file",
                             "metrics",
                             "logging",
                             "bmp",
                             "mrt",
                             "evpn",
                             "graceful-restart"};
  keys.insert(kPolicySections.begin(), kPolicySections.end());
  Section s(root, "", keys);
  Config c;
  if (!s.has("asn")) fail(root, "asn", "is required");
  c.asn = uint32_t(number(s.get("asn"), "asn", 1, 4294967295u));
  c.policies = parse_policies(s, c.asn);
  c.policy_yaml = policy_yaml(s);
  if (!s.has("router-id")) fail(root, "router-id", "is required");
  const std::string rid = scalar(s.get("router-id"), "router-id");
  auto addr = wire::IpAddress::parse(rid);
  if (!addr || !addr->is_v4() || addr->is_unspecified())
    fail(s.get("router-id"), "router-id", "'" + rid + "' must be a non-zero IPv4 address");
  c.router_id = *addr;
  if (s.has("cluster-id")) {
    const std::string id = scalar(s.get("cluster-id"), "cluster-id");
    auto cluster = wire::IpAddress::parse(id);
    if (!cluster || !cluster->is_v4() || cluster->is_unspecified())
      fail(s.get("cluster-id"), "cluster-id", "'" + id + "' must be a non-zero IPv4 address");
    c.cluster_id = *cluster;
  }
  if (s.has("timers")) c.timers = parse_timers(s.get("timers"), "timers");
  if (s.has("bfd")) c.bfd = parse_bfd(s.get("bfd"), "bfd", Bfd{});
  const auto templates = s.has("peer-templates") ? s.get("peer-templates") : YAML::Node();
  check_templates(templates);
  if (s.has("neighbors")) {
    const auto list = s.get("neighbors");
    if (!list.IsSequence()) fail(list, "neighbors", "must be a list");
    std::set<std::string> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      Neighbor nb =
          parse_neighbor(with_template(list[i], i, templates), i, c.bfd, c.policies, files);
      if (!seen.insert(nb.name()).second)
        fail(list[i], "neighbors[" + std::to_string(i) + "]",
             "'" + nb.name() + "' is configured twice");
      const bool internal =
          nb.remote_as.kind == RemoteAs::Kind::Internal ||
          (nb.remote_as.kind == RemoteAs::Kind::Number && nb.remote_as.asn == c.asn);
      if (nb.route_reflector_client && !internal)
        fail(list[i], "neighbors[" + std::to_string(i) + "].route-reflector-client",
             "only an iBGP neighbour (remote-as internal or " + std::to_string(c.asn) +
                 ") can be a route-reflector client");
      if (nb.ebgp_multihop && internal)
        fail(list[i], "neighbors[" + std::to_string(i) + "].ebgp-multihop",
             "applies to eBGP neighbours only (iBGP sessions are sent with TTL 255)");
      if (!nb.sender_loop_check && internal)
        fail(list[i], "neighbors[" + std::to_string(i) + "].sender-as-path-loop-detection",
             "applies to eBGP neighbours only (an iBGP neighbour has our AS)");
      c.neighbors.push_back(std::move(nb));
    }
    check_interface_overlaps(list, c.neighbors);
  }
  if (s.has("networks")) {
    const auto list = s.get("networks");
    if (!list.IsSequence()) fail(list, "networks", "must be a list");
    for (size_t i = 0; i < list.size(); ++i)
      c.networks.push_back(
          parse_network(list[i], "networks[" + std::to_string(i) + "]", c.policies));
  }
  if (s.has("aggregates")) {
    const auto list = s.get("aggregates");
    if (!list.IsSequence()) fail(list, "aggregates", "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = "aggregates[" + std::to_string(i) + "]";
      Aggregate a = parse_aggregate(list[i], path, c.policies);
      // Both would be the node's own path for one prefix.
      for (const auto& n : c.networks)
        if (n.prefix == a.prefix)
          fail(list[i], path, a.prefix.to_string() + " is also in networks");
      for (const auto& other : c.aggregates)
        if (other.prefix == a.prefix)
          fail(list[i], path, a.prefix.to_string() + " is listed twice");
      c.aggregates.push_back(std::move(a));
    }
  }
  if (s.has("redistribute")) c.redistribute = parse_redistribute(s.get("redistribute"), c.policies);
  if (s.has("drain")) c.drain = parse_drain(s.get("drain"));
  if (s.has("graceful-restart"))
    c.graceful_restart = parse_graceful_restart(s.get("graceful-restart"));
  if (s.has("state-file")) c.state_file = scalar(s.get("state-file"), "state-file");
  if (s.has("multipath")) c.multipath = parse_multipath(s.get("multipath"));
  if (s.has("always-compare-med"))
    c.always_compare_med = boolean(s.get("always-compare-med"), "always-compare-med");
  if (s.has("ebgp-requires-policy"))
    c.ebgp_requires_policy = boolean(s.get("ebgp-requires-policy"), "ebgp-requires-policy");
  if (s.has("fib")) c.fib = parse_fib(s.get("fib"));
  if (s.has("grpc")) c.grpc = parse_grpc(s.get("grpc"), files);
  if (s.has("metrics")) c.metrics = parse_metrics(s.get("metrics"));
  if (s.has("logging")) c.logging = parse_logging(s.get("logging"));
  if (s.has("bmp")) c.bmp = parse_bmp(s.get("bmp"));
  if (s.has("mrt")) c.mrt = parse_mrt(s.get("mrt"), files, source);
  if (s.has("evpn")) c.evpn = parse_evpn(s.get("evpn"), c.policies);
  return c;
}

// Beside the config file; for one under /etc (read-only to the service),
// in the service's state directory.
std::string default_state_file(const std::string& config_path) {
  if (config_path.starts_with("/etc/"))
    return "/var/lib/closbgpd/" + std::filesystem::path(config_path).filename().string() + ".state";
  return config_path + ".state";
}

}  // namespace

std::string RemoteAs::to_string() const {
  switch (kind) {
    case Kind::External:
      return "external";
    case Kind::Internal:
      return "internal";
    case Kind::Number:
      break;
  }
  return std::to_string(asn);
}

std::string Neighbor::name() const {
  if (!interface.empty()) return interface;
  if (address) return address->to_string();
  return listen_range ? listen_range->to_string() : "";
}

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!key.empty()) s += key + ": ";
  return s + message;
}

std::expected<Config, ConfigError> parse_config(const std::string& text, const std::string& source,
                                                Files files) {
  try {
    const YAML::Node root = YAML::Load(text);
    check_unique_keys(root);
    Config c = parse_root(root, files, source);
    c.source = source;
    if (c.state_file.empty()) c.state_file = default_state_file(source);
    return c;
  } catch (const Invalid& e) {
    return std::unexpected(ConfigError{source, e.line, e.key, e.message});
  } catch (const YAML::Exception& e) {
    return std::unexpected(ConfigError{source, e.mark.line + 1, "", e.msg});
  }
}

std::expected<Config, ConfigError> load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(ConfigError{path, 0, "", "cannot be read"});
  // Whoever may write the file decides what the router announces and with
  // which passwords: refuse one that any local user may change.
  std::error_code ec;
  const auto perms = std::filesystem::status(path, ec).permissions();
  if (!ec && (perms & std::filesystem::perms::others_write) != std::filesystem::perms::none)
    return std::unexpected(ConfigError{
        path, 0, "", "is writable by every user; refusing it (chmod o-w " + path + ")"});
  std::stringstream buf;
  buf << in.rdbuf();
  auto c = parse_config(buf.str(), path);
  if (!c || ec) return c;
  // A password written inline is as secret as the file: only its owner may read it.
  constexpr auto others = std::filesystem::perms::group_read | std::filesystem::perms::others_read;
  const bool others_read = (perms & others) != std::filesystem::perms::none;
  for (size_t i = 0; others_read && i < c->neighbors.size(); ++i) {
    const Neighbor& n = c->neighbors[i];
    if (!n.password.empty() && n.password_file.empty())
      return std::unexpected(
          ConfigError{path, n.line, "neighbors[" + std::to_string(i) + "].password",
                      "written inline in a file other users may read: chmod 600 " + path +
                          ", or keep it in a password-file"});
  }
  return c;
}

std::string summary(const Config& c) {
  return c.source + ": valid (AS " + std::to_string(c.asn) + ", router-id " +
         c.router_id.to_string() + ", " + std::to_string(c.neighbors.size()) + " neighbors)";
}

}  // namespace closbgp::config
