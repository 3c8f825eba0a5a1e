#include "bgpd/cli/route_selection.h"

#include "bgpd/wire/ip.h"
#include "policy/community.h"

namespace closbgp::cli {

namespace {

// [ipv4|ipv6] [PREFIX|ADDRESS [longer-prefixes]]
std::expected<RouteSelection, std::string> selected_prefixes(
    const std::vector<std::string>& words) {
  size_t at = 0;
  std::optional<wire::Afi> family;
  if (at < words.size() && (words[at] == "ipv4" || words[at] == "ipv6"))
    family = words[at++] == "ipv4" ? wire::Afi::Ipv4 : wire::Afi::Ipv6;
  RouteSelection s;
  if (at == words.size()) {  // a whole family, or everything
    if (family) s = {family == wire::Afi::Ipv4 ? "0.0.0.0/0" : "::/0", true, false, ""};
    return s;
  }
  const std::string& what = words[at++];
  // Abbreviated like every keyword ("longer").
  if (at < words.size() && !words[at].empty() &&
      std::string_view("longer-prefixes").starts_with(words[at])) {
    s.longer = true;
    ++at;
  }
  if (at != words.size()) return std::unexpected("unexpected '" + words[at] + "'");
  std::optional<wire::Afi> afi;
  if (what.find('/') == std::string::npos) {
    const auto address = wire::IpAddress::parse(what);
    if (!address) return std::unexpected("'" + what + "' is not a prefix or an address");
    if (s.longer)
      return std::unexpected("longer-prefixes needs a prefix (" + what +
                             (address->afi() == wire::Afi::Ipv4 ? "/32" : "/128") + "?)");
    afi = address->afi();
    s.longest = true;
  } else {
    const auto prefix = wire::Prefix::parse(what);
    if (!prefix) return std::unexpected("'" + what + "' is not a prefix");
    if (prefix->to_string() != what)
      return std::unexpected("'" + what + "' has host bits set: " + prefix->to_string() + "?");
    afi = prefix->afi();
  }
  if (family && afi != family)
    return std::unexpected("'" + what + "' is not " +
                           (family == wire::Afi::Ipv4 ? "an IPv4" : "an IPv6") + " prefix");
  s.prefix = what;
  return s;
}

}  // namespace

std::expected<RouteSelection, std::string> route_selection(std::vector<std::string> words) {
  // community C, last; the keyword abbreviated to at least "comm".
  std::string community;
  if (words.size() >= 2 && words[words.size() - 2].size() >= 4 &&
      std::string_view("community").starts_with(words[words.size() - 2])) {
    community = words.back();
    if (!policy::parse_community(community) && !policy::parse_large_community(community))
      return std::unexpected("'" + community +
                             "' is not a community (65000:1, no-export) or a large community "
                             "(65000:1:2)");
    words.resize(words.size() - 2);
  }
  auto s = selected_prefixes(words);
  if (s) s->community = community;
  return s;
}

namespace {

// 1 to `max`, in decimal.
std::optional<uint32_t> number(const std::string& value, uint32_t max) {
  if (value.empty() || value.size() > 8 ||
      value.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const auto n = uint32_t(std::stoul(value));
  return n >= 1 && n <= max ? std::optional(n) : std::nullopt;
}

constexpr uint32_t kMaxVni = 16777215;
const char* const kBadVni = ": a VNI is 1 to 16777215";

}  // namespace

std::expected<EvpnSelection, std::string> evpn_selection(const std::vector<std::string>& words) {
  EvpnSelection s;
  for (size_t at = 0; at < words.size(); at += 2) {
    const std::string& key = words[at];
    if (at + 1 == words.size()) return std::unexpected("'" + key + "' needs a value");
    const std::string& value = words[at + 1];
    if (key == "type") {
      const auto t = number(value, 5);
      if (!t) return std::unexpected("type " + value + ": a route type is 1 to 5");
      s.type = *t;
    } else if (key == "vni") {
      const auto v = number(value, kMaxVni);
      if (!v) return std::unexpected("vni " + value + kBadVni);
      s.vni = *v;
    } else if (key == "rd") {
      s.rd = value;
    } else {
      return std::unexpected("unexpected '" + key + "' (type N, vni V, rd RD)");
    }
  }
  return s;
}

std::expected<std::pair<EvpnVniPart, uint32_t>, std::string> evpn_vni_selection(
    const std::vector<std::string>& words) {
  std::optional<EvpnVniPart> part;
  std::string vni;  // empty: every VNI
  if (words.size() <= 2 && words[0] == "vni") {
    part = EvpnVniPart::Vnis;
    if (words.size() == 2) vni = words[1];
  } else if (words.size() == 3 && (words[0] == "mac" || words[0] == "arp-cache") &&
             words[1] == "vni") {
    part = words[0] == "mac" ? EvpnVniPart::Macs : EvpnVniPart::ArpCache;
    vni = words[2];
  } else if (words.size() == 1 && words[0] == "vrf") {
    part = EvpnVniPart::Tenants;
  }
  if (!part) return std::unexpected("vni [VNI], mac vni VNI, arp-cache vni VNI or vrf");
  if (vni.empty()) return std::pair{*part, uint32_t(0)};
  const auto v = number(vni, kMaxVni);
  if (!v) return std::unexpected("vni " + vni + kBadVni);
  return std::pair{*part, *v};
}

std::expected<DupAddrSelection, std::string> dup_addr_selection(
    const std::vector<std::string>& words) {
  DupAddrSelection s;
  if (words.empty()) return s;
  const bool shaped = (words.size() == 2 || (words.size() == 4 && words[2] == "mac")) &&
                      words[0] == "vni" && !(words[1] == "all" && words.size() == 4);
  if (!shaped) return std::unexpected("[vni all|VNI [mac MAC]]");
  if (words[1] != "all") {
    const auto v = number(words[1], kMaxVni);
    if (!v) return std::unexpected("vni " + words[1] + kBadVni);
    s.vni = *v;
  }
  if (words.size() == 4) s.mac = words[3];
  return s;
}

}  // namespace closbgp::cli
