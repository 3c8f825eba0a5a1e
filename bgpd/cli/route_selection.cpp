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

}  // namespace closbgp::cli
