// The five BGP messages as value types, and the Message variant that decode()
// returns and encode() takes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "bgpd/wire/capabilities.h"
#include "bgpd/wire/error.h"
#include "bgpd/wire/evpn.h"

namespace closbgp::wire {

enum class MessageType : uint8_t {
  Open = 1,
  Update = 2,
  Notification = 3,
  Keepalive = 4,
  RouteRefresh = 5,
};

inline constexpr size_t kHeaderSize = 19;
inline constexpr size_t kMaxMessageSize = 4096;
inline constexpr size_t kMaxExtendedMessageSize = 65535;  // RFC 8654

struct OpenMessage {
  uint8_t version = 4;
  uint16_t my_as = 0;  // AS_TRANS when the real AS needs four octets
  uint16_t hold_time = 0;
  uint32_t bgp_id = 0;  // host order
  Capabilities capabilities;
  friend bool operator==(const OpenMessage&, const OpenMessage&) = default;
};

// One NLRI entry: a prefix and, with ADD-PATH (RFC 7911), its path identifier.
struct Nlri {
  Prefix prefix;
  uint32_t path_id = 0;
  friend bool operator==(const Nlri&, const Nlri&) = default;
  friend bool operator<(const Nlri& a, const Nlri& b) {
    return a.prefix < b.prefix || (a.prefix == b.prefix && a.path_id < b.path_id);
  }
};

// Next hop in MP_REACH_NLRI: IPv4 or IPv6 global, plus an optional IPv6
// link-local (RFC 2545 32-octet form; RFC 8950 for IPv4 NLRI).
struct MpNextHop {
  IpAddress address;
  std::optional<IpAddress> link_local;
  friend bool operator==(const MpNextHop&, const MpNextHop&) = default;
};

// 0.0.0.0 or :: by the prefix's family: the next hop of the node's own
// routes, as FRR shows them and as dumps and monitoring stations get them.
inline MpNextHop unspecified_next_hop(const Prefix& prefix) {
  return {prefix.afi() == Afi::Ipv6 ? IpAddress::v6({}) : IpAddress::v4(0), std::nullopt};
}

// `nlri` for a unicast family, `evpn` for L2VPN EVPN (its next hop: the VTEP).
struct MpReach {
  Family family = Family::Ipv6Unicast;
  MpNextHop next_hop;
  std::vector<Nlri> nlri;
  std::vector<EvpnRoute> evpn;
  friend bool operator==(const MpReach&, const MpReach&) = default;
};

struct MpUnreach {
  Family family = Family::Ipv6Unicast;
  std::vector<Nlri> withdrawn;
  std::vector<EvpnRoute> evpn;
  friend bool operator==(const MpUnreach&, const MpUnreach&) = default;
};

struct UpdateMessage {
  std::vector<Nlri> withdrawn;  // IPv4 unicast, Withdrawn Routes field
  PathAttributes attributes;
  std::optional<MpReach> mp_reach;
  std::optional<MpUnreach> mp_unreach;
  std::vector<Nlri> nlri;  // IPv4 unicast, NLRI field

  // RFC 7606 outcome of decoding: the strongest action and every problem
  // found. With TreatAsWithdraw the receiver must withdraw every prefix in
  // `nlri` and `mp_reach` instead of installing it.
  AttrAction action = AttrAction::None;
  std::vector<AttrError> errors;

  // End-of-RIB (RFC 4724 sec. 2): an empty UPDATE for IPv4, or an UPDATE with
  // only an empty MP_UNREACH_NLRI for another family.
  std::optional<Family> end_of_rib() const;
  friend bool operator==(const UpdateMessage&, const UpdateMessage&) = default;
};

struct NotificationMessage {
  ErrorCode code = ErrorCode::Cease;
  uint8_t subcode = 0;
  std::vector<uint8_t> data;
  // RFC 9003: Cease/Administrative Shutdown or Reset may carry a UTF-8
  // message of up to 255 octets, length-prefixed in data.
  std::optional<std::string> shutdown_message() const;
  static NotificationMessage cease_with_message(uint8_t subcode, std::string_view message);
  friend bool operator==(const NotificationMessage&, const NotificationMessage&) = default;
};

struct KeepaliveMessage {
  friend bool operator==(const KeepaliveMessage&, const KeepaliveMessage&) = default;
};

// RFC 2918; subtypes from RFC 7313 (enhanced route refresh).
enum class RefreshSubtype : uint8_t { Normal = 0, BeginOfRib = 1, EndOfRib = 2 };
struct RouteRefreshMessage {
  uint16_t afi = 0;
  uint8_t safi = 0;
  RefreshSubtype subtype = RefreshSubtype::Normal;
  friend bool operator==(const RouteRefreshMessage&, const RouteRefreshMessage&) = default;
};

using Message = std::variant<OpenMessage, UpdateMessage, NotificationMessage, KeepaliveMessage,
                             RouteRefreshMessage>;

MessageType type_of(const Message& m);
std::string_view message_type_name(MessageType t);

}  // namespace closbgp::wire
