#include "bgpd/wire/error.h"

namespace closbgp::wire {

std::string_view action_name(AttrAction a) {
  switch (a) {
    case AttrAction::None:
      return "none";
    case AttrAction::AttributeDiscard:
      return "attribute-discard";
    case AttrAction::TreatAsWithdraw:
      return "treat-as-withdraw";
    case AttrAction::SessionReset:
      return "session-reset";
  }
  return "unknown";
}

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::MessageHeader:
      return "Message Header Error";
    case ErrorCode::Open:
      return "OPEN Message Error";
    case ErrorCode::Update:
      return "UPDATE Message Error";
    case ErrorCode::HoldTimerExpired:
      return "Hold Timer Expired";
    case ErrorCode::Fsm:
      return "Finite State Machine Error";
    case ErrorCode::Cease:
      return "Cease";
    case ErrorCode::RouteRefresh:
      return "ROUTE-REFRESH Message Error";
  }
  return "Unknown Error";
}

std::string_view error_subcode_name(ErrorCode code, uint8_t subcode) {
  static constexpr std::string_view kHeader[] = {"Unspecific", "Connection Not Synchronized",
                                                 "Bad Message Length", "Bad Message Type"};
  static constexpr std::string_view kOpen[] = {"Unspecific",
                                               "Unsupported Version Number",
                                               "Bad Peer AS",
                                               "Bad BGP Identifier",
                                               "Unsupported Optional Parameter",
                                               "Deprecated (5)",
                                               "Unacceptable Hold Time",
                                               "Unsupported Capability",
                                               "Deprecated (8)",
                                               "Deprecated (9)",
                                               "Deprecated (10)",
                                               "Role Mismatch"};
  static constexpr std::string_view kUpdate[] = {"Unspecific",
                                                 "Malformed Attribute List",
                                                 "Unrecognized Well-known Attribute",
                                                 "Missing Well-known Attribute",
                                                 "Attribute Flags Error",
                                                 "Attribute Length Error",
                                                 "Invalid ORIGIN Attribute",
                                                 "Deprecated (7)",
                                                 "Invalid NEXT_HOP Attribute",
                                                 "Optional Attribute Error",
                                                 "Invalid Network Field",
                                                 "Malformed AS_PATH"};
  static constexpr std::string_view kCease[] = {"Unspecific",
                                                "Maximum Number of Prefixes Reached",
                                                "Administrative Shutdown",
                                                "Peer De-configured",
                                                "Administrative Reset",
                                                "Connection Rejected",
                                                "Other Configuration Change",
                                                "Connection Collision Resolution",
                                                "Out of Resources",
                                                "Hard Reset",
                                                "BFD Down"};
  auto pick = [subcode](auto& table) -> std::string_view {
    return subcode < std::size(table) ? table[subcode] : "Unknown Subcode";
  };
  switch (code) {
    case ErrorCode::MessageHeader:
      return pick(kHeader);
    case ErrorCode::Open:
      return pick(kOpen);
    case ErrorCode::Update:
      return pick(kUpdate);
    case ErrorCode::Cease:
      return pick(kCease);
    case ErrorCode::RouteRefresh:
      return subcode == route_refresh_error::kInvalidLength ? "Invalid Message Length"
                                                            : "Unknown Subcode";
    case ErrorCode::HoldTimerExpired:
    case ErrorCode::Fsm:
      return subcode == 0 ? "Unspecific" : "Unknown Subcode";
  }
  return "Unknown Subcode";
}

}  // namespace closbgp::wire
