// Errors found in received bytes: what NOTIFICATION to send (RFC 4271 sec. 4.5,
// 6) and, for UPDATE attributes, the RFC 7606 action.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace closbgp::wire {

// NOTIFICATION error codes (RFC 4271, RFC 7313).
enum class ErrorCode : uint8_t {
  MessageHeader = 1,
  Open = 2,
  Update = 3,
  HoldTimerExpired = 4,
  Fsm = 5,
  Cease = 6,
  RouteRefresh = 7,
};

namespace header_error {
inline constexpr uint8_t kNotSynchronized = 1, kBadLength = 2, kBadType = 3;
}
namespace open_error {
inline constexpr uint8_t kUnspecific = 0, kUnsupportedVersion = 1, kBadPeerAs = 2, kBadBgpId = 3,
                         kUnsupportedOptParam = 4, kUnacceptableHoldTime = 6,
                         kUnsupportedCapability = 7, kRoleMismatch = 11;
}
namespace update_error {
inline constexpr uint8_t kMalformedAttrList = 1, kUnrecognizedWellKnown = 2, kMissingWellKnown = 3,
                         kAttrFlags = 4, kAttrLength = 5, kInvalidOrigin = 6, kInvalidNextHop = 8,
                         kOptionalAttr = 9, kInvalidNetwork = 10, kMalformedAsPath = 11;
}
namespace cease {  // RFC 4486, RFC 9384
inline constexpr uint8_t kMaxPrefixes = 1, kAdminShutdown = 2, kPeerDeconfigured = 3,
                         kAdminReset = 4, kConnectionRejected = 5, kOtherConfigChange = 6,
                         kCollisionResolution = 7, kOutOfResources = 8, kHardReset = 9,
                         kBfdDown = 10;
}
namespace route_refresh_error {  // RFC 7313
inline constexpr uint8_t kInvalidLength = 1;
}

// RFC 7606 sec. 2, weakest first so that max() picks the strongest.
enum class AttrAction : uint8_t {
  None = 0,
  AttributeDiscard = 1,
  TreatAsWithdraw = 2,
  SessionReset = 3,
};
std::string_view action_name(AttrAction a);  // "treat-as-withdraw"

// A message we cannot accept: send this NOTIFICATION and close the session.
struct DecodeError {
  ErrorCode code = ErrorCode::MessageHeader;
  uint8_t subcode = 0;
  std::vector<uint8_t> data;  // the NOTIFICATION's data field
  std::string reason;         // for the log: what was wrong, where

  friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

// One problem inside an UPDATE that RFC 7606 lets us survive.
struct AttrError {
  uint8_t attr_type = 0;  // the offending attribute's type code (0: the attribute list)
  AttrAction action = AttrAction::None;
  std::string reason;
  bool configured = false;  // the operator's filter, not an error of the peer

  friend bool operator==(const AttrError&, const AttrError&) = default;
};

std::string_view error_code_name(ErrorCode code);
std::string_view error_subcode_name(ErrorCode code, uint8_t subcode);

}  // namespace closbgp::wire
