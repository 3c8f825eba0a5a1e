// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760), including IPv4 NLRI with an
// IPv6 next hop (RFC 8950) and the 32-octet global + link-local form (RFC 2545).
// RFC 7606 sec. 7.11: when these cannot be parsed the NLRI cannot be located,
// so the only safe action is a session reset.
#include "bgpd/wire/attr_codec.h"
#include "bgpd/wire/nlri.h"

namespace closbgp::wire::detail {
namespace {

// Reads AFI/SAFI; false (and `why`) when the family is not one we route or
// was not negotiated, in which case the attribute is ignored.
bool read_family(Reader& r, const DecodeContext& ctx, const char* name, Family& f,
                 AttrAction& action, std::string& why) {
  uint16_t afi = 0;
  uint8_t safi = 0;
  if (!r.u16(afi) || !r.u8(safi)) {
    action =
        reject(why, std::string(name) + " shorter than its AFI/SAFI", AttrAction::SessionReset);
    return false;
  }
  const bool evpn = afi == kAfiL2vpn && safi == kSafiEvpn;
  if (evpn) f = Family::L2vpnEvpn;
  if ((!evpn && !to_family(afi, safi, f)) || !ctx.families.has(f)) {
    action = reject(why,
                    std::string(name) + " for AFI " + std::to_string(afi) + " SAFI " +
                        std::to_string(safi) + ", which was not negotiated",
                    AttrAction::AttributeDiscard);
    return false;
  }
  return true;
}

bool read_next_hop(std::span<const uint8_t> nh, Family family, MpNextHop& out) {
  switch (nh.size()) {
    case 4:  // an IPv4 unicast next hop, or an IPv4 VTEP
      if (family == Family::Ipv6Unicast) return false;
      out.address = IpAddress::from_bytes(Afi::Ipv4, nh.data());
      return true;
    case 16:
      out.address = IpAddress::from_bytes(Afi::Ipv6, nh.data());
      return true;
    case 32:
      if (family == Family::L2vpnEvpn) return false;
      out.address = IpAddress::from_bytes(Afi::Ipv6, nh.data());
      out.link_local = IpAddress::from_bytes(Afi::Ipv6, nh.data() + 16);
      return true;
    default:
      return false;
  }
}

void write_family(Writer& w, Family f) {
  if (f == Family::L2vpnEvpn) {
    w.u16(kAfiL2vpn);
    w.u8(kSafiEvpn);
    return;
  }
  w.u16(uint16_t(afi_of(f)));
  w.u8(uint8_t(Safi::Unicast));
}

// The NLRI field of a family's MP_REACH or MP_UNREACH: unicast prefixes
// into `nlri`, EVPN routes into `evpn`. RFC 7606 sec. 7.11: what cannot be
// parsed cannot be withdrawn either: the session is reset.
AttrAction read_nlri(Reader& r, const DecodeContext& ctx, Family family, const char* name,
                     std::vector<Nlri>& nlri, std::vector<EvpnRoute>& evpn, std::string& why) {
  std::string detail;
  const bool ok = family == Family::L2vpnEvpn
                      ? decode_evpn_nlri(r.rest(), evpn, detail)
                      : decode_nlri(r.rest(), afi_of(family), ctx.add_path.has(family), nlri);
  if (ok) return AttrAction::None;
  return reject(why,
                std::string(name) + (detail.empty() ? " has a malformed prefix" : ": " + detail),
                AttrAction::SessionReset);
}

void write_nlri(Writer& w, const EncodeContext& ctx, Family family, const std::vector<Nlri>& nlri,
                const std::vector<EvpnRoute>& evpn) {
  const bool add_path = ctx.add_path.has(family);
  for (const auto& n : nlri) encode_nlri(n, add_path, w);
  for (const auto& e : evpn) encode_evpn_route(e, w);
}

}  // namespace

AttrAction decode_mp_reach(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& sink,
                           std::string& why) {
  Reader r(v);
  MpReach mp;
  AttrAction action = AttrAction::None;
  if (!read_family(r, ctx, "MP_REACH_NLRI", mp.family, action, why)) return action;
  uint8_t nh_len = 0, reserved = 0;
  std::span<const uint8_t> nh;
  if (!r.u8(nh_len) || !r.take(nh_len, nh) || !r.u8(reserved))
    return reject(why, "MP_REACH_NLRI next hop runs past the attribute", AttrAction::SessionReset);
  if (!read_next_hop(nh, mp.family, mp.next_hop))
    return reject(why,
                  "MP_REACH_NLRI next hop length " + std::to_string(nh_len) + " is invalid for " +
                      std::string(family_name(mp.family)),
                  AttrAction::SessionReset);
  if (auto a = read_nlri(r, ctx, mp.family, "MP_REACH_NLRI", mp.nlri, mp.evpn, why);
      a != AttrAction::None)
    return a;
  sink.mp_reach = std::move(mp);
  return AttrAction::None;
}

AttrAction decode_mp_unreach(std::span<const uint8_t> v, const DecodeContext& ctx, AttrSink& sink,
                             std::string& why) {
  Reader r(v);
  MpUnreach mp;
  AttrAction action = AttrAction::None;
  if (!read_family(r, ctx, "MP_UNREACH_NLRI", mp.family, action, why)) return action;
  if (auto a = read_nlri(r, ctx, mp.family, "MP_UNREACH_NLRI", mp.withdrawn, mp.evpn, why);
      a != AttrAction::None)
    return a;
  sink.mp_unreach = std::move(mp);
  return AttrAction::None;
}

void encode_mp_reach(const AttrSource& src, const EncodeContext& ctx, Writer& w) {
  const MpReach* mp = src.mp_reach;
  if (!mp) return;
  write_attr(w, attr_flag::kOptional, attr_type::kMpReach, [&] {
    write_family(w, mp->family);
    const auto& nh = mp->next_hop;
    const bool with_ll = nh.address.is_v6() && nh.link_local.has_value();
    w.u8(uint8_t(nh.address.size() + (with_ll ? 16 : 0)));
    w.bytes(nh.address.bytes().data(), nh.address.size());
    if (with_ll) w.bytes(nh.link_local->bytes().data(), 16);
    w.u8(0);  // reserved
    write_nlri(w, ctx, mp->family, mp->nlri, mp->evpn);
  });
}

void encode_mp_unreach(const AttrSource& src, const EncodeContext& ctx, Writer& w) {
  const MpUnreach* mp = src.mp_unreach;
  if (!mp) return;
  write_attr(w, attr_flag::kOptional, attr_type::kMpUnreach, [&] {
    write_family(w, mp->family);
    write_nlri(w, ctx, mp->family, mp->withdrawn, mp->evpn);
  });
}

}  // namespace closbgp::wire::detail
