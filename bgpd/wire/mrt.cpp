#include "bgpd/wire/mrt.h"

#include <algorithm>

#include "bgpd/wire/attr_codec.h"
#include "bgpd/wire/bytes.h"
#include "bgpd/wire/evpn.h"
#include "bgpd/wire/update_encode.h"

namespace closbgp::wire::mrt {
namespace {

constexpr uint16_t kTableDumpV2 = 13, kBgp4mp = 16;
constexpr uint16_t kPeerIndexTable = 1, kRibIpv4Unicast = 2, kRibIpv6Unicast = 4;
// Any other AFI/SAFI, one NLRI in MP_REACH_NLRI form (sec. 4.3.3).
constexpr uint16_t kRibGeneric = 6;
// RFC 8050: entries with path ids (a neighbour's several paths for a prefix).
constexpr uint16_t kRibIpv4UnicastAddPath = 8, kRibIpv6UnicastAddPath = 10;
constexpr uint16_t kStateChangeAs4 = 5, kMessageAs4 = 4, kMessageAs4Local = 7;
// RFC 8050: the same, for a session whose NLRI carry path ids.
constexpr uint16_t kMessageAs4AddPath = 9, kMessageAs4LocalAddPath = 11;

// The common header around what `body` writes.
template <typename Body>
void record(uint32_t timestamp, uint16_t type, uint16_t subtype, std::vector<uint8_t>& out,
            Body&& body) {
  Writer w(out);
  w.u32(timestamp);
  w.u16(type);
  w.u16(subtype);
  const size_t length_at = w.size();
  w.u32(0);
  body(w);
  const auto length = uint32_t(w.size() - length_at - 4);
  for (int i = 0; i < 4; ++i) out[length_at + size_t(i)] = uint8_t(length >> (24 - 8 * i));
}

void address(Writer& w, const IpAddress& a) {
  w.bytes(a.bytes().data(), a.size());
}

// A RIB entry's attributes: NEXT_HOP for an IPv4 prefix reached over IPv4
// (`ipv4_prefix`), otherwise MP_REACH_NLRI with the next hop only (RFC
// 6396 sec. 4.3.4).
void attributes(const RibEntry& e, bool ipv4_prefix, Writer& w) {
  PathAttributes attrs = *e.attributes;
  const bool legacy = ipv4_prefix && e.next_hop.address.is_v4();
  attrs.next_hop = legacy ? std::optional(e.next_hop.address) : std::nullopt;
  if (!legacy)
    detail::write_attr(w, attr_flag::kOptional, attr_type::kMpReach, [&] {
      w.u8(uint8_t(e.next_hop.address.size() + (e.next_hop.link_local ? 16 : 0)));
      address(w, e.next_hop.address);
      if (e.next_hop.link_local) address(w, *e.next_hop.link_local);
    });
  const EncodeContext four_octet_as{};  // its default: AS numbers of 4 octets (sec. 4.3.4)
  encode_path_attributes(attrs, nullptr, four_octet_as, w);
}

// A RIB record's entry count and entries (sec. 4.3.4; RFC 8050 sec. 4.1
// with path ids).
void rib_entries(std::span<const RibEntry> entries, bool add_path, bool ipv4_prefix, Writer& w) {
  w.u16(uint16_t(entries.size()));
  for (const RibEntry& e : entries) {
    w.u16(e.peer_index);
    w.u32(e.originated);
    if (add_path) w.u32(e.path_id);
    const size_t length_at = w.placeholder16();
    attributes(e, ipv4_prefix, w);
    w.patch16(length_at, uint16_t(w.size() - length_at - 2));
  }
}

// The fields every BGP4MP_*_AS4 record starts with (sec. 4.4.1).
void session_fields(Writer& w, const Session& s) {
  w.u32(s.peer_as);
  w.u32(s.local_as);
  w.u16(s.ifindex);
  w.u16(s.peer_address.is_v4() ? 1 : 2);
  address(w, s.peer_address);
  address(w, s.local_address);
}

}  // namespace

void peer_index_table(uint32_t timestamp, uint32_t collector_bgp_id, std::string_view view,
                      std::span<const Peer> peers, std::vector<uint8_t>& out) {
  record(timestamp, kTableDumpV2, kPeerIndexTable, out, [&](Writer& w) {
    w.u32(collector_bgp_id);
    w.u16(uint16_t(view.size()));
    w.bytes(reinterpret_cast<const uint8_t*>(view.data()), view.size());
    w.u16(uint16_t(peers.size()));
    for (const Peer& p : peers) {
      const bool v6 = !p.address.is_v4();
      w.u8(uint8_t((v6 ? 0x01 : 0) | 0x02));  // address family, AS numbers of 4 octets
      w.u32(p.bgp_id);
      address(w, p.address);
      w.u32(p.asn);
    }
  });
}

void rib(uint32_t timestamp, uint32_t sequence, const Prefix& prefix,
         std::span<const RibEntry> entries, std::vector<uint8_t>& out) {
  const bool add_path =
      std::ranges::any_of(entries, [](const RibEntry& e) { return e.path_id != 0; });
  const bool v4 = prefix.afi() == Afi::Ipv4;
  const uint16_t subtype = add_path ? (v4 ? kRibIpv4UnicastAddPath : kRibIpv6UnicastAddPath)
                                    : (v4 ? kRibIpv4Unicast : kRibIpv6Unicast);
  record(timestamp, kTableDumpV2, subtype, out, [&](Writer& w) {
    w.u32(sequence);
    w.u8(prefix.length());
    w.bytes(prefix.address().bytes().data(), (prefix.length() + 7u) / 8u);
    rib_entries(entries, add_path, v4, w);
  });
}

void rib_evpn(uint32_t timestamp, uint32_t sequence, const EvpnRoute& route,
              std::span<const RibEntry> entries, std::vector<uint8_t>& out) {
  record(timestamp, kTableDumpV2, kRibGeneric, out, [&](Writer& w) {
    w.u32(sequence);
    w.u16(kAfiL2vpn);
    w.u8(kSafiEvpn);
    encode_evpn_route(route, w);
    rib_entries(entries, false, false, w);
  });
}

void bgp4mp_message(uint32_t timestamp, const Session& s, std::span<const uint8_t> message,
                    std::vector<uint8_t>& out, bool sent, bool add_path) {
  const uint16_t subtype = add_path ? (sent ? kMessageAs4LocalAddPath : kMessageAs4AddPath)
                                    : (sent ? kMessageAs4Local : kMessageAs4);
  record(timestamp, kBgp4mp, subtype, out, [&](Writer& w) {
    session_fields(w, s);
    w.bytes(message);
  });
}

void bgp4mp_state_change(uint32_t timestamp, const Session& s, uint16_t old_state,
                         uint16_t new_state, std::vector<uint8_t>& out) {
  record(timestamp, kBgp4mp, kStateChangeAs4, out, [&](Writer& w) {
    session_fields(w, s);
    w.u16(old_state);
    w.u16(new_state);
  });
}

}  // namespace closbgp::wire::mrt
