// `router bgp`: its global settings, address families and neighbours.
#include <algorithm>

#include "bgpd/cli/frr_converter.h"
#include "bgpd/wire/ip.h"

namespace closbgp::cli::frr {
namespace {

YAML::Node count(uint64_t n) {
  return YAML::Node(std::to_string(n));
}

bool is_address(const std::string& s) {
  return s.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos &&
         s.find_first_of(".:") != std::string::npos;
}

// remote-as external | internal | AS
YAML::Node remote_as(const std::string& w) {
  if (w == "external" || w == "internal") return YAML::Node(w);
  return number(w) ? count(*number(w)) : YAML::Node();
}

}  // namespace

bool Converter::bgp(const Statement& s) {
  const std::string& w = s.at(0);
  if (w == "address-family") return address_family(s);
  if (family_ == Family::Other) return false;
  if (w == "neighbor") return neighbor(s);
  // A spine's EVPN is its neighbours' `activate`; the rest is a leaf's (VNIs).
  if (family_ == Family::Evpn) return false;
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

Neighbor& Converter::neighbor_named(const std::string& name) {
  auto [it, added] = neighbors_.try_emplace(name);
  if (added) {
    neighbor_order_.push_back(name);
    it->second.kind = is_address(name) ? Neighbor::Kind::Address : Neighbor::Kind::Interface;
  }
  return it->second;
}

bool Converter::neighbor(const Statement& s) {
  const std::string& name = s.at(1);
  const std::string& w = s.at(2);
  if (name.empty() || w.empty()) return false;
  Neighbor& n = neighbor_named(name);
  YAML::Node& set = n.settings;
  if (w == "peer-group" && s.words.size() == 3) {
    n.kind = Neighbor::Kind::Group;
    return true;
  }
  if (w == "peer-group" && s.words.size() == 4) {
    n.group = s.at(3);
    return true;
  }
  if (w == "interface") {  // neighbor swp1 interface [v6only] [peer-group G | remote-as X]
    n.kind = Neighbor::Kind::Interface;
    for (size_t i = 3; i < s.words.size(); ++i) {
      if (s.at(i) == "v6only") continue;
      if (s.at(i) == "peer-group" && !s.at(i + 1).empty()) {
        n.group = s.at(++i);
      } else if (s.at(i) == "remote-as" && remote_as(s.at(i + 1))) {
        set["remote-as"] = remote_as(s.at(++i));
      } else {
        return false;
      }
    }
    return true;
  }
  if (family_ != Family::None) return neighbor_in_family(s, n);
  if (w == "remote-as" && s.words.size() == 4 && remote_as(s.at(3))) {
    set["remote-as"] = remote_as(s.at(3));
    return true;
  }
  if (w == "description" && s.words.size() > 3) {
    set["description"] = s.rest(3);
    return true;
  }
  if (w == "password" && s.words.size() == 4) {
    set["password"] = s.at(3);
    note(
        "passwords are written inline: keep the file private (chmod 600) or move them to "
        "password-file");
    return true;
  }
  if (w == "bfd" && s.words.size() == 3) {
    set["bfd"] = true;
    return true;
  }
  if (w == "bfd" && s.words.size() == 6 && number(s.at(3)) && number(s.at(4)) &&
      number(s.at(5))) {  // bfd MULTIPLIER RX TX
    set["bfd"]["interval-ms"] = count(std::max(*number(s.at(4)), *number(s.at(5))));
    set["bfd"]["multiplier"] = count(*number(s.at(3)));
    return true;
  }
  if (w == "timers" && s.at(3) == "connect" && number(s.at(4)) && s.words.size() == 5) {
    set["timers"]["connect-retry"] = count(*number(s.at(4)));
    return true;
  }
  if (w == "timers" && number(s.at(3)) && number(s.at(4)) && s.words.size() == 5) {
    set["timers"]["keepalive"] = count(*number(s.at(3)));
    set["timers"]["hold"] = count(*number(s.at(4)));
    return true;
  }
  if (w == "ttl-security" && s.at(3) == "hops" && s.at(4) == "1") {
    set["ttl-security"] = true;
    return true;
  }
  if (w == "update-source" && s.words.size() == 4) {
    set["update-source"] = s.at(3);
    return true;
  }
  if (w == "ebgp-multihop" && (s.words.size() == 3 || (s.words.size() == 4 && number(s.at(3))))) {
    set["ebgp-multihop"] = count(s.words.size() == 3 ? 255 : *number(s.at(3)));
    return true;
  }
  if (w == "sender-as-path-loop-detection" && s.words.size() == 3) {
    set["sender-as-path-loop-detection"] = true;
    return true;
  }
  // Negotiated by closbgpd on its own (RFC 8950 on interface neighbours).
  if (w == "capability" && s.at(3) == "extended-nexthop") return true;
  return false;
}

bool Converter::neighbor_in_family(const Statement& s, Neighbor& n) {
  const std::string& w = s.at(2);
  YAML::Node& set = n.settings;
  if (family_ == Family::Evpn) {
    if (w != "activate" || s.words.size() != 3) return false;
    set["evpn"] = true;
    return true;
  }
  // Both families are negotiated with every neighbour; FRR's defaults for
  // these are closbgpd's behaviour too.
  if (w == "activate" || (w == "soft-reconfiguration" && s.at(3) == "inbound") ||
      w == "send-community")
    return s.words.size() <= 4;
  if (w == "route-map" && (s.at(4) == "in" || s.at(4) == "out") && s.words.size() == 5) {
    const std::string key = "route-map-" + s.at(4);
    if (set[key] && set[key].as<std::string>() != s.at(3)) {
      note(
          "a neighbour with a different route-map per family keeps the first; closbgpd applies "
          "one to both (match family: in the route-map tells them apart)");
      return false;
    }
    set[key] = s.at(3);
    return true;
  }
  if (w == "allowas-in") {
    if (s.words.size() == 3)
      set["allowas-in"] = true;
    else if (number(s.at(3)) && s.words.size() == 4)
      set["allowas-in"] = count(*number(s.at(3)));
    else
      return false;
    return true;
  }
  if (w == "default-originate" && s.words.size() == 3) {
    set["default-originate"] = true;
    return true;
  }
  if (w == "route-reflector-client" && s.words.size() == 3) {
    set["route-reflector-client"] = true;
    return true;
  }
  // Plain `next-hop-self` is what we do anyway (our next hop on all but
  // reflected routes); `force` takes reflected routes too.
  if (w == "next-hop-self" && s.words.size() <= 4) {
    if (s.words.size() == 4 && s.at(3) != "force") return false;
    if (s.words.size() == 4) set["next-hop-self"] = true;
    return true;
  }
  if (w == "addpath-tx-all-paths" && s.words.size() == 3) {
    set["add-path"]["send"] = "all";
    return true;
  }
  if (w == "remove-private-AS" && s.words.size() <= 4) {
    if (s.words.size() == 3)
      set["remove-private-as"] = true;
    else if (s.at(3) == "all")
      set["remove-private-as"] = "all";
    else
      return false;
    return true;
  }
  if (w == "maximum-prefix" && number(s.at(3))) {
    // FRR: the session stays down after the limit unless `restart` is given.
    YAML::Node m;
    m["limit"] = count(*number(s.at(3)));
    m["action"] = "idle";
    for (size_t i = 4; i < s.words.size(); ++i) {
      if (number(s.at(i)) && i == 4) {
        m["warning-percent"] = count(*number(s.at(i)));
      } else if (s.at(i) == "warning-only") {
        m["action"] = "warn";
      } else if (s.at(i) == "restart" && number(s.at(i + 1))) {
        m["action"] = "restart";
        m["restart-after"] = count(*number(s.at(++i)) * 60);  // FRR counts minutes
      } else {
        return false;
      }
    }
    set["max-prefix"] = m;
    return true;
  }
  return false;
}

YAML::Node Converter::neighbors_section() {
  YAML::Node list(YAML::NodeType::Sequence);
  auto template_has = [&](const Neighbor& n, const char* key) {
    auto g = neighbors_.find(n.group);
    return g != neighbors_.end() && g->second.settings[key];
  };
  auto add = [&](YAML::Node entry, const Neighbor& n) {
    if (!n.group.empty()) entry["template"] = n.group;
    for (const auto& kv : n.settings) entry[kv.first.as<std::string>()] = kv.second;
    if (!n.settings["remote-as"] && !template_has(n, "remote-as")) entry["remote-as"] = "external";
    list.push_back(entry);
  };
  for (const auto& name : neighbor_order_) {
    const Neighbor& n = neighbors_.at(name);
    if (n.kind == Neighbor::Kind::Group) continue;
    YAML::Node entry;
    entry[n.kind == Neighbor::Kind::Interface ? "interface" : "address"] = name;
    // FRR runs BFD only where asked; closbgpd on every interface neighbour.
    if (n.kind == Neighbor::Kind::Interface && !n.settings["bfd"] && !template_has(n, "bfd"))
      entry["bfd"] = false;
    add(entry, n);
  }
  for (const auto& [prefix, group] : listen_ranges_) {
    YAML::Node entry;
    entry["listen-range"] = prefix;
    Neighbor n;
    n.group = group;
    add(entry, n);
  }
  return list;
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
  return root;
}

}  // namespace closbgp::cli::frr
