#include "bgpd/api/stream_writers.h"

#include "bgpd/wire/ip.h"

namespace closbgp::api {

RequestedPrefixes requested_prefixes(const std::string& prefix, bool longer) {
  if (prefix.empty()) return rib::PrefixQuery{};
  const auto parsed = wire::Prefix::parse(prefix);
  if (longer) {
    if (!parsed)
      return std::unexpected("'" + prefix + "' is not a prefix (10.0.0.0/8, 2001:db8::/32)");
    return rib::PrefixQuery{*parsed, true};
  }
  if (!parsed || parsed->to_string() != prefix) return std::nullopt;
  return rib::PrefixQuery{*parsed, false};
}

}  // namespace closbgp::api
