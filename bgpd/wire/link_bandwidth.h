// The link bandwidth extended community (RFC 10005): a two-octet-AS
// specific extended community of sub-type 4 whose local part is the
// bandwidth, in bytes per second, as an IEEE 754 single-precision float.
// Multipath weights follow it (weighted ECMP).
//
// Both the transitive (type 0x00) and the non-transitive (0x40) form are
// read; we write the transitive one, as FRR's `set extcommunity bandwidth`
// does, so that it crosses the eBGP hops of a fabric.
#pragma once

#include <cstdint>
#include <span>

namespace closbgp::wire {

// The bandwidth (bytes per second) if `c` is a link bandwidth community
// with a usable value; 0 otherwise (another community, or a bandwidth that
// is zero, negative, infinite or not a number: treated as absent).
float link_bandwidth(uint64_t c);

// The first usable link bandwidth among `communities`; 0 when none.
float link_bandwidth(std::span<const uint64_t> communities);

// The transitive community for `bytes_per_second` from `asn` (AS_TRANS for
// a four-octet AS, as the community holds two octets).
uint64_t link_bandwidth_community(uint32_t asn, float bytes_per_second);

bool is_link_bandwidth(uint64_t c);  // of either form, whatever its value

}  // namespace closbgp::wire
