#include "bgpd/api/stream_writers.h"

#include "bgpd/wire/ip.h"

namespace closbgp::api {

RequestedPrefixes requested_prefixes(const std::string& prefix, bool longer, bool longest) {
  if (prefix.empty()) return rib::PrefixQuery{};
  if (longest) {
    const auto address = wire::IpAddress::parse(prefix);
    if (!address)
      return std::unexpected("'" + prefix + "' is not an address (10.1.2.3, 2001:db8::1)");
    return rib::PrefixQuery{wire::Prefix(*address, address->afi() == wire::Afi::Ipv4 ? 32 : 128),
                            false, true};
  }
  const auto parsed = wire::Prefix::parse(prefix);
  if (!parsed)
    return std::unexpected("'" + prefix + "' is not a prefix (10.0.0.0/8, 2001:db8::/32)");
  if (parsed->to_string() != prefix)
    return std::unexpected("'" + prefix + "' has host bits set: " + parsed->to_string() + "?");
  return rib::PrefixQuery{*parsed, longer};
}

}  // namespace closbgp::api
