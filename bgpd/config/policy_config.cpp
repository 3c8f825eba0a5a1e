#include "bgpd/config/policy_config.h"

#include <functional>
#include <map>

#include "bgpd/wire/link_bandwidth.h"
#include "policy/community.h"

namespace closbgp::config {
namespace {

using namespace yaml;

// The list entries' common shape: exactly one of `permit: X` / `deny: X`.
struct ListEntry {
  policy::Action action;
  YAML::Node value;
  std::string value_key;
};

ListEntry list_entry(const Section& s) {
  const bool permit = s.has("permit"), deny = s.has("deny");
  if (permit == deny) fail(s.node(), s.path(), "needs exactly one of permit or deny");
  const std::string key = permit ? "permit" : "deny";
  return {permit ? policy::Action::Permit : policy::Action::Deny, s.get(key), s.key_path(key)};
}

// Every named list section: a mapping of NAME to a list of entries.
template <class List>
void parse_named(const Section& root, const std::string& section,
                 std::map<std::string, std::shared_ptr<const List>>& out,
                 const std::function<void(const YAML::Node&, const std::string&, List&)>& entry) {
  if (!root.has(section)) return;
  const YAML::Node map = root.get(section);
  if (!map.IsMap()) fail(map, section, "must be a mapping of names to lists");
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.as<std::string>();
    const std::string path = section + "." + name;
    if (!it->second.IsSequence()) fail(it->second, path, "must be a list of entries");
    auto list = std::make_shared<List>();
    for (size_t i = 0; i < it->second.size(); ++i)
      entry(it->second[i], path + "[" + std::to_string(i) + "]", *list);
    out.emplace(name, std::move(list));
  }
}

void prefix_list_entry(const YAML::Node& n, const std::string& path, policy::PrefixList& list) {
  Section s(n, path, {"permit", "deny", "ge", "le"});
  const auto e = list_entry(s);
  const wire::Prefix p = prefix(e.value, e.value_key);
  const uint64_t max = wire::max_prefix_length(p.afi());
  std::optional<uint8_t> ge, le;
  if (s.has("ge")) ge = uint8_t(number(s.get("ge"), s.key_path("ge"), 0, max));
  if (s.has("le")) le = uint8_t(number(s.get("le"), s.key_path("le"), 0, max));
  auto entry = policy::make_prefix_list_entry(e.action, p, ge, le);
  if (!entry) fail(n, path, entry.error());
  list.entries.push_back(*entry);
}

template <class T>
std::vector<T> community_values(const YAML::Node& n, const std::string& key,
                                std::optional<T> (*parse)(std::string_view), const char* example) {
  std::vector<T> out;
  for (const auto& item : items(n)) {
    const std::string text = scalar(item, key);
    auto v = parse(text);
    if (!v) fail(item, key, "'" + text + "' is not a community like " + std::string(example));
    out.push_back(*v);
  }
  if (out.empty()) fail(n, key, "needs at least one community");
  return out;
}

template <class T>
auto community_list_entry(std::optional<T> (*parse)(std::string_view), const char* example) {
  return [=](const YAML::Node& n, const std::string& path, policy::BasicCommunityList<T>& list) {
    Section s(n, path, {"permit", "deny"});
    const auto e = list_entry(s);
    list.entries.push_back({e.action, community_values(e.value, e.value_key, parse, example)});
  };
}

void as_path_list_entry(const YAML::Node& n, const std::string& path, policy::AsPathList& list) {
  Section s(n, path, {"permit", "deny"});
  const auto e = list_entry(s);
  auto regex = policy::AsPathRegex::compile(scalar(e.value, e.value_key));
  if (!regex) fail(e.value, e.value_key, regex.error());
  list.entries.push_back({e.action, std::move(*regex)});
}

template <class T>
std::shared_ptr<const T> lookup(const std::map<std::string, std::shared_ptr<const T>>& defined,
                                const YAML::Node& n, const std::string& key, const char* kind) {
  const std::string name = scalar(n, key);
  auto it = defined.find(name);
  if (it == defined.end()) fail(n, key, std::string(kind) + " '" + name + "' is not defined");
  return it->second;
}

wire::Origin origin(const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(n, key);
  if (s == "igp") return wire::Origin::Igp;
  if (s == "egp") return wire::Origin::Egp;
  if (s == "incomplete") return wire::Origin::Incomplete;
  fail(n, key, "'" + s + "' must be igp, egp or incomplete");
}

policy::Match parse_match(const YAML::Node& n, const std::string& path, const policy::Policies& p) {
  Section s(n, path,
            {"prefix-list", "community", "large-community", "ext-community", "as-path", "origin",
             "family", "interface", "neighbor", "evpn-route-type", "evpn-vni"});
  policy::Match m;
  auto key = [&](const char* k) { return s.key_path(k); };
  if (s.has("prefix-list"))
    m.prefix_list = lookup(p.prefix_lists, s.get("prefix-list"), key("prefix-list"), "prefix-list");
  if (s.has("community"))
    m.community = lookup(p.community_lists, s.get("community"), key("community"), "community-list");
  if (s.has("large-community"))
    m.large_community = lookup(p.large_community_lists, s.get("large-community"),
                               key("large-community"), "large-community-list");
  if (s.has("ext-community"))
    m.ext_community = lookup(p.ext_community_lists, s.get("ext-community"), key("ext-community"),
                             "ext-community-list");
  if (s.has("as-path"))
    m.as_path = lookup(p.as_path_lists, s.get("as-path"), key("as-path"), "as-path-list");
  if (s.has("origin")) m.origin = origin(s.get("origin"), key("origin"));
  if (s.has("family")) {
    const std::string f = scalar(s.get("family"), key("family"));
    if (f == "ipv4-unicast" || f == "ipv4")
      m.family = wire::Afi::Ipv4;
    else if (f == "ipv6-unicast" || f == "ipv6")
      m.family = wire::Afi::Ipv6;
    else
      fail(s.get("family"), key("family"), "'" + f + "' must be ipv4-unicast or ipv6-unicast");
  }
  if (s.has("evpn-route-type")) {
    // FRR's names for the route types of RFC 7432 and RFC 9136.
    static const std::map<std::string, wire::EvpnType> kTypes{
        {"ead", wire::EvpnType::EthernetAutoDiscovery},
        {"macip", wire::EvpnType::MacIp},
        {"multicast", wire::EvpnType::InclusiveMulticast},
        {"es", wire::EvpnType::EthernetSegment},
        {"prefix", wire::EvpnType::IpPrefix}};
    const std::string t = scalar(s.get("evpn-route-type"), key("evpn-route-type"));
    auto it = kTypes.find(t);
    if (it == kTypes.end())
      fail(s.get("evpn-route-type"), key("evpn-route-type"),
           "'" + t + "' must be ead, macip, multicast, es or prefix");
    m.evpn_route_type = it->second;
  }
  if (s.has("evpn-vni"))
    m.evpn_vni = uint32_t(number(s.get("evpn-vni"), key("evpn-vni"), 1, 16777215));
  if (s.has("interface")) m.interface = scalar(s.get("interface"), key("interface"));
  if (s.has("neighbor")) {
    const std::string a = scalar(s.get("neighbor"), key("neighbor"));
    m.neighbor = wire::IpAddress::parse(a);
    if (!m.neighbor) fail(s.get("neighbor"), key("neighbor"), "'" + a + "' is not an IP address");
  }
  return m;
}

template <class T>
policy::CommunityEdit<T> parse_edit(
    const YAML::Node& n, const std::string& path,
    const std::map<std::string, std::shared_ptr<const policy::BasicCommunityList<T>>>& lists,
    const char* list_kind, std::optional<T> (*parse)(std::string_view), const char* example) {
  Section s(n, path, {"add", "delete", "replace"});
  policy::CommunityEdit<T> e;
  if (s.has("replace")) {
    // `replace: []` removes them all.
    const auto r = s.get("replace");
    e.replace = r.IsSequence() && r.size() == 0
                    ? std::vector<T>{}
                    : community_values(r, s.key_path("replace"), parse, example);
  }
  if (s.has("delete")) {
    if (e.replace) fail(s.get("delete"), s.key_path("delete"), "cannot be used with replace");
    e.remove = lookup(lists, s.get("delete"), s.key_path("delete"), list_kind);
  }
  if (s.has("add")) e.add = community_values(s.get("add"), s.key_path("add"), parse, example);
  return e;
}

policy::Set parse_set(const YAML::Node& n, const std::string& path, const policy::Policies& p,
                      uint32_t local_as) {
  Section s(n, path,
            {"local-preference", "med", "origin", "community", "large-community", "ext-community",
             "link-bandwidth", "as-path-prepend"});
  policy::Set set;
  auto key = [&](const char* k) { return s.key_path(k); };
  if (s.has("local-preference"))
    set.local_pref =
        uint32_t(number(s.get("local-preference"), key("local-preference"), 0, 4294967295u));
  if (s.has("med")) set.med = uint32_t(number(s.get("med"), key("med"), 0, 4294967295u));
  if (s.has("origin")) set.origin = origin(s.get("origin"), key("origin"));
  if (s.has("community"))
    set.communities =
        parse_edit<uint32_t>(s.get("community"), key("community"), p.community_lists,
                             "community-list", policy::parse_community, "65000:100 or no-export");
  if (s.has("large-community"))
    set.large_communities = parse_edit<wire::LargeCommunity>(
        s.get("large-community"), key("large-community"), p.large_community_lists,
        "large-community-list", policy::parse_large_community, "65000:1:2");
  if (s.has("ext-community"))
    set.ext_communities =
        parse_edit<uint64_t>(s.get("ext-community"), key("ext-community"), p.ext_community_lists,
                             "ext-community-list", policy::parse_ext_community, "rt:65000:100");
  if (s.has("link-bandwidth")) {
    const std::string text = scalar(s.get("link-bandwidth"), key("link-bandwidth"));
    set.bandwidth_as = local_as;
    if (text == "cumulative") {
      set.bandwidth_from = policy::BandwidthFrom::Cumulative;
    } else if (text == "num-multipaths") {
      set.bandwidth_from = policy::BandwidthFrom::NumMultipaths;
    } else if (const auto bw = policy::parse_bandwidth(text)) {
      set.link_bandwidth = wire::link_bandwidth_community(local_as, *bw);
    } else {
      fail(s.get("link-bandwidth"), key("link-bandwidth"),
           "'" + text +
               "' is not a bandwidth: a number of Mbps, with a unit (800K, 10G), cumulative or "
               "num-multipaths");
    }
  }
  if (s.has("as-path-prepend")) {
    const auto pp = s.get("as-path-prepend");
    const std::string k = key("as-path-prepend");
    if (pp.IsMap()) {
      Section last(pp, k, {"last-as"});
      if (!last.has("last-as")) fail(pp, k, "needs last-as: N");
      set.prepend_last_as = uint8_t(number(last.get("last-as"), last.key_path("last-as"), 1, 10));
    } else {
      for (const auto& asn : items(pp))
        set.prepend.push_back(uint32_t(number(asn, k, 1, 4294967295u)));
      if (set.prepend.empty() || set.prepend.size() > 64)
        fail(pp, k, "needs 1 to 64 AS numbers, or last-as: N");
    }
  }
  return set;
}

std::shared_ptr<const policy::RouteMap> parse_route_map(const YAML::Node& n,
                                                        const std::string& path,
                                                        const policy::Policies& p,
                                                        uint32_t local_as) {
  if (!n.IsSequence()) fail(n, path, "must be a list of entries");
  std::vector<policy::RouteMapEntry> entries;
  std::vector<YAML::Node> continue_nodes;
  uint32_t last_seq = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string ep = path + "[" + std::to_string(i) + "]";
    Section s(n[i], ep, {"seq", "action", "match", "set", "continue"});
    policy::RouteMapEntry e;
    e.seq =
        s.has("seq") ? uint32_t(number(s.get("seq"), s.key_path("seq"), 1, 65535)) : last_seq + 10;
    if (e.seq <= last_seq)
      fail(s.has("seq") ? s.get("seq") : n[i], s.key_path("seq"),
           "must be greater than the previous entry's " + std::to_string(last_seq));
    last_seq = e.seq;
    if (!s.has("action")) fail(n[i], s.key_path("action"), "is required (permit or deny)");
    const std::string action = scalar(s.get("action"), s.key_path("action"));
    auto a = policy::parse_action(action);
    if (!a) fail(s.get("action"), s.key_path("action"), "'" + action + "' must be permit or deny");
    e.action = *a;
    if (s.has("match")) e.match = parse_match(s.get("match"), s.key_path("match"), p);
    if (s.has("set")) {
      if (e.action == policy::Action::Deny)
        fail(s.get("set"), s.key_path("set"), "a deny entry has nothing to set");
      e.set = parse_set(s.get("set"), s.key_path("set"), p, local_as);
    }
    if (s.has("continue")) {
      const auto c = s.get("continue");
      if (e.action == policy::Action::Deny)
        fail(c, s.key_path("continue"), "a deny entry cannot continue");
      const std::string text = scalar(c, s.key_path("continue"));
      if (text == "true")
        e.continue_to = 0;
      else if (text != "false")
        e.continue_to = uint32_t(number(c, s.key_path("continue"), e.seq + 1, 65535));
    }
    continue_nodes.push_back(s.has("continue") ? s.get("continue") : n[i]);
    entries.push_back(std::move(e));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (!e.continue_to || *e.continue_to == 0) continue;
    if (std::none_of(entries.begin(), entries.end(),
                     [&](const auto& x) { return x.seq == *e.continue_to; }))
      fail(continue_nodes[i], path + "[" + std::to_string(i) + "].continue",
           "there is no entry with seq " + std::to_string(*e.continue_to));
  }
  return std::make_shared<const policy::RouteMap>(std::move(entries));
}

// A route-map's YAML and that of every list whose name it mentions (a
// superset of what it uses: at worst an unrelated change counts as one).
std::string route_map_text(const Section& root, const YAML::Node& map) {
  std::string text = YAML::Dump(map);
  const std::string own = text;
  for (const auto& section : kPolicySections) {
    if (section == "route-maps" || !root.has(section) || !root.get(section).IsMap()) continue;
    for (auto it = root.get(section).begin(); it != root.get(section).end(); ++it) {
      const std::string name = it->first.as<std::string>();
      if (own.find(name) != std::string::npos)
        text += "\n" + section + "." + name + ": " + YAML::Dump(it->second);
    }
  }
  return text;
}

}  // namespace

policy::Policies parse_policies(const Section& root, uint32_t local_as) {
  policy::Policies p;
  parse_named<policy::PrefixList>(root, "prefix-lists", p.prefix_lists, prefix_list_entry);
  parse_named<policy::CommunityList>(
      root, "community-lists", p.community_lists,
      community_list_entry<uint32_t>(policy::parse_community, "65000:100 or no-export"));
  parse_named<policy::LargeCommunityList>(
      root, "large-community-lists", p.large_community_lists,
      community_list_entry<wire::LargeCommunity>(policy::parse_large_community, "65000:1:2"));
  parse_named<policy::ExtCommunityList>(
      root, "ext-community-lists", p.ext_community_lists,
      community_list_entry<uint64_t>(policy::parse_ext_community, "rt:65000:100"));
  parse_named<policy::AsPathList>(root, "as-path-lists", p.as_path_lists, as_path_list_entry);
  if (root.has("route-maps")) {
    const YAML::Node map = root.get("route-maps");
    if (!map.IsMap()) fail(map, "route-maps", "must be a mapping of names to entry lists");
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string name = it->first.as<std::string>();
      p.route_maps.emplace(name, parse_route_map(it->second, "route-maps." + name, p, local_as));
      p.route_map_text.emplace(name, route_map_text(root, it->second));
    }
  }
  return p;
}

void require_route_map(const policy::Policies& p, const YAML::Node& n, const std::string& key) {
  lookup(p.route_maps, n, key, "route-map");
}

}  // namespace closbgp::config
