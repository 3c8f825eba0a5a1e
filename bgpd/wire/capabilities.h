// BGP capabilities (RFC 5492) that a fabric negotiates, as one value type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgpd/wire/error.h"
#include "bgpd/wire/family.h"

namespace closbgp::wire {

namespace capability_code {
inline constexpr uint8_t kMultiprotocol = 1, kRouteRefresh = 2, kExtendedNextHop = 5,
                         kExtendedMessage = 6, kGracefulRestart = 64, kFourOctetAs = 65,
                         kAddPath = 69, kEnhancedRouteRefresh = 70, kLongLivedGracefulRestart = 71,
                         kFqdn = 73;
}

struct AfiSafi {
  uint16_t afi = 0;
  uint8_t safi = 0;
  friend bool operator==(const AfiSafi&, const AfiSafi&) = default;
};

// RFC 8950: NLRI of (afi, safi) may carry a next hop of nexthop_afi.
struct ExtendedNextHop {
  uint16_t afi = 0;
  uint16_t safi = 0;
  uint16_t nexthop_afi = 0;
  friend bool operator==(const ExtendedNextHop&, const ExtendedNextHop&) = default;
};

// RFC 4724 (with the N bit of RFC 8538).
struct GracefulRestart {
  bool restarting = false;    // R bit
  bool notification = false;  // N bit
  uint16_t restart_time = 0;  // 12 bits
  struct Family {
    uint16_t afi = 0;
    uint8_t safi = 0;
    bool forwarding_preserved = false;
    friend bool operator==(const Family&, const Family&) = default;
  };
  std::vector<Family> families;
  friend bool operator==(const GracefulRestart&, const GracefulRestart&) = default;
};

// RFC 9494: per family, how long a helper keeps our paths once the
// graceful-restart time has run out (24 bits of seconds).
struct LongLivedGracefulRestart {
  struct Family {
    uint16_t afi = 0;
    uint8_t safi = 0;
    bool forwarding_preserved = false;
    uint32_t stale_time = 0;
    friend bool operator==(const Family&, const Family&) = default;
  };
  std::vector<Family> families;
  friend bool operator==(const LongLivedGracefulRestart&,
                         const LongLivedGracefulRestart&) = default;
};

// RFC 7911.
enum class AddPathMode : uint8_t { Receive = 1, Send = 2, Both = 3 };
struct AddPath {
  uint16_t afi = 0;
  uint8_t safi = 0;
  AddPathMode mode = AddPathMode::Receive;
  friend bool operator==(const AddPath&, const AddPath&) = default;
};

// draft-walton-bgp-hostname-capability, sent by FRR.
struct Fqdn {
  std::string hostname;
  std::string domain;
  friend bool operator==(const Fqdn&, const Fqdn&) = default;
};

// A capability we do not interpret: kept so that it can be shown, never acted on.
struct RawCapability {
  uint8_t code = 0;
  std::vector<uint8_t> value;
  friend bool operator==(const RawCapability&, const RawCapability&) = default;
};

struct Capabilities {
  std::vector<AfiSafi> multiprotocol;
  bool route_refresh = false;
  bool enhanced_route_refresh = false;
  bool extended_message = false;
  std::optional<uint32_t> four_octet_as;
  std::vector<ExtendedNextHop> extended_next_hop;
  std::optional<GracefulRestart> graceful_restart;
  std::optional<LongLivedGracefulRestart> long_lived_gr;
  std::vector<AddPath> add_path;
  std::optional<Fqdn> fqdn;
  std::vector<RawCapability> unknown;

  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

// Decodes the value of one Capabilities optional parameter (a list of
// code/length/value) into `caps`, adding to what is there.
bool decode_capabilities(std::span<const uint8_t> data, Capabilities& caps, DecodeError& err);
// Appends code/length/value triples for every capability in `caps`.
void encode_capabilities(const Capabilities& caps, std::vector<uint8_t>& out);

}  // namespace closbgp::wire
