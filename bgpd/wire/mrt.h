// MRT TABLE_DUMP_V2 records (RFC 6396 sec. 4.3): a RIB snapshot that
// bgpdump, bgpkit and the collectors' tools read. A dump is one
// PEER_INDEX_TABLE, then one RIB_IPV4_UNICAST or RIB_IPV6_UNICAST record
// per prefix with an entry per path. Attributes are written with 4-octet
// AS numbers; an IPv6 (or RFC 8950) next hop goes in an MP_REACH_NLRI
// holding only the next hop, as sec. 4.3.4 asks.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "bgpd/wire/ip.h"
#include "bgpd/wire/messages.h"

namespace closbgp::wire::mrt {

struct Peer {
  uint32_t bgp_id = 0;  // host order
  IpAddress address;
  uint32_t asn = 0;
};

struct RibEntry {
  uint16_t peer_index = 0;  // into the PEER_INDEX_TABLE
  uint32_t originated = 0;  // Unix time the path was received
  const PathAttributes* attributes = nullptr;
  MpNextHop next_hop;
};

// Each appends one whole record (common header included) to `out`.
void peer_index_table(uint32_t timestamp, uint32_t collector_bgp_id, std::string_view view,
                      std::span<const Peer> peers, std::vector<uint8_t>& out);
void rib(uint32_t timestamp, uint32_t sequence, const Prefix& prefix,
         std::span<const RibEntry> entries, std::vector<uint8_t>& out);

}  // namespace closbgp::wire::mrt
