// FRR's policy: prefix-lists, community and as-path lists, route-maps.
#include "bgpd/cli/frr_converter.h"

namespace closbgp::cli::frr {
namespace {

// One value, or a list of them.
YAML::Node values(const std::vector<std::string>& v) {
  if (v.size() == 1) return YAML::Node(v.front());
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& s : v) list.push_back(s);
  list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
}

// FRR's `rt X` or `soo X` at word `i` as ours ("rt:X"), appended to `v`;
// `i` is left on its last word. False when the words are not one.
bool take_ext_community(const Statement& s, size_t& i, std::vector<std::string>& v) {
  if ((s.at(i) != "rt" && s.at(i) != "soo") || s.at(i + 1).empty()) return false;
  v.push_back(s.at(i) + ":" + s.at(i + 1));
  ++i;
  return true;
}

// FRR numbers entries without `seq` 5, 10, 15... after the last.
uint64_t next_seq(const std::map<uint64_t, YAML::Node>& entries) {
  return entries.empty() ? 5 : (entries.rbegin()->first / 5 + 1) * 5;
}

}  // namespace

// ip|ipv6 prefix-list NAME [seq N] permit|deny PREFIX|any [ge N] [le N]
bool Converter::prefix_list(const Statement& s) {
  const std::string& name = s.at(2);
  if (s.at(3) == "description") return true;
  auto& entries = lists_["prefix-lists"][name];
  size_t i = 3;
  uint64_t seq = next_seq(entries);
  if (s.at(i) == "seq") {
    if (!number(s.at(i + 1))) return false;
    seq = *number(s.at(i + 1));
    i += 2;
  }
  const std::string& action = s.at(i);
  if (action != "permit" && action != "deny") return false;
  std::string prefix = s.at(i + 1);
  YAML::Node e;
  if (prefix == "any") {
    prefix = s.at(0) == "ip" ? "0.0.0.0/0" : "::/0";
    e[action] = prefix;
    e["le"] = s.at(0) == "ip" ? "32" : "128";
  } else {
    e[action] = prefix;
  }
  for (i += 2; i < s.words.size(); i += 2) {
    if ((s.at(i) != "ge" && s.at(i) != "le") || !number(s.at(i + 1))) return false;
    e[s.at(i)] = s.at(i + 1);
  }
  // ip and ipv6 lists of one name become one list: an entry never matches
  // a prefix of the other family, so each keeps its meaning.
  if (s.at(0) == "ipv6") seq += uint64_t(1) << 33;
  entries[seq] = e;
  return true;
}

// bgp community-list|large-community-list|extcommunity-list standard NAME
//   [seq N] permit|deny VALUES; bgp as-path access-list NAME [seq N] permit|deny REGEX
bool Converter::community_list(const Statement& s) {
  const std::string& kind = s.at(1);
  size_t i = 2;
  std::string section;
  if (kind == "as-path") {
    if (s.at(2) != "access-list") return false;
    section = "as-path-lists";
    i = 3;
  } else {
    if (s.at(2) != "standard") return false;  // expanded (regex) lists: no equivalent
    section = kind == "community-list"         ? "community-lists"
              : kind == "large-community-list" ? "large-community-lists"
              : kind == "extcommunity-list"    ? "ext-community-lists"
                                               : "";
    if (section.empty()) return false;
    i = 3;
  }
  const std::string& name = s.at(i++);
  auto& entries = lists_[section][name];
  uint64_t seq = next_seq(entries);
  if (s.at(i) == "seq") {
    if (!number(s.at(i + 1))) return false;
    seq = *number(s.at(i + 1));
    i += 2;
  }
  const std::string& action = s.at(i++);
  if ((action != "permit" && action != "deny") || i >= s.words.size()) return false;
  YAML::Node e;
  if (section == "as-path-lists") {
    e[action] = s.rest(i);
  } else {
    std::vector<std::string> v;
    for (; i < s.words.size(); ++i) {
      if (section == "ext-community-lists") {
        if (!take_ext_community(s, i, v)) return false;
      } else if (known_community_value(s.at(i))) {
        v.push_back(s.at(i));
      } else {
        return false;
      }
    }
    e[action] = values(v);
  }
  entries[seq] = e;
  return true;
}

bool Converter::route_map_line(const Statement& s) {
  if (s.at(0) == "route-map") {  // route-map NAME permit|deny SEQ
    if ((s.at(2) != "permit" && s.at(2) != "deny") || !number(s.at(3))) return false;
    YAML::Node& entry = route_maps_[s.at(1)][uint32_t(*number(s.at(3)))];
    entry["seq"] = s.at(3);
    entry["action"] = s.at(2);
    entry_ = &entry;
    block_ = Block::RouteMap;
    return true;
  }
  if (!entry_) return false;
  YAML::Node& entry = *entry_;
  const std::string& w = s.at(0);
  if (w == "description") return true;
  if (w == "match") return route_map_match(s, entry);
  if (w == "set") return route_map_set(s, entry);
  if (w == "on-match" && s.at(1) == "next") {
    entry["continue"] = true;
    return true;
  }
  if ((w == "on-match" && s.at(1) == "goto" && number(s.at(2))) ||
      (w == "continue" && number(s.at(1)))) {
    entry["continue"] = s.words.back();
    return true;
  }
  if (w == "continue" && s.words.size() == 1) {
    entry["continue"] = true;
    return true;
  }
  return false;
}

bool Converter::route_map_match(const Statement& s, YAML::Node& entry) {
  YAML::Node match = entry["match"];
  auto set_once = [&](const std::string& key, const std::string& value) {
    if (match[key] && match[key].as<std::string>() != value) return false;
    match[key] = value;
    if (key != "origin" && key != "interface" && key != "neighbor" && !key.starts_with("evpn-"))
      list_uses_.emplace_back(key == "as-path" ? "as-path-lists" : key + "s", value);
    return true;
  };
  const std::string& what = s.at(1);
  if ((what == "ip" || what == "ipv6") && s.at(2) == "address" && s.at(3) == "prefix-list" &&
      s.words.size() == 5)
    return set_once("prefix-list", s.at(4));
  // match evpn route-type macip|multicast|prefix|ead|es, match evpn vni N
  if (what == "evpn" && s.words.size() == 4) {
    if (s.at(2) == "route-type") return set_once("evpn-route-type", s.at(3));
    if (s.at(2) == "vni" && number(s.at(3))) return set_once("evpn-vni", s.at(3));
    return false;
  }
  if (s.words.size() != 3) return false;
  if (what == "community") return set_once("community", s.at(2));
  if (what == "large-community") return set_once("large-community", s.at(2));
  if (what == "extcommunity") return set_once("ext-community", s.at(2));
  if (what == "as-path") return set_once("as-path", s.at(2));
  if (what == "origin") return set_once("origin", s.at(2));
  if (what == "interface") return set_once("interface", s.at(2));
  if (what == "peer" && s.at(2) != "local") return set_once("neighbor", s.at(2));
  return false;
}

bool Converter::route_map_set(const Statement& s, YAML::Node& entry) {
  YAML::Node set = entry["set"];
  const std::string& what = s.at(1);
  if (what == "local-preference" && number(s.at(2)) && s.words.size() == 3) {
    set["local-preference"] = s.at(2);
    return true;
  }
  if (what == "metric" && number(s.at(2)) && s.words.size() == 3) {
    set["med"] = s.at(2);
    return true;
  }
  if (what == "origin" && s.words.size() == 3) {
    set["origin"] = s.at(2);
    return true;
  }
  if (what == "as-path" && s.at(2) == "prepend") {
    if (s.at(3) == "last-as" && number(s.at(4)) && s.words.size() == 5) {
      set["as-path-prepend"]["last-as"] = s.at(4);
      return true;
    }
    YAML::Node asns(YAML::NodeType::Sequence);
    for (size_t i = 3; i < s.words.size(); ++i) {
      if (!number(s.at(i))) return false;
      asns.push_back(s.at(i));
    }
    asns.SetStyle(YAML::EmitterStyle::Flow);
    set["as-path-prepend"] = asns;
    return asns.size() > 0;
  }
  // set extcommunity bandwidth MBPS|cumulative|num-multipaths; not
  // non-transitive (we send the transitive form only).
  if (what == "extcommunity" && s.at(2) == "bandwidth") {
    if (s.words.size() != 4) return false;
    if (!number(s.at(3)) && s.at(3) != "cumulative" && s.at(3) != "num-multipaths") return false;
    set["link-bandwidth"] = s.at(3);
    return true;
  }
  // set community|large-community V... [additive] | none;
  // set comm-list|large-comm-list NAME delete
  const std::string key = what == "community"         ? "community"
                          : what == "large-community" ? "large-community"
                          : what == "extcommunity"    ? "ext-community"
                                                      : "";
  if (!key.empty() && s.words.size() >= 3) {
    std::vector<std::string> v;
    bool additive = false;
    for (size_t i = 2; i < s.words.size(); ++i) {
      if (s.at(i) == "additive") {
        additive = true;
      } else if (key == "ext-community") {
        if (!take_ext_community(s, i, v)) return false;
      } else if (s.at(i) == "none" && s.words.size() == 3) {
        set[key]["replace"] = YAML::Node(YAML::NodeType::Sequence);
        set[key]["replace"].SetStyle(YAML::EmitterStyle::Flow);
        return true;
      } else if (known_community_value(s.at(i))) {
        v.push_back(s.at(i));
      } else {
        return false;
      }
    }
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& x : v) list.push_back(x);
    list.SetStyle(YAML::EmitterStyle::Flow);
    set[key][additive ? "add" : "replace"] = list;
    return !v.empty();
  }
  if ((what == "comm-list" || what == "large-comm-list") && s.at(3) == "delete" &&
      s.words.size() == 4) {
    set[what == "comm-list" ? "community" : "large-community"]["delete"] = s.at(2);
    return true;
  }
  return false;
}

}  // namespace closbgp::cli::frr
