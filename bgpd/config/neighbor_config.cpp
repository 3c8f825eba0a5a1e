#include "bgpd/config/neighbor_config.h"

#include <algorithm>
#include <set>

#include "bgpd/config/add_path_config.h"
#include "bgpd/config/intake_config.h"
#include "bgpd/config/interface_globs.h"
#include "bgpd/config/policy_config.h"
#include "bgpd/config/secret_file.h"

namespace closbgp::config {
using namespace yaml;
namespace {

// Linux interface names: 1-15 characters, no '/', ':' or white space; '*'
// allowed as a pattern.
bool valid_ifname(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s)
    if (c == '/' || c == ':' || c == ' ' || c == '\t') return false;
  return true;
}

// A section's route-map-in and route-map-out: names of route-maps that
// exist.
void route_maps(const Section& s, const policy::Policies& policies, std::string& in,
                std::string& out) {
  for (auto [key, name] : {std::pair{"route-map-in", &in}, std::pair{"route-map-out", &out}}) {
    if (!s.has(key)) continue;
    *name = scalar(s.get(key), s.key_path(key));
    require_route_map(policies, s.get(key), s.key_path(key));
  }
}

// A neighbour's bfd: true, false, or its own timers.
std::optional<Bfd> parse_neighbor_bfd(const YAML::Node& n, const std::string& path,
                                      const Bfd& global) {
  if (n.IsMap()) return parse_bfd(n, path, global);
  return boolean(n, path) ? std::optional(global) : std::nullopt;
}

RemoteAs parse_remote_as(const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(n, key);
  if (s == "external") return {RemoteAs::Kind::External, 0};
  if (s == "internal") return {RemoteAs::Kind::Internal, 0};
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    fail(n, key, "'" + s + "' must be external, internal or an AS number");
  return {RemoteAs::Kind::Number, uint32_t(number(n, key, 1, 4294967295u))};
}

Neighbor::RemovePrivateAs parse_remove_private_as(const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(n, key);
  if (s == "all") return Neighbor::RemovePrivateAs::All;
  return boolean(n, key) ? Neighbor::RemovePrivateAs::IfOnlyPrivate
                         : Neighbor::RemovePrivateAs::Off;
}

// RFC 2385 allows 80 octets (TCP_MD5SIG_MAXKEYLEN).
std::string parse_password(const YAML::Node& n, const std::string& path) {
  std::string p = scalar(n, path);
  if (p.empty() || p.size() > 80) fail(n, path, "must be 1 to 80 characters");
  if (p == kHiddenSecret)
    fail(n, path,
         "is what show running-config writes in place of a password: write the password itself, "
         "or use password-file");
  return p;
}

// The keys that name a neighbour, and those that set how it runs (which a
// peer template may set too).
const std::set<std::string> kIdentityKeys = {"interface", "address", "listen-range"};
const std::set<std::string> kSettingKeys = {"remote-as",
                                            "ttl-security",
                                            "update-source",
                                            "ebgp-multihop",
                                            "bfd",
                                            "route-map-in",
                                            "route-map-out",
                                            "allowas-in",
                                            "remove-private-as",
                                            "default-originate",
                                            "route-reflector-client",
                                            "next-hop-self",
                                            "evpn",
                                            "max-prefix",
                                            "expected-routes",
                                            "add-path",
                                            "path-attribute",
                                            "password",
                                            "password-file",
                                            "description",
                                            "timers",
                                            "expire-after",
                                            "sender-as-path-loop-detection"};

}  // namespace

Bfd parse_bfd(const YAML::Node& n, const std::string& path, Bfd defaults) {
  Section s(n, path, {"interval-ms", "multiplier", "strict"});
  if (s.has("interval-ms"))
    defaults.interval_ms =
        uint32_t(number(s.get("interval-ms"), s.key_path("interval-ms"), 50, 60000));
  if (s.has("multiplier"))
    defaults.multiplier = uint8_t(number(s.get("multiplier"), s.key_path("multiplier"), 1, 255));
  if (s.has("strict")) defaults.strict = boolean(s.get("strict"), s.key_path("strict"));
  return defaults;
}

void check_templates(const YAML::Node& templates) {
  if (!templates || templates.IsNull()) return;
  if (!templates.IsMap())
    fail(templates, "peer-templates", "must be a map: NAME: {neighbour keys}");
  for (const auto& entry : templates) {
    const std::string name = scalar(entry.first, "peer-templates");
    const std::string path = "peer-templates." + name;
    if (!entry.second.IsMap()) fail(entry.second, path, "must be a map of neighbour keys");
    std::set<std::string> allowed = kSettingKeys;
    allowed.insert(kIdentityKeys.begin(), kIdentityKeys.end());
    Section s(entry.second, path, allowed);
    for (const auto& key : kIdentityKeys)
      if (s.has(key))
        fail(s.get(key), s.key_path(key),
             "a template cannot name the neighbour; set " + key + " in each neighbour");
  }
}

YAML::Node with_template(const YAML::Node& n, size_t index, const YAML::Node& templates) {
  if (!n.IsMap() || !n["template"]) return n;
  const std::string path = "neighbors[" + std::to_string(index) + "].template";
  const std::string name = scalar(n["template"], path);
  if (!templates || !templates.IsMap() || !templates[name])
    fail(n["template"], path,
         "no peer-template '" + name + "' (peer-templates: {" + name + ": {...}})");
  YAML::Node merged = n;  // the document's own node: keys are added to it
  for (const auto& entry : templates[name]) {
    const std::string key = entry.first.Scalar();
    if (!n[key]) merged[key] = entry.second;  // the neighbour's own keys win
  }
  return merged;
}

void check_interface_overlaps(const YAML::Node& list, const std::vector<Neighbor>& neighbors) {
  for (size_t j = 0; j < neighbors.size(); ++j)
    for (size_t i = 0; i < j; ++i) {
      const std::string &first = neighbors[i].interface, &later = neighbors[j].interface;
      if (first.empty() || later.empty() || !globs_overlap(first, later)) continue;
      if (glob_covers(later, first)) continue;  // the more specific is listed first
      const std::string key = "neighbors[" + std::to_string(j) + "].interface";
      const std::string other = "neighbors[" + std::to_string(i) + "] '" + first + "' (line " +
                                std::to_string(neighbors[i].line) + ")";
      fail(list[j], key,
           glob_covers(first, later)
               ? "'" + later + "' is never used: " + other +
                     " matches its interfaces first; list the more specific one first"
               : "'" + later + "' and " + other +
                     " both match some interfaces; make them disjoint, or list the more "
                     "specific one first");
    }
}

Timers parse_timers(const YAML::Node& n, const std::string& path) {
  Section s(n, path, {"keepalive", "hold", "connect-retry"});
  Timers t;
  if (s.has("hold")) t.hold = uint16_t(number(s.get("hold"), s.key_path("hold"), 0, 65535));
  if (t.hold == 1 || t.hold == 2)
    fail(s.get("hold"), s.key_path("hold"), "must be 0 or at least 3 (RFC 4271)");
  if (s.has("keepalive"))
    t.keepalive = uint16_t(number(s.get("keepalive"), s.key_path("keepalive"), 0, 21845));
  else if (t.hold != 0)
    t.keepalive = uint16_t(std::min<int>(3, t.hold / 3));
  if (t.hold != 0 && t.keepalive >= t.hold)
    fail(s.has("keepalive") ? s.get("keepalive") : n, s.key_path("keepalive"),
         "must be less than the hold time " + std::to_string(t.hold));
  if (s.has("connect-retry"))
    t.connect_retry =
        uint16_t(number(s.get("connect-retry"), s.key_path("connect-retry"), 1, 65535));
  return t;
}

Neighbor parse_neighbor(const YAML::Node& n, size_t index, const Bfd& global_bfd,
                        const policy::Policies& policies, Files files) {
  const std::string path = "neighbors[" + std::to_string(index) + "]";
  std::set<std::string> keys = kIdentityKeys;
  keys.insert(kSettingKeys.begin(), kSettingKeys.end());
  keys.insert("template");  // merged in by with_template()
  Section s(n, path, keys);
  Neighbor nb;
  nb.line = line_of(n);
  const int kinds = int(s.has("interface")) + int(s.has("address")) + int(s.has("listen-range"));
  if (kinds != 1) fail(n, path, "needs exactly one of interface, address or listen-range");
  if (s.has("interface")) {
    nb.interface = scalar(s.get("interface"), s.key_path("interface"));
    if (!valid_ifname(nb.interface))
      fail(s.get("interface"), s.key_path("interface"),
           "'" + nb.interface +
               "' is not an interface name (1-15 characters, no '/', ':' or spaces)");
  }
  if (s.has("address")) {
    const std::string a = scalar(s.get("address"), s.key_path("address"));
    nb.address = wire::IpAddress::parse(a);
    if (!nb.address)
      fail(s.get("address"), s.key_path("address"), "'" + a + "' is not an IP address");
  }
  if (s.has("listen-range"))
    nb.listen_range = prefix(s.get("listen-range"), s.key_path("listen-range"));
  if (s.has("expire-after")) {
    if (!nb.listen_range)
      fail(s.get("expire-after"), s.key_path("expire-after"),
           "only a listen-range's dynamic neighbours expire");
    nb.expire_after =
        uint32_t(number(s.get("expire-after"), s.key_path("expire-after"), 0, 7 * 86400));
  }
  if (s.has("description"))
    nb.description = scalar(s.get("description"), s.key_path("description"));
  if (s.has("timers")) nb.timers = parse_timers(s.get("timers"), s.key_path("timers"));
  if (!s.has("remote-as")) fail(n, s.key_path("remote-as"), "is required");
  nb.remote_as = parse_remote_as(s.get("remote-as"), s.key_path("remote-as"));
  if (s.has("ttl-security"))
    nb.ttl_security = boolean(s.get("ttl-security"), s.key_path("ttl-security"));
  if (s.has("update-source")) {
    const auto node = s.get("update-source");
    nb.update_source = scalar(node, s.key_path("update-source"));
    if (!nb.address)
      fail(node, s.key_path("update-source"),
           "only a neighbour by address has one (an interface neighbour starts from its link)");
    if (const auto a = wire::IpAddress::parse(nb.update_source)) {
      if (a->is_v6() != nb.address->is_v6())
        fail(node, s.key_path("update-source"),
             "'" + nb.update_source + "' is not of the neighbour's address family");
    } else if (!valid_ifname(nb.update_source)) {
      fail(node, s.key_path("update-source"),
           "'" + nb.update_source + "' is neither an IP address nor an interface name");
    }
  }
  if (s.has("ebgp-multihop")) {
    const auto node = s.get("ebgp-multihop");
    // `true` is FRR's bare `ebgp-multihop`: 255.
    nb.ebgp_multihop = node.IsScalar() && node.Scalar() == "true"
                           ? uint8_t(255)
                           : uint8_t(number(node, s.key_path("ebgp-multihop"), 1, 255));
    if (nb.ttl_security)
      fail(node, s.key_path("ebgp-multihop"),
           "cannot go with ttl-security, which needs TTL 255 from a neighbour one hop away");
  }
  // BFD is on by default on fabric links (interface neighbours).
  if (!nb.interface.empty()) nb.bfd = global_bfd;
  if (s.has("bfd")) nb.bfd = parse_neighbor_bfd(s.get("bfd"), s.key_path("bfd"), global_bfd);
  route_maps(s, policies, nb.route_map_in, nb.route_map_out);
  if (s.has("allowas-in")) {
    // `true` is FRR's default count, 3.
    const auto a = s.get("allowas-in");
    nb.allowas_in = a.IsScalar() && a.Scalar() == "true" ? 3
                    : a.IsScalar() && a.Scalar() == "false"
                        ? 0
                        : uint8_t(number(a, s.key_path("allowas-in"), 0, 10));
  }
  if (s.has("default-originate"))
    nb.default_originate = boolean(s.get("default-originate"), s.key_path("default-originate"));
  if (s.has("route-reflector-client"))
    nb.route_reflector_client =
        boolean(s.get("route-reflector-client"), s.key_path("route-reflector-client"));
  if (s.has("evpn")) {
    // `true`, or EVPN's own route-maps (which mean true).
    const auto e = s.get("evpn");
    if (e.IsMap()) {
      nb.evpn = true;
      const Section es(e, s.key_path("evpn"), {"route-map-in", "route-map-out", "max-prefix"});
      route_maps(es, policies, nb.evpn_route_map_in, nb.evpn_route_map_out);
      if (es.has("max-prefix"))
        nb.evpn_max_prefix = parse_max_prefix(es.get("max-prefix"), es.key_path("max-prefix"));
    } else {
      nb.evpn = boolean(e, s.key_path("evpn"));
    }
  }
  if (s.has("next-hop-self"))
    nb.next_hop_self = boolean(s.get("next-hop-self"), s.key_path("next-hop-self"));
  if (s.has("sender-as-path-loop-detection"))
    nb.sender_loop_check = boolean(s.get("sender-as-path-loop-detection"),
                                   s.key_path("sender-as-path-loop-detection"));
  if (s.has("remove-private-as"))
    nb.remove_private_as =
        parse_remove_private_as(s.get("remove-private-as"), s.key_path("remove-private-as"));
  if (s.has("max-prefix"))
    nb.max_prefix = parse_max_prefix(s.get("max-prefix"), s.key_path("max-prefix"));
  if (s.has("expected-routes"))
    nb.expected_routes =
        parse_expected_routes(s.get("expected-routes"), s.key_path("expected-routes"));
  if (s.has("add-path")) nb.add_path = parse_add_path(s.get("add-path"), s.key_path("add-path"));
  if (s.has("path-attribute"))
    nb.path_attribute = parse_path_attribute(s.get("path-attribute"), s.key_path("path-attribute"));
  if (s.has("password") && s.has("password-file"))
    fail(n, path, "has both password and password-file: keep one");
  if (s.has("password")) nb.password = parse_password(s.get("password"), s.key_path("password"));
  if (s.has("password-file")) {
    const auto key = s.key_path("password-file");
    nb.password_file = secret_path(s.get("password-file"), key);
    if (files == Files::Open)
      nb.password = read_secret(s.get("password-file"), key, nb.password_file);
  }
  return nb;
}

}  // namespace closbgp::config
