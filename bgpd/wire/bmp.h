// BMP messages (RFC 7854, with RFC 9069's Loc-RIB peer type): what a
// router sends its monitoring stations. One-way, router to collector; this
// file only encodes. Each function appends one whole message (common
// header included) to `out`. BGP PDUs inside (OPENs, NOTIFICATIONs,
// UPDATEs) are given whole, as encoded by the codec.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::wire::bmp {

inline constexpr uint8_t kVersion = 3;
inline constexpr uint16_t kDefaultPort = 1790;  // what collectors listen on by convention

enum class PeerType : uint8_t { Global = 0, LocRib = 3 };

// The per-peer header: whose routes, and which view of them.
struct PeerHeader {
  PeerType type = PeerType::Global;
  bool post_policy = false;  // L flag: the Adj-RIB-In after import policy
  IpAddress address;         // the neighbour's; unspecified for the Loc-RIB
  uint32_t asn = 0;
  uint32_t bgp_id = 0;  // host order
  uint32_t seconds = 0, microseconds = 0;
};

// An Information TLV (types: 0 string, 1 sysDescr, 2 sysName, 3 VRF/table name).
struct InfoTlv {
  uint16_t type = 0;
  std::string value;
};
namespace info {
inline constexpr uint16_t kString = 0, kSysDescr = 1, kSysName = 2, kTableName = 3;
}

struct PeerUp {
  IpAddress local_address;
  uint16_t local_port = 0, remote_port = 0;
  std::vector<uint8_t> sent_open, received_open;  // whole BGP OPEN messages
  std::vector<InfoTlv> information;
};

// Peer Down reasons (RFC 7854 sec. 4.9, RFC 9069 sec. 5.4).
enum class DownReason : uint8_t {
  LocalNotification = 1,     // data: the NOTIFICATION we sent
  LocalNoNotification = 2,   // data: the FSM event code
  RemoteNotification = 3,    // data: the NOTIFICATION it sent
  RemoteNoNotification = 4,  // the connection closed
  Deconfigured = 5,
  LocRibDeconfigured = 6,
};

// Termination reasons (RFC 7854 sec. 4.5).
namespace termination_reason {
inline constexpr uint16_t kAdminClose = 0, kUnspecified = 1, kOutOfResources = 2;
}

// A statistic (RFC 7854 sec. 4.8): a 32-bit counter, a 64-bit gauge, or a
// 64-bit gauge for one AFI/SAFI (types 9 and 10).
struct Stat {
  uint16_t type = 0;
  uint64_t value = 0;
  enum class Kind : uint8_t { Counter32, Gauge64, FamilyGauge64 } kind = Kind::Counter32;
  uint16_t afi = 0;
  uint8_t safi = 0;
};
namespace stat {
inline constexpr uint16_t kRejectedByPolicy = 0, kDuplicateWithdraws = 2, kAdjRibIn = 7,
                          kLocRib = 8, kAdjRibInFamily = 9, kLocRibFamily = 10,
                          kTreatAsWithdrawUpdates = 11;
}

void initiation(std::span<const InfoTlv> information, std::vector<uint8_t>& out);
void termination(uint16_t reason, std::string_view text, std::vector<uint8_t>& out);
void peer_up(const PeerHeader& peer, const PeerUp& up, std::vector<uint8_t>& out);
void peer_down(const PeerHeader& peer, DownReason reason, std::span<const uint8_t> data,
               std::vector<uint8_t>& out);
// One Route Monitoring message per BGP message in `updates` (whole,
// back-to-back messages, as encode_announce writes them).
void route_monitoring(const PeerHeader& peer, std::span<const uint8_t> updates,
                      std::vector<uint8_t>& out);
void statistics(const PeerHeader& peer, std::span<const Stat> stats, std::vector<uint8_t>& out);

// Hands `f` each whole BMP message of `bytes` (back to back, as the
// functions above append them), by its common header's length; stops at
// a truncated one. Returns how many.
size_t for_each_message(std::span<const uint8_t> bytes,
                        const std::function<void(std::span<const uint8_t>)>& f);

}  // namespace closbgp::wire::bmp
