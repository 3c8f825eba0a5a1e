#include "bgpd/wire/link_bandwidth.h"

#include <bit>
#include <cmath>

#include "bgpd/wire/attributes.h"

namespace closbgp::wire {
namespace {

constexpr uint8_t kTwoOctetAs = 0x00, kNonTransitive = 0x40, kSubtype = 0x04;

}  // namespace

bool is_link_bandwidth(uint64_t c) {
  const uint8_t type = uint8_t(c >> 56), subtype = uint8_t(c >> 48);
  return (type == kTwoOctetAs || type == kNonTransitive) && subtype == kSubtype;
}

float link_bandwidth(uint64_t c) {
  if (!is_link_bandwidth(c)) return 0;
  const float bw = std::bit_cast<float>(uint32_t(c));
  return std::isfinite(bw) && bw > 0 ? bw : 0;
}

float link_bandwidth(std::span<const uint64_t> communities) {
  for (uint64_t c : communities)
    if (float bw = link_bandwidth(c); bw > 0) return bw;
  return 0;
}

uint64_t link_bandwidth_community(uint32_t asn, float bytes_per_second) {
  const uint64_t global = asn > 0xFFFF ? kAsTrans : asn;
  return uint64_t(kTwoOctetAs) << 56 | uint64_t(kSubtype) << 48 | global << 32 |
         std::bit_cast<uint32_t>(bytes_per_second);
}

}  // namespace closbgp::wire
