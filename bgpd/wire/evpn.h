// EVPN NLRI (AFI 25, SAFI 70): the route types of RFC 7432 sec. 7 and
// RFC 9136 sec. 3 that an EVPN-VXLAN fabric exchanges (RFC 8365). Each
// route is its own key; under VXLAN its label fields carry VNIs (RFC 8365
// sec. 5.1.3: the whole 24 bits). Types we do not know are kept as bytes,
// so they can be passed over (RFC 7432 sec. 7: ignored, not an error).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "bgpd/wire/bytes.h"
#include "bgpd/wire/ip.h"

namespace closbgp::wire {

inline constexpr uint16_t kAfiL2vpn = 25;
inline constexpr uint8_t kSafiEvpn = 70;

// Route Distinguisher (RFC 4364 sec. 4.2): a type and six octets.
struct RouteDistinguisher {
  uint16_t type = 0;
  std::array<uint8_t, 6> value{};
  // "65000:100" (type 0), "10.0.0.1:3" (1), "4200000000:3" (2); another
  // type as "type:hex".
  std::string to_string() const;
  friend auto operator<=>(const RouteDistinguisher&, const RouteDistinguisher&) = default;
};

using Esi = std::array<uint8_t, 10>;  // Ethernet Segment Identifier; all zero: single-homed
using MacAddress = std::array<uint8_t, 6>;

enum class EvpnType : uint8_t {
  EthernetAutoDiscovery = 1,
  MacIp = 2,
  InclusiveMulticast = 3,
  EthernetSegment = 4,
  IpPrefix = 5,
};

// One route. Which fields a type has: RD all; ESI 1, 2, 4, 5; Ethernet tag
// 1, 2, 3, 5; MAC 2; `ip` the MAC's IP (2, optional), the originating
// router's (3, 4) or the prefix's address (5, with `prefix_length`);
// `gateway` 5; labels one (1, 5), one or two (2), none (3, 4).
struct EvpnRoute {
  uint8_t type = 0;
  RouteDistinguisher rd;
  Esi esi{};
  uint32_t ethernet_tag = 0;
  std::optional<MacAddress> mac;
  std::optional<IpAddress> ip;
  uint8_t prefix_length = 0;
  std::optional<IpAddress> gateway;
  std::vector<uint32_t> labels;  // 24 bits each: VNIs under VXLAN
  std::vector<uint8_t> unknown;  // a type we do not know: its value as received
  friend bool operator==(const EvpnRoute&, const EvpnRoute&) = default;
};

// Appends every route of `data` (the NLRI field of an MP_REACH_NLRI or
// MP_UNREACH_NLRI) to `out`; false, with `why`, when a route is malformed
// (its length runs past the data or does not fit its type).
bool decode_evpn_nlri(std::span<const uint8_t> data, std::vector<EvpnRoute>& out, std::string& why);
// Route type, length and value: what decode_evpn_nlri reads back.
void encode_evpn_route(const EvpnRoute& r, Writer& w);

// FRR's notation, after the RD: "[2]:[0]:[48]:[aa:bb:cc:dd:ee:ff]:[32]:[10.0.0.1]",
// "[3]:[0]:[32]:[10.0.0.1]", "[5]:[0]:[24]:[10.1.0.0]".
std::string evpn_route_text(const EvpnRoute& r);
std::string mac_text(const MacAddress& mac);  // "aa:bb:cc:dd:ee:ff"
// What mac_text writes (or the six octets in another hex spelling wire::parse_hex reads).
std::optional<MacAddress> parse_mac(std::string_view text);
std::string esi_text(const Esi& esi);  // ten octets, "00:...:00"

// The extended communities EVPN routes carry, by name: "encap:vxlan"
// (RFC 9012 sec. 4.1), "default-gw" (RFC 7432 sec. 7.8), "mm:SEQ[:sticky]"
// (MAC mobility, 7.7), "esi-label:N[:single-active]" (7.5),
// "es-import:MAC" (7.6), "rmac:MAC" (router's MAC, RFC 9135 sec. 8.1),
// "nd[:router][:override][:proxy][:immutable]" (ARP/ND flags, RFC 9047);
// nullopt for any other.
std::optional<std::string> evpn_ext_community_text(uint64_t c);

// What a VTEP attaches to its own routes (RFC 8365 sec. 5.1.3, RFC 7432
// sec. 7.7 and 11.2).
inline constexpr uint64_t kEncapVxlan = 0x030c000000000008;  // RFC 9012 tunnel type 8
// Default Gateway (sec. 7.8): a gateway's (an SVI's) MAC/IP route.
inline constexpr uint64_t kDefaultGateway = 0x030d000000000000;
// ARP/ND with the Router flag (RFC 9047 sec. 3): an IPv6 MAC/IP route of a
// router's address (an SVI's), which the other leaves install with the
// kernel's router flag (NTF_ROUTER) so that the NAs they answer for it
// keep hosts' default routers.
inline constexpr uint64_t kNdRouter = 0x0608010000000000;
// Whether `ext` holds an ARP/ND community with the Router flag.
bool nd_router(std::span<const uint64_t> ext);
struct MacMobility {
  uint32_t sequence = 0;
  bool sticky = false;
  friend bool operator==(const MacMobility&, const MacMobility&) = default;
};
uint64_t mac_mobility_community(const MacMobility& m);
// The MAC mobility community among `ext`, if one is.
std::optional<MacMobility> mac_mobility_of(std::span<const uint64_t> ext);
// Router's MAC (RFC 9135 sec. 8.1): the MAC a VTEP's routed traffic is
// sent to inside the tunnel, on its type-2 MAC/IP and type-5 routes.
uint64_t router_mac_community(const MacAddress& mac);
std::optional<MacAddress> router_mac_of(std::span<const uint64_t> ext);
// PMSI_TUNNEL (RFC 6514 sec. 5) for ingress replication: a type-3 route's
// VNI (the whole 24-bit label field) and the VTEP that wants the copies.
inline constexpr uint8_t kAttrPmsiTunnel = 22;
RawAttribute pmsi_ingress_replication(uint32_t vni, const IpAddress& vtep);
// The VNI a PMSI_TUNNEL among `unknown` (a path's attributes without a
// codec of their own) carries, if one does.
std::optional<uint32_t> pmsi_vni(std::span<const RawAttribute> unknown);

}  // namespace closbgp::wire
