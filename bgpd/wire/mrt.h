// MRT records (RFC 6396) that bgpdump, bgpkit and the collectors' tools
// read. TABLE_DUMP_V2 (sec. 4.3), a RIB snapshot: one PEER_INDEX_TABLE,
// then one RIB_IPV4_UNICAST or RIB_IPV6_UNICAST record per prefix with an
// entry per path (RIB_GENERIC for an EVPN route); attributes are written with 4-octet AS numbers,
// an IPv6 (or RFC 8950) next hop in an MP_REACH_NLRI holding only the next hop, as sec. 4.3.4 asks.
// BGP4MP (sec. 4.4), a session's messages and state changes as they happen, with 4-octet AS numbers
// in the record header.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "bgpd/wire/evpn.h"
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
  uint32_t path_id = 0;     // add-path: the id it came with
  const PathAttributes* attributes = nullptr;
  MpNextHop next_hop;
};

// Each appends one whole record (common header included) to `out`.
void peer_index_table(uint32_t timestamp, uint32_t collector_bgp_id, std::string_view view,
                      std::span<const Peer> peers, std::vector<uint8_t>& out);
void rib(uint32_t timestamp, uint32_t sequence, const Prefix& prefix,
         std::span<const RibEntry> entries, std::vector<uint8_t>& out);
// RIB_GENERIC (sec. 4.3.3) for one L2VPN EVPN route (AFI 25, SAFI 70; its
// labels, the VNIs, are part of the NLRI), its entries' next hops in an
// MP_REACH_NLRI holding only the next hop.
void rib_evpn(uint32_t timestamp, uint32_t sequence, const EvpnRoute& route,
              std::span<const RibEntry> entries, std::vector<uint8_t>& out);

// Who a BGP4MP record is about: the session's two ends (both of one family).
struct Session {
  uint32_t peer_as = 0, local_as = 0;
  uint16_t ifindex = 0;
  IpAddress peer_address, local_address;
};
// BGP4MP_MESSAGE_AS4: one whole BGP message (header included) as it was
// received on the session; with `sent`, BGP4MP_MESSAGE_AS4_LOCAL: one the
// local router sent. With `add_path`, their RFC 8050 subtypes (_ADDPATH):
// the message's NLRI carry path ids.
void bgp4mp_message(uint32_t timestamp, const Session& s, std::span<const uint8_t> message,
                    std::vector<uint8_t>& out, bool sent = false, bool add_path = false);
// BGP4MP_STATE_CHANGE_AS4; states as RFC 6396 numbers them (1 Idle ... 6
// Established).
void bgp4mp_state_change(uint32_t timestamp, const Session& s, uint16_t old_state,
                         uint16_t new_state, std::vector<uint8_t>& out);

}  // namespace closbgp::wire::mrt
