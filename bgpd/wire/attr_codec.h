// Internal to the codec: the per-attribute descriptor table (flags, decode,
// encode, RFC 7606 action), in the manner of BIRD's bgp_attr_table[].
#pragma once

#include <optional>
#include <span>
#include <string>

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/codec.h"

namespace closbgp::wire::detail {

// Where attribute decoders put what they find.
struct AttrSink {
  PathAttributes& attrs;
  std::optional<MpReach>& mp_reach;
  std::optional<MpUnreach>& mp_unreach;
  std::optional<AsPath> as4_path;  // merged after all attributes are read
  std::optional<Aggregator> as4_aggregator;
};

// Everything an attribute encoder may need to write from.
struct AttrSource {
  const PathAttributes& attrs;
  const MpReach* mp_reach;
  const MpUnreach* mp_unreach;
};

// Decodes one attribute's value. Returns None on success, otherwise the
// RFC 7606 action for what was wrong, with `why` saying what it was.
using AttrDecodeFn = AttrAction (*)(std::span<const uint8_t> value, const DecodeContext& ctx,
                                    AttrSink& sink, std::string& why);
// Writes the whole attribute (header and value) if the source holds it.
using AttrEncodeFn = void (*)(const AttrSource& src, const EncodeContext& ctx, Writer& w);

struct AttrDescriptor {
  uint8_t type;
  const char* name;
  uint8_t flags;          // the Optional and Transitive bits the RFC defines
  uint8_t reset_subcode;  // UPDATE error subcode when the action is session reset
  AttrDecodeFn decode;
  AttrEncodeFn encode;
};

// nullptr for attributes this codec does not interpret.
const AttrDescriptor* find_attr(uint8_t type);
// Canonical encoding order: MP_REACH_NLRI, MP_UNREACH_NLRI first (RFC 7606
// sec. 5.1), the rest by type code.
std::span<const AttrDescriptor* const> attrs_in_encoding_order();

// Records why an attribute was rejected and returns the action for it.
inline AttrAction reject(std::string& why, std::string reason, AttrAction action) {
  why = std::move(reason);
  return action;
}

// Writes flags, type and length (extended only when the value needs it)
// around what `body` writes.
template <typename Body>
void write_attr(Writer& w, uint8_t flags, uint8_t type, Body&& body) {
  w.u8(flags & ~attr_flag::kExtendedLength);
  w.u8(type);
  const size_t len_at = w.placeholder8();
  body();
  const size_t len = w.size() - len_at - 1;
  if (len <= 255) {
    w.patch8(len_at, uint8_t(len));
    return;
  }
  auto& buf = w.buffer();
  buf[len_at - 2] |= attr_flag::kExtendedLength;
  buf.insert(buf.begin() + std::ptrdiff_t(len_at), 0);
  w.patch16(len_at, uint16_t(len));
}

// Per-family attribute codecs, defined in attr_*.cpp.
AttrAction decode_as_path(std::span<const uint8_t> value, bool four_octet, bool ebgp, AsPath& out,
                          std::string& why);
void encode_as_path(const AttrSource& src, const EncodeContext& ctx, Writer& w);
void encode_as4_path(const AttrSource& src, const EncodeContext& ctx, Writer& w);
AttrAction decode_as_path_attr(std::span<const uint8_t>, const DecodeContext&, AttrSink&,
                               std::string&);
AttrAction decode_as4_path_attr(std::span<const uint8_t>, const DecodeContext&, AttrSink&,
                                std::string&);
// RFC 6793 sec. 4.2.3: reconstructs the path from AS_PATH and AS4_PATH.
void merge_as4(AttrSink& sink);

AttrAction decode_mp_reach(std::span<const uint8_t>, const DecodeContext&, AttrSink&, std::string&);
AttrAction decode_mp_unreach(std::span<const uint8_t>, const DecodeContext&, AttrSink&,
                             std::string&);
void encode_mp_reach(const AttrSource&, const EncodeContext&, Writer&);
void encode_mp_unreach(const AttrSource&, const EncodeContext&, Writer&);

}  // namespace closbgp::wire::detail
