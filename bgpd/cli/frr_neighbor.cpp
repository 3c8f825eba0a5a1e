// `router bgp`'s neighbours: their statements, in address families too,
// and the YAML neighbours they become.
#include "bgpd/cli/frr_converter.h"

namespace closbgp::cli::frr {
namespace {

bool is_address(const std::string& s) {
  return s.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos &&
         s.find_first_of(".:") != std::string::npos;
}

// remote-as external | internal | AS
YAML::Node remote_as(const std::string& w) {
  if (w == "external" || w == "internal") return YAML::Node(w);
  return number(w) ? count(*number(w)) : YAML::Node();
}

// `neighbor X maximum-prefix N [T] [warning-only|restart M]`: max-prefix's
// mapping; nullopt if the words are not that.
std::optional<YAML::Node> max_prefix(const Statement& s) {
  if (!number(s.at(3))) return std::nullopt;
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
      return std::nullopt;
    }
  }
  return m;
}

}  // namespace

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
    // activate; route-map M in|out: EVPN's own route-maps, `evpn: {...}`.
    if (w == "activate" && s.words.size() == 3) {
      if (!set["evpn"].IsMap()) set["evpn"] = true;
      return true;
    }
    // route-map M in|out and maximum-prefix: EVPN's own, `evpn: {...}`.
    YAML::Node value;
    std::string key;
    if (w == "route-map" && (s.at(4) == "in" || s.at(4) == "out") && s.words.size() == 5) {
      key = "route-map-" + s.at(4);
      value = s.at(3);
    } else if (auto m = w == "maximum-prefix" ? max_prefix(s) : std::nullopt) {
      key = "max-prefix";
      value = *m;
    } else {
      return false;
    }
    if (!set["evpn"].IsMap()) set["evpn"] = YAML::Node(YAML::NodeType::Map);
    set["evpn"][key] = value;
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
  if (w == "maximum-prefix") {
    auto m = max_prefix(s);
    if (m) set["max-prefix"] = *m;
    return bool(m);
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

}  // namespace closbgp::cli::frr
