// BFD control packets (RFC 5880 sec. 4.1), without authentication: the
// mandatory section only. Pure: bytes <-> struct.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

namespace closbgp::bfd {

enum class State : uint8_t { AdminDown = 0, Down = 1, Init = 2, Up = 3 };
std::string_view state_name(State s);

// RFC 5880 sec. 4.1 diagnostic codes.
enum class Diag : uint8_t {
  None = 0,
  DetectionTimeExpired = 1,
  EchoFailed = 2,
  NeighborSignaledDown = 3,
  ForwardingReset = 4,
  PathDown = 5,
  ConcatenatedPathDown = 6,
  AdminDown = 7,
  ReverseConcatenatedPathDown = 8,
};
std::string_view diag_name(Diag d);

struct ControlPacket {
  Diag diag = Diag::None;
  State state = State::Down;
  bool poll = false, final = false, cpi = false, demand = false;
  uint8_t detect_mult = 3;
  uint32_t my_discriminator = 0;
  uint32_t your_discriminator = 0;
  uint32_t desired_min_tx_us = 1000000;
  uint32_t required_min_rx_us = 1000000;
  uint32_t required_min_echo_rx_us = 0;
  friend bool operator==(const ControlPacket&, const ControlPacket&) = default;
};

inline constexpr size_t kPacketSize = 24;

// The reception checks of RFC 5880 sec. 6.8.6 that need no session: a
// packet failing them is discarded (the error says why, for counters).
std::expected<ControlPacket, std::string> decode(std::span<const uint8_t> bytes);
std::vector<uint8_t> encode(const ControlPacket& p);

}  // namespace closbgp::bfd
