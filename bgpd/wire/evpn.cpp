#include "bgpd/wire/evpn.h"

#include <algorithm>

#include "bgpd/wire/hex.h"

namespace closbgp::wire {
namespace {

// Colon-separated hex octets (MACs, ESIs): wire::to_hex with separators.
std::string octets(std::span<const uint8_t> b) {
  const std::string hex = to_hex(b);
  std::string s;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) s += ':';
    s.append(hex, i, 2);
  }
  return s;
}

template <size_t N>
bool read_array(Reader& r, std::array<uint8_t, N>& out) {
  std::span<const uint8_t> b;
  if (!r.take(N, b)) return false;
  std::copy(b.begin(), b.end(), out.begin());
  return true;
}

bool read_label(Reader& r, uint32_t& label) {
  std::span<const uint8_t> b;
  if (!r.take(3, b)) return false;
  label = uint32_t(b[0]) << 16 | uint32_t(b[1]) << 8 | b[2];
  return true;
}

void write_label(Writer& w, uint32_t label) {
  w.u8(uint8_t(label >> 16));
  w.u16(uint16_t(label));
}

// An IP address field with its length in bits before it: 0 (none, where
// `optional`), 32 or 128.
bool read_ip(Reader& r, bool optional, std::optional<IpAddress>& out) {
  uint8_t bits = 0;
  std::span<const uint8_t> b;
  if (!r.u8(bits)) return false;
  if (bits == 0 && optional) return true;
  if (bits != 32 && bits != 128) return false;
  if (!r.take(bits / 8, b)) return false;
  out = IpAddress::from_bytes(bits == 32 ? Afi::Ipv4 : Afi::Ipv6, b.data());
  return true;
}

void write_ip(Writer& w, const std::optional<IpAddress>& ip) {
  if (!ip) return w.u8(0);
  w.u8(uint8_t(ip->size() * 8));
  w.bytes(ip->bytes().data(), ip->size());
}

// The fields of `e`'s type from its value; false if they do not fill it exactly.
bool read_fields(Reader& r, EvpnRoute& e) {
  uint32_t label = 0;
  if (!r.u16(e.rd.type) || !read_array(r, e.rd.value)) return false;
  switch (EvpnType(e.type)) {
    case EvpnType::EthernetAutoDiscovery:
      if (!read_array(r, e.esi) || !r.u32(e.ethernet_tag) || !read_label(r, label)) return false;
      e.labels = {label};
      break;
    case EvpnType::MacIp: {
      uint8_t mac_bits = 0;
      MacAddress mac;
      if (!read_array(r, e.esi) || !r.u32(e.ethernet_tag) || !r.u8(mac_bits) || mac_bits != 48 ||
          !read_array(r, mac) || !read_ip(r, true, e.ip))
        return false;
      e.mac = mac;
      for (int i = 0; i < 2 && (i == 0 || !r.empty()); ++i) {
        if (!read_label(r, label)) return false;
        e.labels.push_back(label);
      }
      break;
    }
    case EvpnType::InclusiveMulticast:
      if (!r.u32(e.ethernet_tag) || !read_ip(r, false, e.ip)) return false;
      break;
    case EvpnType::EthernetSegment:
      if (!read_array(r, e.esi) || !read_ip(r, false, e.ip)) return false;
      break;
    case EvpnType::IpPrefix: {
      // RFC 9136 sec. 3.1: the family follows from the route's length (34
      // octets: IPv4, 58: IPv6); prefix and gateway are of that family.
      const size_t size = r.remaining() == 58 - 8 ? 16 : 4;
      std::span<const uint8_t> prefix, gateway;
      if (!read_array(r, e.esi) || !r.u32(e.ethernet_tag) || !r.u8(e.prefix_length) ||
          e.prefix_length > size * 8 || !r.take(size, prefix) || !r.take(size, gateway) ||
          !read_label(r, label))
        return false;
      const Afi afi = size == 4 ? Afi::Ipv4 : Afi::Ipv6;
      e.ip = IpAddress::from_bytes(afi, prefix.data());
      e.gateway = IpAddress::from_bytes(afi, gateway.data());
      e.labels = {label};
      break;
    }
    default:
      return false;  // not reached: unknown types are kept whole
  }
  return r.empty();
}

bool known(uint8_t type) {
  return type >= uint8_t(EvpnType::EthernetAutoDiscovery) && type <= uint8_t(EvpnType::IpPrefix);
}

}  // namespace

std::string RouteDistinguisher::to_string() const {
  const auto& v = value;
  const uint32_t high4 = uint32_t(v[0]) << 24 | uint32_t(v[1]) << 16 | uint32_t(v[2]) << 8 | v[3];
  const uint32_t low2 = uint32_t(v[4]) << 8 | v[5];
  switch (type) {
    case 0:
      return std::to_string(uint32_t(v[0]) << 8 | v[1]) + ":" +
             std::to_string(uint32_t(v[2]) << 24 | uint32_t(v[3]) << 16 | uint32_t(v[4]) << 8 |
                            v[5]);
    case 1:
      return IpAddress::v4(high4).to_string() + ":" + std::to_string(low2);
    case 2:
      return std::to_string(high4) + ":" + std::to_string(low2);
    default:
      return std::to_string(type) + ":" + octets(v);
  }
}

std::string mac_text(const MacAddress& mac) {
  return octets(mac);
}

std::optional<MacAddress> parse_mac(std::string_view text) {
  std::vector<uint8_t> bytes;
  if (!parse_hex(text, bytes) || bytes.size() != 6) return std::nullopt;
  MacAddress mac;
  std::ranges::copy(bytes, mac.begin());
  return mac;
}

std::string esi_text(const Esi& esi) {
  return octets(esi);
}

namespace {
constexpr uint8_t kOpaque = 0x03, kEvpn = 0x06;
}  // namespace

uint64_t mac_mobility_community(const MacMobility& m) {
  return uint64_t(kEvpn) << 56 | uint64_t(m.sticky ? 1 : 0) << 40 | m.sequence;
}

std::optional<MacMobility> mac_mobility_of(std::span<const uint64_t> ext) {
  for (uint64_t c : ext)
    if (uint8_t(c >> 56) == kEvpn && uint8_t(c >> 48) == 0x00)
      return MacMobility{uint32_t(c), (uint8_t(c >> 40) & 1) != 0};
  return std::nullopt;
}

bool nd_router(std::span<const uint64_t> ext) {
  return std::ranges::any_of(ext, [](uint64_t c) {
    return uint8_t(c >> 56) == kEvpn && uint8_t(c >> 48) == 0x08 && (uint8_t(c >> 40) & 1);
  });
}

uint64_t router_mac_community(const MacAddress& mac) {
  uint64_t c = uint64_t(kEvpn) << 56 | uint64_t(0x03) << 48;
  for (size_t i = 0; i < 6; ++i) c |= uint64_t(mac[i]) << (40 - 8 * i);
  return c;
}

std::optional<MacAddress> router_mac_of(std::span<const uint64_t> ext) {
  for (uint64_t c : ext) {
    if (uint8_t(c >> 56) != kEvpn || uint8_t(c >> 48) != 0x03) continue;
    MacAddress mac;
    for (size_t i = 0; i < 6; ++i) mac[i] = uint8_t(c >> (40 - 8 * i));
    return mac;
  }
  return std::nullopt;
}

RawAttribute pmsi_ingress_replication(uint32_t vni, const IpAddress& vtep) {
  constexpr uint8_t kIngressReplication = 6;
  RawAttribute a{attr_flag::kOptional | attr_flag::kTransitive, kAttrPmsiTunnel, {}};
  Writer w(a.value);
  w.u8(0);  // flags: no leaf information required
  w.u8(kIngressReplication);
  write_label(w, vni);
  w.bytes({vtep.bytes().data(), vtep.size()});
  return a;
}

std::optional<uint32_t> pmsi_vni(std::span<const RawAttribute> unknown) {
  for (const auto& a : unknown) {
    if (a.type != kAttrPmsiTunnel) continue;
    Reader r(a.value);
    uint8_t flags = 0, tunnel_type = 0;
    uint32_t vni = 0;
    if (r.u8(flags) && r.u8(tunnel_type) && read_label(r, vni)) return vni;
  }
  return std::nullopt;
}

std::optional<std::string> evpn_ext_community_text(uint64_t c) {
  constexpr uint16_t kVxlan = 8;  // RFC 9012's tunnel type
  const uint8_t type = uint8_t(c >> 56), subtype = uint8_t(c >> 48);
  const uint8_t flags = uint8_t(c >> 40);
  MacAddress mac;
  for (size_t i = 0; i < 6; ++i) mac[i] = uint8_t(c >> (40 - 8 * i));
  if (type == kOpaque && subtype == 0x0c)
    return uint16_t(c) == kVxlan ? "encap:vxlan" : "encap:" + std::to_string(uint16_t(c));
  if (type == kOpaque && subtype == 0x0d) return "default-gw";
  if (type != kEvpn) return std::nullopt;
  switch (subtype) {
    case 0x00:
      return "mm:" + std::to_string(uint32_t(c)) + (flags & 1 ? ":sticky" : "");
    case 0x01:
      return "esi-label:" + std::to_string(uint32_t(c) & 0xFFFFFF) +
             (flags & 1 ? ":single-active" : "");
    case 0x02:
      return "es-import:" + mac_text(mac);
    case 0x03:
      return "rmac:" + mac_text(mac);
    case 0x08: {
      std::string text = "nd";
      for (const auto& [bit, name] :
           {std::pair{1, ":router"}, {2, ":override"}, {4, ":proxy"}, {8, ":immutable"}})
        if (flags & bit) text += name;
      return text;
    }
    default:
      return std::nullopt;
  }
}

bool decode_evpn_nlri(std::span<const uint8_t> data, std::vector<EvpnRoute>& out,
                      std::string& why) {
  Reader r(data);
  while (!r.empty()) {
    uint8_t type = 0, length = 0;
    std::span<const uint8_t> value;
    if (!r.u8(type) || !r.u8(length) || !r.take(length, value)) {
      why = "EVPN route of type " + std::to_string(type) + " runs past the NLRI";
      return false;
    }
    EvpnRoute e;
    e.type = type;
    if (!known(type)) {
      e.unknown.assign(value.begin(), value.end());
    } else if (Reader fields(value); !read_fields(fields, e)) {
      why = "EVPN route of type " + std::to_string(type) + " has a malformed value of " +
            std::to_string(length) + " octets";
      return false;
    }
    out.push_back(std::move(e));
  }
  return true;
}

void encode_evpn_route(const EvpnRoute& e, Writer& w) {
  w.u8(e.type);
  const size_t length_at = w.size();
  w.u8(0);
  if (!known(e.type)) {
    w.bytes(e.unknown);
  } else {
    w.u16(e.rd.type);
    w.bytes(e.rd.value);
    const auto type = EvpnType(e.type);
    if (type != EvpnType::InclusiveMulticast) w.bytes(e.esi);
    if (type != EvpnType::EthernetSegment) w.u32(e.ethernet_tag);
    if (type == EvpnType::MacIp) {
      w.u8(48);
      w.bytes(e.mac.value_or(MacAddress{}));
    }
    if (type == EvpnType::IpPrefix) {
      const IpAddress prefix = e.ip.value_or(IpAddress{});
      w.u8(e.prefix_length);
      w.bytes(prefix.bytes().data(), prefix.size());
      const IpAddress gateway =
          e.gateway.value_or(prefix.is_v4() ? IpAddress{} : IpAddress::v6({}));
      w.bytes(gateway.bytes().data(), prefix.size());
    } else if (type != EvpnType::EthernetAutoDiscovery) {
      write_ip(w, e.ip);
    }
    for (uint32_t label : e.labels) write_label(w, label);
  }
  w.patch8(length_at, uint8_t(w.size() - length_at - 1));
}

std::string evpn_route_text(const EvpnRoute& e) {
  auto field = [](const std::string& s) { return "[" + s + "]"; };
  auto ip = [&](const std::optional<IpAddress>& a) {
    return a ? field(std::to_string(a->size() * 8)) + ":" + field(a->to_string()) : field("0");
  };
  const std::string head = field(std::to_string(e.type)) + ":";
  const std::string tag = field(std::to_string(e.ethernet_tag));
  switch (EvpnType(e.type)) {
    case EvpnType::EthernetAutoDiscovery:
      return head + field(esi_text(e.esi)) + ":" + tag;
    case EvpnType::MacIp:
      return head + tag + ":[48]:" + field(mac_text(e.mac.value_or(MacAddress{}))) +
             (e.ip ? ":" + ip(e.ip) : "");
    case EvpnType::InclusiveMulticast:
      return head + tag + ":" + ip(e.ip);
    case EvpnType::EthernetSegment:
      return head + field(esi_text(e.esi)) + ":" + ip(e.ip);
    case EvpnType::IpPrefix:
      return head + tag + ":" + field(std::to_string(e.prefix_length)) + ":" +
             field(e.ip ? e.ip->to_string() : "");
  }
  return head + field(octets(e.unknown));
}

}  // namespace closbgp::wire
