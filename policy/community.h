// Communities as operators write them: standard "65000:100" or a well-known
// name (RFC 1997, 7999, 8326, 8642, 9494), large "65000:1:2" (RFC 8092), extended
// "rt:65000:100" / "soo:10.0.0.1:7" (RFC 4360, 5668), link bandwidth
// "lb:65000:10G" (RFC 10005).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bgpd/wire/attributes.h"

namespace closbgp::policy {

std::optional<uint32_t> parse_community(std::string_view text);
std::optional<wire::LargeCommunity> parse_large_community(std::string_view text);
std::optional<uint64_t> parse_ext_community(std::string_view text);

std::string community_text(uint32_t c);  // well-known names, else "65000:100"
std::string large_community_text(const wire::LargeCommunity& c);
std::string ext_community_text(uint64_t c);  // route-target, SoO, link bandwidth by name, else hex

// A bandwidth as operators write it, in bits per second with a unit (800K,
// 300M, 10G, 2.5G) or a bare number of Mbps (FRR's `set extcommunity
// bandwidth`); in bytes per second, as the link bandwidth community holds it.
std::optional<float> parse_bandwidth(std::string_view text);
std::string bandwidth_text(float bytes_per_second);  // "10G", "300M", "2.5G"

}  // namespace closbgp::policy
