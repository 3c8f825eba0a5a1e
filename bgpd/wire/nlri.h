// NLRI encoding (RFC 4271 sec. 4.3, RFC 4760 sec. 5, RFC 7911 sec. 3): a
// length in bits, then just enough octets; optionally a 4-octet path id first.
#pragma once

#include <span>
#include <vector>

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/messages.h"

namespace closbgp::wire {

// Appends every prefix in `data` to `out`. False if any entry is malformed
// (length beyond the family's maximum, or running past the end).
bool decode_nlri(std::span<const uint8_t> data, Afi afi, bool add_path, std::vector<Nlri>& out);
// Octets one entry takes on the wire.
inline size_t nlri_size(const Nlri& n, bool add_path) {
  return (add_path ? 4 : 0) + 1 + (n.prefix.length() + 7u) / 8u;
}
void encode_nlri(const Nlri& n, bool add_path, Writer& w);

}  // namespace closbgp::wire
