#include "policy/community.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

#include "bgpd/wire/evpn.h"
#include "bgpd/wire/link_bandwidth.h"

namespace closbgp::policy {
namespace {

constexpr std::array<std::pair<std::string_view, uint32_t>, 9> kWellKnown{{
    {"graceful-shutdown", 0xFFFF0000},  // RFC 8326
    {"accept-own", 0xFFFF0001},         // RFC 7611
    {"llgr-stale", 0xFFFF0006},         // RFC 9494
    {"no-llgr", 0xFFFF0007},
    {"blackhole", 0xFFFF029A},  // RFC 7999
    {"no-export", 0xFFFFFF01},
    {"no-advertise", 0xFFFFFF02},
    {"no-export-subconfed", 0xFFFFFF03},
    {"no-peer", 0xFFFFFF04},  // RFC 3765
}};

// Extended community types (RFC 4360, 5668): high octet, then sub-type.
constexpr uint8_t kTwoOctetAs = 0x00, kIpv4 = 0x01, kFourOctetAs = 0x02;
constexpr uint8_t kRouteTarget = 0x02, kSiteOfOrigin = 0x03;

// Bandwidths in bits per second, largest unit first.
constexpr std::array<std::pair<double, char>, 4> kBandwidthUnits{
    {{1e12, 'T'}, {1e9, 'G'}, {1e6, 'M'}, {1e3, 'K'}}};

std::optional<uint64_t> number(std::string_view s, uint64_t max) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t start = 0;;) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

}  // namespace

std::optional<uint32_t> parse_community(std::string_view text) {
  for (const auto& [name, value] : kWellKnown)
    if (text == name) return value;
  const auto parts = split(text, ':');
  if (parts.size() != 2) return std::nullopt;
  const auto hi = number(parts[0], 0xFFFF), lo = number(parts[1], 0xFFFF);
  if (!hi || !lo) return std::nullopt;
  return uint32_t(*hi << 16 | *lo);
}

std::optional<wire::LargeCommunity> parse_large_community(std::string_view text) {
  const auto parts = split(text, ':');
  if (parts.size() != 3) return std::nullopt;
  const auto g = number(parts[0], 0xFFFFFFFF), l1 = number(parts[1], 0xFFFFFFFF),
             l2 = number(parts[2], 0xFFFFFFFF);
  if (!g || !l1 || !l2) return std::nullopt;
  return wire::LargeCommunity{uint32_t(*g), uint32_t(*l1), uint32_t(*l2)};
}

std::optional<uint64_t> parse_ext_community(std::string_view text) {
  const auto parts = split(text, ':');
  if (parts.size() != 3) return std::nullopt;
  if (parts[0] == "lb") {
    const auto asn = number(parts[1], 0xFFFF);
    const auto bw = parse_bandwidth(parts[2]);
    if (!asn || !bw) return std::nullopt;
    return wire::link_bandwidth_community(uint32_t(*asn), *bw);
  }
  uint64_t subtype;
  if (parts[0] == "rt")
    subtype = kRouteTarget;
  else if (parts[0] == "soo")
    subtype = kSiteOfOrigin;
  else
    return std::nullopt;
  if (auto ip = wire::IpAddress::parse(parts[1]); ip && ip->is_v4()) {
    const auto local = number(parts[2], 0xFFFF);
    if (!local) return std::nullopt;
    return uint64_t(kIpv4) << 56 | subtype << 48 | uint64_t(ip->v4_host_order()) << 16 | *local;
  }
  const auto asn = number(parts[1], 0xFFFFFFFF);
  if (!asn) return std::nullopt;
  if (*asn <= 0xFFFF) {
    const auto local = number(parts[2], 0xFFFFFFFF);
    if (!local) return std::nullopt;
    return uint64_t(kTwoOctetAs) << 56 | subtype << 48 | *asn << 32 | *local;
  }
  const auto local = number(parts[2], 0xFFFF);
  if (!local) return std::nullopt;
  return uint64_t(kFourOctetAs) << 56 | subtype << 48 | *asn << 16 | *local;
}

std::string community_text(uint32_t c) {
  for (const auto& [name, value] : kWellKnown)
    if (c == value) return std::string(name);
  return std::to_string(c >> 16) + ":" + std::to_string(c & 0xFFFF);
}

std::string large_community_text(const wire::LargeCommunity& c) {
  return std::to_string(c.global) + ":" + std::to_string(c.local1) + ":" + std::to_string(c.local2);
}

std::string ext_community_text(uint64_t c) {
  const uint8_t type = uint8_t(c >> 56), subtype = uint8_t(c >> 48);
  if (const float bw = wire::link_bandwidth(c); bw > 0 && type == kTwoOctetAs)
    return "lb:" + std::to_string((c >> 32) & 0xFFFF) + ":" + bandwidth_text(bw);
  if (auto evpn = wire::evpn_ext_community_text(c)) return *evpn;
  const char* name = subtype == kRouteTarget ? "rt" : subtype == kSiteOfOrigin ? "soo" : nullptr;
  const std::string prefix = name ? std::string(name) + ":" : "";
  if (name && type == kTwoOctetAs)
    return prefix + std::to_string((c >> 32) & 0xFFFF) + ":" + std::to_string(c & 0xFFFFFFFF);
  if (name && type == kFourOctetAs)
    return prefix + std::to_string((c >> 16) & 0xFFFFFFFF) + ":" + std::to_string(c & 0xFFFF);
  if (name && type == kIpv4)
    return prefix + wire::IpAddress::v4(uint32_t(c >> 16)).to_string() + ":" +
           std::to_string(c & 0xFFFF);
  char hex[19];
  std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(c));
  return hex;
}

std::optional<float> parse_bandwidth(std::string_view text) {
  double unit = 1e6;  // a bare number: Mbps
  if (!text.empty())
    for (const auto& [size, letter] : kBandwidthUnits)
      if (text.back() == letter) {
        unit = size;
        text.remove_suffix(1);
        break;
      }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(v > 0))
    return std::nullopt;
  const double bytes = v * unit / 8;
  if (bytes > 3.4e38) return std::nullopt;  // beyond a float
  return float(bytes);
}

std::string bandwidth_text(float bytes_per_second) {
  const double bits = double(bytes_per_second) * 8;
  char text[32];
  for (const auto& [size, letter] : kBandwidthUnits)
    if (bits >= size) {
      std::snprintf(text, sizeof text, "%.4g%c", bits / size, letter);
      return text;
    }
  std::snprintf(text, sizeof text, "%.4gK", bits / 1e3);
  return text;
}

}  // namespace closbgp::policy
