// UPDATE encoding: one message from an UpdateMessage, and dense packing of
// many NLRI that share one attribute set.
#include <algorithm>

#include "bgpd/wire/attr_codec.h"
#include "bgpd/wire/framing.h"
#include "bgpd/wire/nlri.h"
#include "bgpd/wire/update_encode.h"

namespace closbgp::wire {
namespace {

using detail::AttrSource;
using detail::begin_message;
using detail::finish_message;

// All attributes in canonical order; unknown ones passed on interleaved by
// type code, with the Partial bit set (RFC 4271 sec. 5: an unrecognized
// optional transitive attribute is passed on marked partial).
void encode_attributes_from(const AttrSource& src, const EncodeContext& ctx, Writer& w) {
  std::vector<const RawAttribute*> unknown;
  unknown.reserve(src.attrs.unknown.size());
  for (const auto& u : src.attrs.unknown) unknown.push_back(&u);
  // Pointers into one vector: comparing them keeps the received order
  // among attributes of the same type.
  std::sort(unknown.begin(), unknown.end(), [](const RawAttribute* a, const RawAttribute* b) {
    return a->type != b->type ? a->type < b->type : a < b;
  });
  auto next_unknown = unknown.begin();
  auto write_unknown_below = [&](unsigned type) {
    for (; next_unknown != unknown.end() && (*next_unknown)->type < type; ++next_unknown) {
      const RawAttribute& u = **next_unknown;
      detail::write_attr(w, uint8_t(u.flags | attr_flag::kPartial), u.type,
                         [&] { w.bytes(u.value); });
    }
  };
  bool past_mp = false;
  for (const detail::AttrDescriptor* d : detail::attrs_in_encoding_order()) {
    const bool is_mp = d->type == attr_type::kMpReach || d->type == attr_type::kMpUnreach;
    past_mp = past_mp || !is_mp;
    if (past_mp) write_unknown_below(d->type);
    d->encode(src, ctx, w);
  }
  write_unknown_below(256);
}

// Adds NLRI from `nlri` starting at `next` while the message stays within
// `max` octets; returns how many were added.
size_t fill_nlri(std::span<const Nlri> nlri, size_t next, bool add_path, size_t start, size_t max,
                 Writer& w) {
  size_t added = 0;
  for (size_t i = next; i < nlri.size(); ++i) {
    if (w.size() - start + nlri_size(nlri[i], add_path) > max) break;
    encode_nlri(nlri[i], add_path, w);
    ++added;
  }
  return added;
}

// The shared attribute bytes of a packed announcement, minus MP_REACH_NLRI.
std::vector<uint8_t> encode_shared_attributes(const PathAttributes& attributes, const MpNextHop& nh,
                                              bool legacy, const EncodeContext& ctx) {
  std::vector<uint8_t> out;
  Writer w(out);
  PathAttributes copy;
  const PathAttributes* attrs = &attributes;
  if (legacy != attributes.next_hop.has_value()) {
    // NEXT_HOP belongs in the attributes exactly when NLRI use the legacy field.
    copy = attributes;
    copy.next_hop = legacy ? std::optional(nh.address) : std::nullopt;
    attrs = &copy;
  }
  encode_attributes_from(AttrSource{*attrs, nullptr, nullptr}, ctx, w);
  return out;
}

}  // namespace

void encode_path_attributes(const PathAttributes& attrs, const MpReach* mp_reach,
                            const EncodeContext& ctx, Writer& w) {
  encode_attributes_from(AttrSource{attrs, mp_reach, nullptr}, ctx, w);
}

std::expected<void, std::string> encode_update(const UpdateMessage& msg, const EncodeContext& ctx,
                                               Writer& w) {
  const size_t start = begin_message(w, MessageType::Update);
  const bool add_path4 = ctx.add_path.has(Family::Ipv4Unicast);
  const size_t withdrawn_at = w.placeholder16();
  for (const auto& n : msg.withdrawn) encode_nlri(n, add_path4, w);
  w.patch16(withdrawn_at, uint16_t(std::min<size_t>(w.size() - withdrawn_at - 2, 0xffff)));
  const size_t attrs_at = w.placeholder16();
  encode_attributes_from(AttrSource{msg.attributes, msg.mp_reach ? &*msg.mp_reach : nullptr,
                                    msg.mp_unreach ? &*msg.mp_unreach : nullptr},
                         ctx, w);
  w.patch16(attrs_at, uint16_t(std::min<size_t>(w.size() - attrs_at - 2, 0xffff)));
  for (const auto& n : msg.nlri) encode_nlri(n, add_path4, w);
  const size_t max = detail::max_message_size(ctx.extended_message);
  const size_t len = w.size() - start;
  if (!finish_message(w, start, max))
    return std::unexpected("UPDATE of " + std::to_string(len) + " octets exceeds the limit of " +
                           std::to_string(max));
  return {};
}

size_t encode_announce(const PathAttributes& attributes, const MpNextHop& next_hop, Family family,
                       std::span<const Nlri> nlri, const EncodeContext& ctx,
                       std::vector<uint8_t>& out) {
  const bool legacy = family == Family::Ipv4Unicast && next_hop.address.is_v4();
  const std::vector<uint8_t> shared = encode_shared_attributes(attributes, next_hop, legacy, ctx);
  const bool add_path = ctx.add_path.has(family);
  const size_t max = detail::max_message_size(ctx.extended_message);
  Writer w(out);
  size_t messages = 0;
  for (size_t next = 0; next < nlri.size();) {
    const size_t start = begin_message(w, MessageType::Update);
    w.u16(0);  // no withdrawn routes
    const size_t attrs_at = w.placeholder16();
    size_t added = 0;
    if (legacy) {
      w.bytes(shared);
      w.patch16(attrs_at, uint16_t(shared.size()));
      added = fill_nlri(nlri, next, add_path, start, max, w);
    } else {
      // MP_REACH_NLRI first, always with a 2-octet length since it grows.
      w.u8(attr_flag::kOptional | attr_flag::kExtendedLength);
      w.u8(attr_type::kMpReach);
      const size_t mp_len_at = w.placeholder16();
      w.u16(uint16_t(afi_of(family)));
      w.u8(uint8_t(Safi::Unicast));
      const bool with_ll = next_hop.address.is_v6() && next_hop.link_local.has_value();
      w.u8(uint8_t(next_hop.address.size() + (with_ll ? 16 : 0)));
      w.bytes(next_hop.address.bytes().data(), next_hop.address.size());
      if (with_ll) w.bytes(next_hop.link_local->bytes().data(), 16);
      w.u8(0);
      added = fill_nlri(nlri, next, add_path, start, max - shared.size(), w);
      w.patch16(mp_len_at, uint16_t(w.size() - mp_len_at - 2));
      w.bytes(shared);
      w.patch16(attrs_at, uint16_t(w.size() - attrs_at - 2));
    }
    if (added == 0) {  // the attributes alone fill a message: nothing can be sent
      w.buffer().resize(start);
      break;
    }
    finish_message(w, start, max);
    next += added;
    ++messages;
  }
  return messages;
}

size_t encode_withdraw(Family family, std::span<const Nlri> nlri, const EncodeContext& ctx,
                       std::vector<uint8_t>& out) {
  const bool add_path = ctx.add_path.has(family);
  const size_t max = detail::max_message_size(ctx.extended_message);
  Writer w(out);
  size_t messages = 0;
  for (size_t next = 0; next < nlri.size(); ++messages) {
    const size_t start = begin_message(w, MessageType::Update);
    if (family == Family::Ipv4Unicast) {
      const size_t len_at = w.placeholder16();
      next += fill_nlri(nlri, next, add_path, start, max - 2, w);
      w.patch16(len_at, uint16_t(w.size() - len_at - 2));
      w.u16(0);  // no attributes
    } else {
      w.u16(0);  // no IPv4 withdrawn routes
      const size_t attrs_at = w.placeholder16();
      w.u8(attr_flag::kOptional | attr_flag::kExtendedLength);
      w.u8(attr_type::kMpUnreach);
      const size_t mp_len_at = w.placeholder16();
      w.u16(uint16_t(afi_of(family)));
      w.u8(uint8_t(Safi::Unicast));
      next += fill_nlri(nlri, next, add_path, start, max, w);
      w.patch16(mp_len_at, uint16_t(w.size() - mp_len_at - 2));
      w.patch16(attrs_at, uint16_t(w.size() - attrs_at - 2));
    }
    finish_message(w, start, max);
  }
  return messages;
}

void encode_end_of_rib(Family family, std::vector<uint8_t>& out) {
  UpdateMessage eor;
  if (family != Family::Ipv4Unicast) eor.mp_unreach = MpUnreach{family, {}, {}};
  Writer w(out);
  (void)encode_update(eor, EncodeContext{}, w);  // a few octets: cannot exceed the limit
}

}  // namespace closbgp::wire
