// Test helpers: hex <-> bytes, and framing a message body so that tables
// can show the interesting octets without hand-counting lengths.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/wire/hex.h"

namespace closbgp::wire::test {

std::vector<uint8_t> hex(std::string_view text);  // spaces ignored
using wire::to_hex;

// Marker, length and type around `body`.
std::vector<uint8_t> framed(uint8_t type, std::string_view body_hex);
// An UPDATE with the three length-prefixed/trailing parts given in hex.
std::vector<uint8_t> update_msg(std::string_view withdrawn_hex, std::string_view attrs_hex,
                                std::string_view nlri_hex);

}  // namespace closbgp::wire::test
