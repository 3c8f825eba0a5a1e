#include "bgpd/wire/nlri.h"

namespace closbgp::wire {

bool decode_nlri(std::span<const uint8_t> data, Afi afi, bool add_path, std::vector<Nlri>& out) {
  const uint8_t max_len = max_prefix_length(afi);
  const uint8_t* p = data.data();
  const uint8_t* const end = p + data.size();
  // A /24 takes 4 octets: reserving for that shape avoids regrowth in the
  // common case without over-allocating for long IPv6 prefixes.
  out.reserve(out.size() + data.size() / (add_path ? 8 : 4) + 1);
  while (p < end) {
    uint32_t path_id = 0;
    if (add_path) {
      if (end - p < 5) return false;
      path_id = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
      p += 4;
    }
    const uint8_t len = *p++;
    if (len > max_len) return false;
    const size_t n = (len + 7u) / 8u;
    if (size_t(end - p) < n) return false;
    out.push_back(Nlri{Prefix::from_wire(afi, len, p), path_id});
    p += n;
  }
  return true;
}

void encode_nlri(const Nlri& n, bool add_path, Writer& w) {
  if (add_path) w.u32(n.path_id);
  w.u8(n.prefix.length());
  w.bytes(n.prefix.address().bytes().data(), (n.prefix.length() + 7u) / 8u);
}

}  // namespace closbgp::wire
