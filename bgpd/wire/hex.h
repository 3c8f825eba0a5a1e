// Lower-case hex of bytes, for messages and JSON (NOTIFICATION data,
// unknown attributes, flags).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace closbgp::wire {

std::string to_hex(std::span<const uint8_t> bytes);
// Appends the bytes of hex text to `out`: white space, ':' separators and a
// 0x prefix are allowed (tcpdump and Wireshark output). False if anything
// else is present or a digit is left over.
bool parse_hex(std::string_view text, std::vector<uint8_t>& out);

}  // namespace closbgp::wire
