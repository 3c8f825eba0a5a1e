#include "bgpd/config/config_writer.h"

#include <yaml-cpp/yaml.h>

#include "policy/community.h"

namespace closbgp::config {
namespace {

// yaml-cpp writes a uint8_t as a character; every number goes in as this.
YAML::Node number(uint64_t v) {
  return YAML::Node(std::to_string(v));
}

// A list; an empty one as "[]".
template <class T, class Write>
YAML::Node list(const std::vector<T>& items, Write write) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const auto& item : items) n.push_back(write(item));
  if (items.empty()) n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node names(const std::vector<std::string>& items) {
  return list(items, [](const std::string& s) { return YAML::Node(s); });
}

// Attribute type codes, on one line: [28, 32].
YAML::Node codes(const std::vector<uint8_t>& items) {
  YAML::Node n = list(items, [](uint8_t c) { return number(c); });
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node timers(const Timers& t) {
  YAML::Node n;
  n["keepalive"] = number(t.keepalive);
  n["hold"] = number(t.hold);
  n["connect-retry"] = number(t.connect_retry);
  return n;
}

YAML::Node bfd(const Bfd& b) {
  YAML::Node n;
  n["interval-ms"] = number(b.interval_ms);
  n["multiplier"] = number(b.multiplier);
  n["strict"] = b.strict;
  return n;
}

YAML::Node max_prefix(const MaxPrefix& m) {
  YAML::Node n;
  n["limit"] = number(m.limit);
  n["action"] = std::string(action_name(m.action));
  if (m.action == MaxPrefix::Action::Restart) n["restart-after"] = number(m.restart_after);
  n["warning-percent"] = number(m.warning_percent);
  return n;
}

YAML::Node neighbor(const Neighbor& nb) {
  YAML::Node n;
  if (!nb.interface.empty()) n["interface"] = nb.interface;
  if (nb.address) n["address"] = nb.address->to_string();
  if (nb.listen_range) {
    n["listen-range"] = nb.listen_range->to_string();
    n["expire-after"] = number(nb.expire_after);
  }
  n["remote-as"] = nb.remote_as.to_string();
  if (!nb.description.empty()) n["description"] = nb.description;
  if (nb.timers) n["timers"] = timers(*nb.timers);
  n["ttl-security"] = nb.ttl_security;
  if (!nb.update_source.empty()) n["update-source"] = nb.update_source;
  if (nb.ebgp_multihop) n["ebgp-multihop"] = number(nb.ebgp_multihop);
  n["bfd"] = nb.bfd ? bfd(*nb.bfd) : YAML::Node(false);
  if (!nb.route_map_in.empty()) n["route-map-in"] = nb.route_map_in;
  if (!nb.route_map_out.empty()) n["route-map-out"] = nb.route_map_out;
  n["allowas-in"] = number(nb.allowas_in);
  n["default-originate"] = nb.default_originate;
  if (nb.route_reflector_client) n["route-reflector-client"] = true;
  if (nb.next_hop_self) n["next-hop-self"] = true;
  if (nb.evpn && nb.evpn_route_map_in.empty() && nb.evpn_route_map_out.empty() &&
      nb.evpn_max_prefix.limit == 0) {
    n["evpn"] = true;
  } else if (nb.evpn) {
    if (!nb.evpn_route_map_in.empty()) n["evpn"]["route-map-in"] = nb.evpn_route_map_in;
    if (!nb.evpn_route_map_out.empty()) n["evpn"]["route-map-out"] = nb.evpn_route_map_out;
    if (nb.evpn_max_prefix.limit != 0) n["evpn"]["max-prefix"] = max_prefix(nb.evpn_max_prefix);
  }
  if (!nb.sender_loop_check) n["sender-as-path-loop-detection"] = false;
  switch (nb.remove_private_as) {
    case Neighbor::RemovePrivateAs::Off:
      n["remove-private-as"] = false;
      break;
    case Neighbor::RemovePrivateAs::IfOnlyPrivate:
      n["remove-private-as"] = true;
      break;
    case Neighbor::RemovePrivateAs::All:
      n["remove-private-as"] = "all";
      break;
  }
  if (nb.max_prefix.limit != 0) n["max-prefix"] = max_prefix(nb.max_prefix);
  if (nb.expected_routes.ipv4)
    n["expected-routes"]["ipv4-unicast"] = number(nb.expected_routes.ipv4);
  if (nb.expected_routes.ipv6)
    n["expected-routes"]["ipv6-unicast"] = number(nb.expected_routes.ipv6);
  if (nb.add_path != AddPath{}) {
    n["add-path"]["receive"] = nb.add_path.receive;
    n["add-path"]["send"] = send_name(nb.add_path);
  }
  if (!nb.path_attribute.discard.empty() || !nb.path_attribute.treat_as_withdraw.empty()) {
    YAML::Node f;
    if (!nb.path_attribute.discard.empty()) f["discard"] = codes(nb.path_attribute.discard);
    if (!nb.path_attribute.treat_as_withdraw.empty())
      f["treat-as-withdraw"] = codes(nb.path_attribute.treat_as_withdraw);
    n["path-attribute"] = f;
  }
  if (!nb.password_file.empty())
    n["password-file"] = nb.password_file;
  else if (!nb.password.empty())
    n["password"] = std::string(kHiddenSecret);
  return n;
}

// A prefix alone, or {prefix, route-map} when it has one.
YAML::Node network(const Network& net) {
  if (net.route_map.empty()) return YAML::Node(net.prefix.to_string());
  YAML::Node n;
  n["prefix"] = net.prefix.to_string();
  n["route-map"] = net.route_map;
  return n;
}

YAML::Node aggregate(const Aggregate& a) {
  YAML::Node n;
  n["prefix"] = a.prefix.to_string();
  n["summary-only"] = a.summary_only;
  n["as-set"] = a.as_set;
  if (!a.route_map.empty()) n["route-map"] = a.route_map;
  n["discard"] = a.discard;
  return n;
}

YAML::Node fib(const Fib& f) {
  YAML::Node n;
  n["enabled"] = f.enabled;
  n["table"] = number(f.table);
  n["metric"] = number(f.metric);
  n["protocol"] = number(f.protocol);
  n["resilient"] = f.resilient;
  n["nexthop-objects"] = f.nexthop_objects ? YAML::Node(*f.nexthop_objects) : YAML::Node("auto");
  n["advertise-after-install"] = f.advertise_after_install;
  n["retain-on-exit"] = f.retain_on_exit;
  n["repair"] = f.repair;
  n["audit-interval"] = number(f.audit_interval);
  return n;
}

YAML::Node grpc(const Grpc& g) {
  YAML::Node n;
  n["listen"] = g.listen;
  if (g.listen.starts_with("unix:")) {
    n["group"] = g.group;
    if (!g.write_groups.empty()) n["write-groups"] = names(g.write_groups);
    return n;
  }
  if (g.insecure) n["insecure"] = true;
  if (g.tls_cert.empty()) return n;
  YAML::Node tls;
  tls["cert"] = g.tls_cert;
  tls["key"] = g.tls_key;
  if (!g.tls_client_ca.empty()) tls["client-ca"] = g.tls_client_ca;
  if (!g.tls_read.empty()) tls["read"] = names(g.tls_read);
  if (!g.tls_write.empty()) tls["write"] = names(g.tls_write);
  n["tls"] = tls;
  return n;
}

YAML::Node logging(const Logging& l) {
  YAML::Node n;
  n["level"] = l.level;
  if (l.modules.empty()) return n;
  YAML::Node modules;
  for (const auto& [module, level] : l.modules) modules[module] = level;
  n["modules"] = modules;
  return n;
}

YAML::Node bmp(const Bmp& b) {
  YAML::Node n;
  for (const auto& c : b.collectors) {
    YAML::Node collector;
    collector["name"] = c.name;
    collector["address"] = c.address.to_string();
    collector["port"] = number(c.port);
    n["collectors"].push_back(collector);
  }
  YAML::Node views(YAML::NodeType::Sequence);
  if (b.pre_policy) views.push_back("pre-policy");
  if (b.post_policy) views.push_back("post-policy");
  if (b.loc_rib) views.push_back("loc-rib");
  n["route-monitoring"] = views;
  n["statistics-interval"] = number(b.statistics_interval);
  n["buffer-kib"] = number(b.buffer_kib);
  return n;
}

YAML::Node mrt_feed(const MrtFeed& f, const char* interval_key) {
  YAML::Node n;
  n["file"] = f.file;
  n[interval_key] = number(f.interval);
  return n;
}

}  // namespace

std::string running_config_yaml(const Config& c) {
  YAML::Node root;
  root["asn"] = number(c.asn);
  root["router-id"] = c.router_id.to_string();
  if (c.cluster_id) root["cluster-id"] = c.cluster_id->to_string();
  root["timers"] = timers(c.timers);
  root["bfd"] = bfd(c.bfd);
  YAML::Node multipath;
  multipath["max-paths"] = number(c.multipath.max_paths);
  multipath["as-path-relax"] = c.multipath.as_path_relax;
  root["multipath"] = multipath;
  root["always-compare-med"] = c.always_compare_med;
  root["ebgp-requires-policy"] = c.ebgp_requires_policy;
  if (c.graceful_restart.enabled) {
    YAML::Node gr;
    gr["restart-time"] = number(c.graceful_restart.restart_time);
    gr["stale-time"] = number(c.graceful_restart.stale_time);
    gr["long-lived-stale-time"] = number(c.graceful_restart.long_lived_stale_time);
    gr["helper"] =
        c.graceful_restart.helper == GracefulRestart::Helper::Always ? "always" : "planned";
    root["graceful-restart"] = gr;
  } else {
    root["graceful-restart"] = false;
  }
  YAML::Node drain;
  drain["prepend"] = number(c.drain.prepend);
  drain["warm-up"] = number(c.drain.warm_up);
  root["drain"] = drain;
  root["state-file"] = c.state_file;
  root["fib"] = fib(c.fib);
  root["grpc"] = grpc(c.grpc);
  if (!c.metrics.listen.empty()) root["metrics"]["listen"] = c.metrics.listen;
  root["logging"] = logging(c.logging);
  if (!c.bmp.collectors.empty()) root["bmp"] = bmp(c.bmp);
  if (c.mrt.updates) {
    root["mrt"]["updates"] = mrt_feed(*c.mrt.updates, "rotate-interval");
    root["mrt"]["updates"]["sent"] = c.mrt.updates->sent;
  }
  if (c.mrt.rib) root["mrt"]["rib"] = mrt_feed(*c.mrt.rib, "interval");
  if (c.evpn != Evpn{}) {
    root["evpn"]["advertise-all-vni"] = c.evpn.advertise_all_vni;
    if (c.evpn.advertise_default_gw) root["evpn"]["advertise-default-gw"] = true;
    if (c.evpn.advertise_svi_ip) root["evpn"]["advertise-svi-ip"] = true;
    for (const auto& v : c.evpn.vnis) {
      YAML::Node vni;
      vni["vni"] = number(v.vni);
      if (v.route_target)  // "rt:65000:100" without its "rt:"
        vni["route-target"] = policy::ext_community_text(v.route_target).substr(3);
      root["evpn"]["vnis"].push_back(vni);
    }
    if (!c.evpn.duplicates.enabled) {
      root["evpn"]["duplicate-detection"] = false;
    } else {
      auto d = root["evpn"]["duplicate-detection"];
      d["max-moves"] = number(c.evpn.duplicates.max_moves);
      d["time"] = number(c.evpn.duplicates.time);
      if (c.evpn.duplicates.freeze == 0)
        d["freeze"] = "permanent";
      else
        d["freeze"] = number(c.evpn.duplicates.freeze);
    }
    for (const auto& v : c.evpn.vrfs) {
      YAML::Node vrf;
      vrf["name"] = v.name;
      vrf["vni"] = number(v.vni);
      if (v.route_target)
        vrf["route-target"] = policy::ext_community_text(v.route_target).substr(3);
      YAML::Node advertise(YAML::NodeType::Sequence);
      if (v.ipv4) advertise.push_back("ipv4-unicast");
      if (v.ipv6) advertise.push_back("ipv6-unicast");
      vrf["advertise"] = advertise;
      if (!v.route_map.empty()) vrf["route-map"] = v.route_map;
      root["evpn"]["vrfs"].push_back(vrf);
    }
  }
  if (c.redistribute.connected_route_map.empty())
    root["redistribute"]["connected"] = c.redistribute.connected;
  else
    root["redistribute"]["connected"]["route-map"] = c.redistribute.connected_route_map;
  root["networks"] = list(c.networks, network);
  root["aggregates"] = list(c.aggregates, aggregate);
  root["neighbors"] = list(c.neighbors, neighbor);
  if (!c.policy_yaml.empty())
    for (const auto& section : YAML::Load(c.policy_yaml)) root[section.first] = section.second;
  return YAML::Dump(root) + "\n";
}

}  // namespace closbgp::config
