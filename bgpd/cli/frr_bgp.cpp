// `router bgp`: its global settings and address families (neighbours:
// frr_neighbor.cpp).
#include "bgpd/cli/frr_converter.h"
#include "bgpd/wire/ip.h"

namespace closbgp::cli::frr {

bool Converter::bgp(const Statement& s) {
  const std::string& w = s.at(0);
  if (w == "address-family") return address_family(s);
  if (family_ == Family::Other) return false;
  if (w == "neighbor") return neighbor(s);
  // A spine's EVPN is its neighbours' `activate`; the rest is a leaf's (VNIs).
  if (family_ == Family::Evpn) return evpn(s);
  if (family_ != Family::None || w == "network" || w == "aggregate-address" ||
      w == "redistribute" || w == "maximum-paths") {
    // Family statements; FRR also takes them outside address-family (IPv4).
    if (w == "network" && !s.at(1).empty()) {
      YAML::Node n(s.at(1));
      if (s.at(2) == "route-map" && !s.at(3).empty()) {
        n = YAML::Node(YAML::NodeType::Map);
        n["prefix"] = s.at(1);
        n["route-map"] = s.at(3);
      } else if (s.words.size() > 2) {
        return false;
      }
      networks_.push_back(n);
      return true;
    }
    if (w == "aggregate-address" && !s.at(1).empty()) {
      YAML::Node a;
      a["prefix"] = s.at(1);
      for (size_t i = 2; i < s.words.size(); ++i) {
        if (s.at(i) == "summary-only") {
          a["summary-only"] = true;
        } else if (s.at(i) == "as-set") {
          a["as-set"] = true;
        } else if (s.at(i) == "route-map" && !s.at(i + 1).empty()) {
          a["route-map"] = s.at(++i);
        } else {
          return false;
        }
      }
      aggregates_.push_back(a);
      return true;
    }
    if (w == "redistribute" && s.at(1) == "connected") {
      if (s.words.size() == 2) {
        if (!redistribute_.IsMap()) redistribute_ = YAML::Node(true);
        return true;
      }
      if (s.at(2) != "route-map" || s.words.size() != 4) return false;
      if (redistribute_.IsMap() && redistribute_["route-map"].as<std::string>() != s.at(3))
        return false;
      redistribute_ = YAML::Node(YAML::NodeType::Map);
      redistribute_["route-map"] = s.at(3);
      return true;
    }
    if (w == "maximum-paths" && number(s.at(1)) && s.words.size() == 2) {
      max_paths_ = std::max<uint32_t>(max_paths_.value_or(0), uint32_t(*number(s.at(1))));
      return true;
    }
    if (family_ != Family::None) return false;
  }
  return bgp_global(s);
}

bool Converter::bgp_global(const Statement& s) {
  const std::string text = s.text;
  if (s.at(0) == "bgp" && s.at(1) == "router-id" && s.words.size() == 3) {
    router_id_ = s.at(2);
    return true;
  }
  if (text == "bgp bestpath as-path multipath-relax") return relax_ = true;
  if (s.at(0) == "bgp" && s.at(1) == "cluster-id" && s.words.size() == 3) {
    // FRR takes a number too: the same 32 bits, written as an address.
    const auto n = number(s.at(2));
    global_["cluster-id"] = n ? wire::IpAddress::v4(uint32_t(*n)).to_string() : s.at(2);
    return true;
  }
  if (text == "bgp always-compare-med") {
    global_["always-compare-med"] = true;
    return true;
  }
  if (text == "no bgp ebgp-requires-policy" || text == "bgp ebgp-requires-policy") {
    requires_policy_ = text.front() == 'b';
    return true;
  }
  // What closbgpd does anyway: originate networks without a matching
  // route, log neighbour changes, keep what a neighbour sent, act as a
  // graceful-restart speaker.
  if (text == "no bgp network import-check" || text == "bgp log-neighbor-changes" ||
      text == "bgp graceful-restart")
    return true;
  if (text == "no bgp default ipv4-unicast") {
    note(
        "every neighbour is offered IPv4 and IPv6 unicast: a neighbour FRR kept to one family "
        "gets both");
    return true;
  }
  if (s.at(0) == "bgp" && s.at(1) == "graceful-restart" && number(s.at(3)) && s.words.size() == 4) {
    if (s.at(2) == "restart-time")
      global_["graceful-restart"]["restart-time"] = count(*number(s.at(3)));
    else if (s.at(2) == "stalepath-time")
      global_["graceful-restart"]["stale-time"] = count(*number(s.at(3)));
    else
      return false;
    return true;
  }
  if (s.at(0) == "bgp" && s.at(1) == "long-lived-graceful-restart" && s.at(2) == "stale-time" &&
      number(s.at(3)) && s.words.size() == 4) {
    global_["graceful-restart"]["long-lived-stale-time"] = count(*number(s.at(3)));
    return true;
  }
  if (s.at(0) == "timers" && s.at(1) == "bgp" && number(s.at(2)) && number(s.at(3))) {
    global_["timers"]["keepalive"] = count(*number(s.at(2)));
    global_["timers"]["hold"] = count(*number(s.at(3)));
    return s.words.size() == 4;
  }
  if (s.at(0) == "bgp" && s.at(1) == "listen" && s.at(2) == "range" && s.at(4) == "peer-group" &&
      s.words.size() == 6) {
    listen_ranges_.emplace_back(s.at(3), s.at(5));
    return true;
  }
  return false;
}

// A leaf's EVPN: advertise-all-vni, the SVIs' advertisement, and each
// VNI's route targets.
bool Converter::evpn(const Statement& s) {
  const std::string& w = s.at(0);
  // For every VNI: inside `vni N` (that VNI only) they stay untranslated.
  if ((w == "advertise-all-vni" || w == "advertise-default-gw" || w == "advertise-svi-ip") &&
      s.words.size() == 1 && !vni_) {
    global_["evpn"][w] = true;
    return true;
  }
  if (w == "vni" && number(s.at(1)) && s.words.size() == 2) {
    vni_ = uint32_t(*number(s.at(1)));
    vni_targets_[*vni_];
    return true;
  }
  if (w == "exit-vni" && s.words.size() == 1) {
    vni_.reset();
    return true;
  }
  // Duplicate detection: `dup-addr-detection [max-moves N time S]`,
  // `dup-addr-detection freeze S`, `no dup-addr-detection`.
  if (w == "no" && s.at(1) == "dup-addr-detection" && s.words.size() == 2) {
    global_["evpn"]["duplicate-detection"] = false;
    return true;
  }
  if (w == "dup-addr-detection") {
    if (s.words.size() == 1) return true;  // the default
    const auto set = [&](const char* key, const std::string& n) {
      global_["evpn"]["duplicate-detection"][key] = count(*number(n));
    };
    if (s.words.size() == 5 && s.at(1) == "max-moves" && number(s.at(2)) && s.at(3) == "time" &&
        number(s.at(4))) {
      set("max-moves", s.at(2));
      set("time", s.at(4));
      return true;
    }
    if (s.words.size() == 3 && s.at(1) == "freeze" && number(s.at(2))) {
      set("freeze", s.at(2));
      return true;
    }
    if (s.words.size() == 3 && s.at(1) == "freeze" && s.at(2) == "permanent") {
      global_["evpn"]["duplicate-detection"]["freeze"] = "permanent";
      return true;
    }
    return false;
  }
  // Inside `vni N` a route target is the VNI's; outside, the default
  // VRF's tenant's, as are `advertise ... unicast` lines.
  if (vni_) return route_target(s, vni_targets_[*vni_]);
  return tenant_evpn(s, tenants_["default"]);
}

bool Converter::address_family(const Statement& s) {
  if (s.at(1) == "l2vpn" && s.at(2) == "evpn" && s.words.size() == 3) {
    family_ = Family::Evpn;
    return true;
  }
  if (s.at(2) != "unicast" && !s.at(2).empty()) {
    family_ = Family::Other;
    return false;
  }
  family_ = s.at(1) == "ipv4" ? Family::Ipv4 : s.at(1) == "ipv6" ? Family::Ipv6 : Family::Other;
  return family_ != Family::Other;
}

YAML::Node Converter::bgp_section() {
  YAML::Node root;
  if (!asn_) {
    note("no `router bgp`: asn and router-id must be added");
    return root;
  }
  root["asn"] = count(*asn_);
  if (router_id_.empty())
    note("no `bgp router-id`: add router-id (FRR took one from an interface)");
  root["router-id"] = router_id_.empty() ? std::string("0.0.0.0") : router_id_;
  if (!datacenter_ && !global_["timers"]) {
    // FRR's traditional profile; closbgpd's defaults are the datacenter's.
    global_["timers"]["keepalive"] = count(60);
    global_["timers"]["hold"] = count(180);
    global_["timers"]["connect-retry"] = count(120);
    note(
        "FRR's traditional-profile timers (60/180 s) are written out; `frr defaults "
        "datacenter` (or removing timers:) gives closbgpd's 3/9 s");
  }
  for (const auto& kv : global_) root[kv.first.as<std::string>()] = kv.second;
  root["ebgp-requires-policy"] = requires_policy_;
  root["multipath"]["max-paths"] = count(max_paths_.value_or(64));
  root["multipath"]["as-path-relax"] = relax_;
  YAML::Node templates;
  for (const auto& name : neighbor_order_) {
    const Neighbor& n = neighbors_.at(name);
    if (n.kind == Neighbor::Kind::Group) templates[name] = n.settings;
  }
  if (templates.size()) root["peer-templates"] = templates;
  root["neighbors"] = neighbors_section();
  if (networks_.size()) root["networks"] = networks_;
  if (aggregates_.size()) root["aggregates"] = aggregates_;
  if (!redistribute_.IsNull()) root["redistribute"]["connected"] = redistribute_;
  // closbgpd gives a VNI one route target, imported and exported.
  for (const auto& [vni, targets] : vni_targets_) {
    auto rt = one_target("vni " + std::to_string(vni), targets);
    if (!rt) continue;
    YAML::Node v;
    v["vni"] = count(vni);
    v["route-target"] = *rt;
    root["evpn"]["vnis"].push_back(v);
  }
  tenants_section(root);
  return root;
}

}  // namespace closbgp::cli::frr
