// The BGP codec: bytes <-> messages, pure (no sockets, clock or logging).
//
//   auto msg = decode(bytes, ctx);   // expected<Message, DecodeError>
//
// A DecodeError means "send this NOTIFICATION and close". Attribute problems
// that RFC 7606 lets a session survive are reported inside the UpdateMessage
// (`action`, `errors`) instead.
#pragma once

#include <bitset>
#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "bgpd/wire/messages.h"

namespace closbgp::wire {

// What was negotiated with the peer, as far as decoding depends on it.
struct DecodeContext {
  bool four_octet_as = true;      // RFC 6793 negotiated
  bool extended_message = false;  // RFC 8654 negotiated
  bool ebgp = true;
  FamilySet families{Family::Ipv4Unicast,
                     Family::Ipv6Unicast};  // MP attributes of others are ignored
  FamilySet add_path;  // families whose received NLRI carry path identifiers (RFC 7911)
  // Attribute type codes the operator chose to drop, or to treat as a
  // withdraw of the UPDATE's prefixes: applied before the attribute is
  // parsed, so a malformed one can do no harm (reported as `configured`).
  std::bitset<256> discard, treat_as_withdraw;
};

struct EncodeContext {
  bool four_octet_as = true;
  bool extended_message = false;
  FamilySet add_path;  // families whose sent NLRI carry path identifiers
};

struct Header {
  uint16_t length = 0;
  MessageType type = MessageType::Keepalive;
};

// Validates the 19-octet header at the start of `bytes` (marker, length
// within limits for its type, known type). `bytes` may hold more than one
// message; only the first 19 octets are read. Used for framing a stream.
std::expected<Header, DecodeError> decode_header(std::span<const uint8_t> bytes,
                                                 const DecodeContext& ctx);

// Decodes exactly one whole message (header included).
std::expected<Message, DecodeError> decode(std::span<const uint8_t> message,
                                           const DecodeContext& ctx);

// Encodes one message, appending it to `out`. Fails only if the message
// would exceed the size limit (UPDATE) or a field cannot be represented.
std::expected<void, std::string> encode(const Message& message, const EncodeContext& ctx,
                                        std::vector<uint8_t>& out);
std::expected<std::vector<uint8_t>, std::string> encode(const Message& message,
                                                        const EncodeContext& ctx);

// Dense UPDATE packing: as many NLRI per message as the size limit allows,
// the attributes encoded once. Whole messages are appended to `out`; the
// return value is how many. IPv4 NLRI with an IPv4 next hop go in the NLRI
// field with NEXT_HOP; everything else in MP_REACH_NLRI (RFC 4760, RFC 8950).
size_t encode_announce(const PathAttributes& attributes, const MpNextHop& next_hop, Family family,
                       std::span<const Nlri> nlri, const EncodeContext& ctx,
                       std::vector<uint8_t>& out);
size_t encode_withdraw(Family family, std::span<const Nlri> nlri, const EncodeContext& ctx,
                       std::vector<uint8_t>& out);
void encode_end_of_rib(Family family, std::vector<uint8_t>& out);
// The same for L2VPN EVPN routes: announced with `attributes` and the VTEP
// `next_hop` in MP_REACH_NLRI, or withdrawn in MP_UNREACH_NLRI.
size_t encode_evpn_announce(const PathAttributes& attributes, const IpAddress& next_hop,
                            std::span<const EvpnRoute> routes, const EncodeContext& ctx,
                            std::vector<uint8_t>& out);
size_t encode_evpn_withdraw(std::span<const EvpnRoute> routes, const EncodeContext& ctx,
                            std::vector<uint8_t>& out);

// Hands `f` each whole message of `messages` (back to back, as the
// encoders above append them), by its header's length; stops at a
// truncated one. Returns how many.
size_t for_each_message(std::span<const uint8_t> messages,
                        const std::function<void(std::span<const uint8_t>)>& f);

}  // namespace closbgp::wire
