// The attribute descriptor table and the codecs of the fixed-shape
// attributes. RFC 7606 sec. 7 gives each attribute's action when malformed.
#include <algorithm>
#include <array>

#include "bgpd/wire/attr_codec.h"

namespace closbgp::wire::detail {
namespace {

constexpr uint8_t kWellKnown = attr_flag::kTransitive;
constexpr uint8_t kOptTrans = attr_flag::kOptional | attr_flag::kTransitive;
constexpr uint8_t kOptNonTrans = attr_flag::kOptional;

// Reads a value that must be a whole number of fixed-size items (at least
// one), as COMMUNITIES, CLUSTER_LIST and the community types require.
template <typename T, size_t kSize, typename ReadFn>
bool read_list(std::span<const uint8_t> value, std::vector<T>& out, ReadFn read) {
  if (value.empty() || value.size() % kSize != 0) return false;
  Reader r(value);
  out.clear();
  out.reserve(value.size() / kSize);
  while (!r.empty()) out.push_back(read(r));
  return true;
}

std::string length_error(const char* what, size_t got) {
  return std::string(what) + ", got length " + std::to_string(got);
}

AttrAction decode_origin(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                         std::string& why) {
  if (v.size() != 1)
    return reject(why, length_error("ORIGIN must be 1 octet", v.size()),
                  AttrAction::TreatAsWithdraw);
  if (v[0] > uint8_t(Origin::Incomplete))
    return reject(why, "ORIGIN value " + std::to_string(v[0]) + " is undefined",
                  AttrAction::TreatAsWithdraw);
  s.attrs.origin = Origin(v[0]);
  return AttrAction::None;
}

AttrAction decode_next_hop(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                           std::string& why) {
  if (v.size() != 4)
    return reject(why, length_error("NEXT_HOP must be 4 octets", v.size()),
                  AttrAction::TreatAsWithdraw);
  s.attrs.next_hop = IpAddress::from_bytes(Afi::Ipv4, v.data());
  return AttrAction::None;
}

// MED, LOCAL_PREF, ORIGINATOR_ID and OTC: one 4-octet value.
AttrAction decode_u32(std::span<const uint8_t> v, const char* name, std::optional<uint32_t>& out,
                      std::string& why) {
  if (v.size() != 4)
    return reject(why, length_error(name, v.size()) + ", expected 4", AttrAction::TreatAsWithdraw);
  Reader r(v);
  uint32_t x = 0;
  r.u32(x);
  out = x;
  return AttrAction::None;
}

AttrAction decode_med(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                      std::string& why) {
  return decode_u32(v, "MULTI_EXIT_DISC", s.attrs.med, why);
}

AttrAction decode_local_pref(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& s,
                             std::string& why) {
  if (ctx.ebgp)
    return reject(why, "LOCAL_PREF from an external peer", AttrAction::AttributeDiscard);
  return decode_u32(v, "LOCAL_PREF", s.attrs.local_pref, why);
}

AttrAction decode_atomic_aggregate(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                                   std::string& why) {
  if (!v.empty())
    return reject(why, length_error("ATOMIC_AGGREGATE must be empty", v.size()),
                  AttrAction::AttributeDiscard);
  s.attrs.atomic_aggregate = true;
  return AttrAction::None;
}

// AGGREGATOR is 2+4 octets on a 2-octet-AS session, 4+4 otherwise;
// AS4_AGGREGATOR is always 4+4. Malformed, AS 0 included (RFC 7607):
// attribute discard (RFC 7606 7.7).
AttrAction read_aggregator(std::span<const uint8_t> v, bool four_octet, const char* name,
                           std::optional<Aggregator>& out, std::string& why) {
  const size_t want = four_octet ? 8 : 6;
  if (v.size() != want)
    return reject(why, length_error(name, v.size()) + ", expected " + std::to_string(want),
                  AttrAction::AttributeDiscard);
  Reader r(v);
  Aggregator a;
  if (four_octet) {
    r.u32(a.asn);
  } else {
    uint16_t as2 = 0;
    r.u16(as2);
    a.asn = as2;
  }
  r.u32(a.address);
  if (a.asn == 0)
    return reject(why, std::string(name) + " names AS 0 (RFC 7607)", AttrAction::AttributeDiscard);
  out = a;
  return AttrAction::None;
}

AttrAction decode_aggregator(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& s,
                             std::string& why) {
  return read_aggregator(v, ctx.four_octet_as, "AGGREGATOR", s.attrs.aggregator, why);
}

AttrAction decode_as4_aggregator(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& s,
                                 std::string& why) {
  if (ctx.four_octet_as)
    return AttrAction::None;  // RFC 6793 sec. 4.1: ignored between NEW speakers
  return read_aggregator(v, true, "AS4_AGGREGATOR", s.as4_aggregator, why);
}

AttrAction decode_communities(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                              std::string& why) {
  if (read_list<uint32_t, 4>(v, s.attrs.communities, [](Reader& r) {
        uint32_t x = 0;
        r.u32(x);
        return x;
      }))
    return AttrAction::None;
  return reject(why, length_error("COMMUNITIES must be a non-zero multiple of 4", v.size()),
                AttrAction::TreatAsWithdraw);
}

AttrAction decode_originator_id(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                                std::string& why) {
  return decode_u32(v, "ORIGINATOR_ID", s.attrs.originator_id, why);
}

AttrAction decode_cluster_list(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                               std::string& why) {
  if (read_list<uint32_t, 4>(v, s.attrs.cluster_list, [](Reader& r) {
        uint32_t x = 0;
        r.u32(x);
        return x;
      }))
    return AttrAction::None;
  return reject(why, length_error("CLUSTER_LIST must be a non-zero multiple of 4", v.size()),
                AttrAction::TreatAsWithdraw);
}

AttrAction decode_ext_communities(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                                  std::string& why) {
  if (read_list<uint64_t, 8>(v, s.attrs.ext_communities, [](Reader& r) {
        uint64_t x = 0;
        r.u64(x);
        return x;
      }))
    return AttrAction::None;
  return reject(why,
                length_error("EXTENDED_COMMUNITIES must be a non-zero multiple of 8", v.size()),
                AttrAction::TreatAsWithdraw);
}

AttrAction decode_large_communities(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                                    std::string& why) {
  if (read_list<LargeCommunity, 12>(v, s.attrs.large_communities, [](Reader& r) {
        LargeCommunity c;
        r.u32(c.global);
        r.u32(c.local1);
        r.u32(c.local2);
        return c;
      }))
    return AttrAction::None;
  return reject(why, length_error("LARGE_COMMUNITY must be a non-zero multiple of 12", v.size()),
                AttrAction::TreatAsWithdraw);
}

AttrAction decode_otc(std::span<const uint8_t> v, const DecodeContext&, AttrSink& s,
                      std::string& why) {
  return decode_u32(v, "OTC", s.attrs.otc, why);
}

// ---- encoders -------------------------------------------------------------

template <typename T, typename WriteFn>
void encode_list(Writer& w, uint8_t flags, uint8_t type, const std::vector<T>& items,
                 WriteFn write) {
  if (items.empty()) return;
  write_attr(w, flags, type, [&] {
    for (const T& x : items) write(w, x);
  });
}

void encode_u32(Writer& w, uint8_t flags, uint8_t type, const std::optional<uint32_t>& v) {
  if (v) write_attr(w, flags, type, [&] { w.u32(*v); });
}

void encode_origin(const AttrSource& s, const EncodeContext&, Writer& w) {
  if (s.attrs.origin)
    write_attr(w, kWellKnown, attr_type::kOrigin, [&] { w.u8(uint8_t(*s.attrs.origin)); });
}

void encode_next_hop(const AttrSource& s, const EncodeContext&, Writer& w) {
  if (s.attrs.next_hop && s.attrs.next_hop->is_v4())
    write_attr(w, kWellKnown, attr_type::kNextHop,
               [&] { w.bytes(s.attrs.next_hop->bytes().data(), 4); });
}

void encode_med(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_u32(w, kOptNonTrans, attr_type::kMed, s.attrs.med);
}
void encode_local_pref(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_u32(w, kWellKnown, attr_type::kLocalPref, s.attrs.local_pref);
}
void encode_atomic_aggregate(const AttrSource& s, const EncodeContext&, Writer& w) {
  if (s.attrs.atomic_aggregate) write_attr(w, kWellKnown, attr_type::kAtomicAggregate, [] {});
}

// On a 2-octet session a 4-octet aggregator AS travels as AS_TRANS in
// AGGREGATOR and in full in AS4_AGGREGATOR (RFC 6793 sec. 4.2.2).
void encode_aggregator(const AttrSource& s, const EncodeContext& ctx, Writer& w) {
  const auto& a = s.attrs.aggregator;
  if (!a) return;
  write_attr(w, kOptTrans, attr_type::kAggregator, [&] {
    if (ctx.four_octet_as)
      w.u32(a->asn);
    else
      w.u16(uint16_t(a->asn > 0xffff ? kAsTrans : a->asn));
    w.u32(a->address);
  });
}
void encode_as4_aggregator(const AttrSource& s, const EncodeContext& ctx, Writer& w) {
  const auto& a = s.attrs.aggregator;
  if (!a || ctx.four_octet_as || a->asn <= 0xffff) return;
  write_attr(w, kOptTrans, attr_type::kAs4Aggregator, [&] {
    w.u32(a->asn);
    w.u32(a->address);
  });
}

void encode_communities(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_list(w, kOptTrans, attr_type::kCommunities, s.attrs.communities,
              [](Writer& o, uint32_t c) { o.u32(c); });
}
void encode_originator_id(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_u32(w, kOptNonTrans, attr_type::kOriginatorId, s.attrs.originator_id);
}
void encode_cluster_list(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_list(w, kOptNonTrans, attr_type::kClusterList, s.attrs.cluster_list,
              [](Writer& o, uint32_t c) { o.u32(c); });
}
void encode_ext_communities(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_list(w, kOptTrans, attr_type::kExtCommunities, s.attrs.ext_communities,
              [](Writer& o, uint64_t c) { o.u64(c); });
}
void encode_large_communities(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_list(w, kOptTrans, attr_type::kLargeCommunities, s.attrs.large_communities,
              [](Writer& o, const LargeCommunity& c) {
                o.u32(c.global);
                o.u32(c.local1);
                o.u32(c.local2);
              });
}
void encode_otc(const AttrSource& s, const EncodeContext&, Writer& w) {
  encode_u32(w, kOptTrans, attr_type::kOtc, s.attrs.otc);
}

using namespace update_error;
constexpr AttrDescriptor kTable[] = {
    {attr_type::kOrigin, "ORIGIN", kWellKnown, kInvalidOrigin, decode_origin, encode_origin},
    {attr_type::kAsPath, "AS_PATH", kWellKnown, kMalformedAsPath, decode_as_path_attr,
     encode_as_path},
    {attr_type::kNextHop, "NEXT_HOP", kWellKnown, kInvalidNextHop, decode_next_hop,
     encode_next_hop},
    {attr_type::kMed, "MULTI_EXIT_DISC", kOptNonTrans, kOptionalAttr, decode_med, encode_med},
    {attr_type::kLocalPref, "LOCAL_PREF", kWellKnown, kAttrLength, decode_local_pref,
     encode_local_pref},
    {attr_type::kAtomicAggregate, "ATOMIC_AGGREGATE", kWellKnown, kAttrLength,
     decode_atomic_aggregate, encode_atomic_aggregate},
    {attr_type::kAggregator, "AGGREGATOR", kOptTrans, kOptionalAttr, decode_aggregator,
     encode_aggregator},
    {attr_type::kCommunities, "COMMUNITIES", kOptTrans, kOptionalAttr, decode_communities,
     encode_communities},
    {attr_type::kOriginatorId, "ORIGINATOR_ID", kOptNonTrans, kOptionalAttr, decode_originator_id,
     encode_originator_id},
    {attr_type::kClusterList, "CLUSTER_LIST", kOptNonTrans, kOptionalAttr, decode_cluster_list,
     encode_cluster_list},
    {attr_type::kMpReach, "MP_REACH_NLRI", kOptNonTrans, kOptionalAttr, decode_mp_reach,
     encode_mp_reach},
    {attr_type::kMpUnreach, "MP_UNREACH_NLRI", kOptNonTrans, kOptionalAttr, decode_mp_unreach,
     encode_mp_unreach},
    {attr_type::kExtCommunities, "EXTENDED_COMMUNITIES", kOptTrans, kOptionalAttr,
     decode_ext_communities, encode_ext_communities},
    {attr_type::kAs4Path, "AS4_PATH", kOptTrans, kOptionalAttr, decode_as4_path_attr,
     encode_as4_path},
    {attr_type::kAs4Aggregator, "AS4_AGGREGATOR", kOptTrans, kOptionalAttr, decode_as4_aggregator,
     encode_as4_aggregator},
    {attr_type::kLargeCommunities, "LARGE_COMMUNITY", kOptTrans, kOptionalAttr,
     decode_large_communities, encode_large_communities},
    {attr_type::kOtc, "OTC", kOptTrans, kOptionalAttr, decode_otc, encode_otc},
};

constexpr auto kByType = [] {
  std::array<const AttrDescriptor*, 256> t{};
  for (const auto& d : kTable) t[d.type] = &d;
  return t;
}();

constexpr auto kEncodingOrder = [] {
  std::array<const AttrDescriptor*, std::size(kTable)> order{};
  size_t i = 0;
  order[i++] = kByType[attr_type::kMpReach];
  order[i++] = kByType[attr_type::kMpUnreach];
  for (const auto& d : kTable)
    if (d.type != attr_type::kMpReach && d.type != attr_type::kMpUnreach) order[i++] = &d;
  return order;
}();

}  // namespace

const AttrDescriptor* find_attr(uint8_t type) {
  return kByType[type];
}

std::span<const AttrDescriptor* const> attrs_in_encoding_order() {
  return kEncodingOrder;
}

}  // namespace closbgp::wire::detail
