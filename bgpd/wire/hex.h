// Lower-case hex of bytes, for messages and JSON (NOTIFICATION data,
// unknown attributes, flags).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace closbgp::wire {

std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace closbgp::wire
