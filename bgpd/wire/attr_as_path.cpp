// AS_PATH and AS4_PATH (RFC 4271 sec. 4.3, RFC 6793, RFC 7606 sec. 7.2, RFC 7607).
#include <algorithm>

#include "bgpd/wire/attr_codec.h"

namespace closbgp::wire {

size_t AsPath::length() const {
  size_t n = 0;
  for (const auto& seg : segments) {
    if (seg.type == SegmentType::Sequence) n += seg.asns.size();
    if (seg.type == SegmentType::Set) n += 1;
  }
  return n;
}

namespace detail {
namespace {

bool is_confed(SegmentType t) {
  return t == SegmentType::ConfedSequence || t == SegmentType::ConfedSet;
}

bool has_confed(const AsPath& p) {
  return std::any_of(p.segments.begin(), p.segments.end(),
                     [](const AsPathSegment& s) { return is_confed(s.type); });
}

// RFC 7607: AS 0 is reserved; a path through it is malformed.
bool contains_as0(const AsPath& p) {
  return std::any_of(p.segments.begin(), p.segments.end(), [](const AsPathSegment& s) {
    return std::find(s.asns.begin(), s.asns.end(), 0u) != s.asns.end();
  });
}

bool needs_four_octets(const AsPath& p) {
  return std::any_of(p.segments.begin(), p.segments.end(), [](const AsPathSegment& s) {
    return std::any_of(s.asns.begin(), s.asns.end(), [](uint32_t a) { return a > 0xffff; });
  });
}

// Writes segments, splitting any longer than the 255 ASNs a segment holds.
void write_segments(Writer& w, const AsPath& p, bool four_octet, bool skip_confed) {
  for (const auto& seg : p.segments) {
    if (skip_confed && is_confed(seg.type)) continue;
    // An empty segment is malformed on the wire, so none is ever written.
    for (size_t at = 0; at < seg.asns.size(); at += 255) {
      const size_t n = std::min<size_t>(255, seg.asns.size() - at);
      w.u8(uint8_t(seg.type));
      w.u8(uint8_t(n));
      for (size_t i = at; i < at + n; ++i) {
        const uint32_t asn = seg.asns[i];
        if (four_octet)
          w.u32(asn);
        else
          w.u16(uint16_t(asn > 0xffff ? kAsTrans : asn));
      }
    }
  }
}

}  // namespace

AttrAction decode_as_path(std::span<const uint8_t> value, bool four_octet, bool ebgp, AsPath& out,
                          std::string& why) {
  const size_t asn_size = four_octet ? 4 : 2;
  Reader r(value);
  out.segments.clear();
  while (!r.empty()) {
    uint8_t type = 0, count = 0;
    if (!r.u8(type) || !r.u8(count))
      return reject(why, "AS_PATH ends inside a segment header", AttrAction::TreatAsWithdraw);
    if (type < uint8_t(SegmentType::Set) || type > uint8_t(SegmentType::ConfedSet))
      return reject(why, "AS_PATH segment type " + std::to_string(type) + " is undefined",
                    AttrAction::TreatAsWithdraw);
    if (count == 0)
      return reject(why, "AS_PATH segment with zero ASNs", AttrAction::TreatAsWithdraw);
    if (r.remaining() < count * asn_size)
      return reject(why,
                    "AS_PATH segment of " + std::to_string(count) + " ASNs overruns the attribute",
                    AttrAction::TreatAsWithdraw);
    AsPathSegment seg{SegmentType(type), {}};
    seg.asns.resize(count);
    for (auto& asn : seg.asns) {
      if (four_octet) {
        r.u32(asn);
      } else {
        uint16_t a = 0;
        r.u16(a);
        asn = a;
      }
    }
    if (ebgp && is_confed(seg.type))
      return reject(why, "AS_PATH confederation segment from an external peer",
                    AttrAction::TreatAsWithdraw);
    out.segments.push_back(std::move(seg));
  }
  return AttrAction::None;
}

AttrAction decode_as_path_attr(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& sink,
                               std::string& why) {
  AsPath path;
  const AttrAction a = decode_as_path(v, ctx.four_octet_as, ctx.ebgp, path, why);
  if (a != AttrAction::None) return a;
  if (contains_as0(path))
    return reject(why, "AS_PATH contains AS 0 (RFC 7607)", AttrAction::TreatAsWithdraw);
  sink.attrs.as_path = std::move(path);
  return AttrAction::None;
}

// RFC 6793 sec. 6 and RFC 7606 sec. 7.2: a malformed AS4_PATH is discarded.
AttrAction decode_as4_path_attr(std::span<const uint8_t> v, const DecodeContext& ctx,
                                AttrSink& sink, std::string& why) {
  if (ctx.four_octet_as) return AttrAction::None;  // ignored between NEW speakers (sec. 4.1)
  AsPath path;
  if (decode_as_path(v, true, false, path, why) != AttrAction::None) {
    why = "AS4_PATH: " + why;
    return AttrAction::AttributeDiscard;
  }
  if (has_confed(path))
    return reject(why, "AS4_PATH carries a confederation segment", AttrAction::AttributeDiscard);
  // Discarding it would leave AS_TRANS where the sender put AS 0: the path
  // itself is what is malformed (FRR withdraws it too).
  if (contains_as0(path))
    return reject(why, "AS4_PATH contains AS 0 (RFC 7607)", AttrAction::TreatAsWithdraw);
  sink.as4_path = std::move(path);
  return AttrAction::None;
}

void merge_as4(AttrSink& sink) {
  auto& attrs = sink.attrs;
  // An AGGREGATOR from a NEW speaker (not AS_TRANS) means the path was
  // aggregated by a 4-octet speaker and AS4_* are stale (sec. 4.2.3).
  if (attrs.aggregator && attrs.aggregator->asn != kAsTrans) return;
  if (sink.as4_aggregator && attrs.aggregator) attrs.aggregator = sink.as4_aggregator;
  if (!sink.as4_path || !attrs.as_path) return;
  const size_t n2 = attrs.as_path->length();
  const size_t n4 = sink.as4_path->length();
  if (n2 < n4) return;  // AS4_PATH is inconsistent: ignore it

  // Keep the leading (n2 - n4) hops of AS_PATH, then append AS4_PATH.
  size_t keep = n2 - n4;
  AsPath merged;
  for (const auto& seg : attrs.as_path->segments) {
    if (is_confed(seg.type)) {
      merged.segments.push_back(seg);
      continue;
    }
    if (keep == 0) break;
    if (seg.type == SegmentType::Set) {
      merged.segments.push_back(seg);
      keep -= 1;
      continue;
    }
    const size_t take = std::min(keep, seg.asns.size());
    merged.segments.push_back(
        {seg.type, {seg.asns.begin(), seg.asns.begin() + std::ptrdiff_t(take)}});
    keep -= take;
  }
  for (const auto& seg : sink.as4_path->segments) {
    auto& segs = merged.segments;
    if (!segs.empty() && segs.back().type == SegmentType::Sequence &&
        seg.type == SegmentType::Sequence && segs.back().asns.size() + seg.asns.size() <= 255)
      segs.back().asns.insert(segs.back().asns.end(), seg.asns.begin(), seg.asns.end());
    else
      segs.push_back(seg);
  }
  attrs.as_path = std::move(merged);
}

void encode_as_path(const AttrSource& src, const EncodeContext& ctx, Writer& w) {
  const auto& path = src.attrs.as_path;
  if (path)
    write_attr(w, attr_flag::kTransitive, attr_type::kAsPath,
               [&] { write_segments(w, *path, ctx.four_octet_as, false); });
}

// RFC 6793 sec. 4.2.2: towards a 2-octet speaker, the real path travels in
// AS4_PATH whenever AS_PATH had to use AS_TRANS.
void encode_as4_path(const AttrSource& src, const EncodeContext& ctx, Writer& w) {
  const auto& path = src.attrs.as_path;
  if (path && !ctx.four_octet_as && needs_four_octets(*path))
    write_attr(w, attr_flag::kOptional | attr_flag::kTransitive, attr_type::kAs4Path,
               [&] { write_segments(w, *path, true, true); });
}

}  // namespace detail
}  // namespace closbgp::wire
