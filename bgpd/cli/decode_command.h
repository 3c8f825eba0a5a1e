// `closctl decode`: decodes BGP messages from hex, offline, as JSON lines.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include "bgpd/wire/codec.h"

namespace closbgp::cli {

// Parses hex with optional white space, ':' separators and a 0x prefix.
// False if anything else is present.
bool parse_hex(std::string_view text, std::vector<uint8_t>& out);

// Decodes every message in `bytes` (a capture may hold several), writing one
// JSON object per message. Returns 0 when all decoded, 1 if any was invalid.
int decode_messages(std::span<const uint8_t> bytes, const wire::DecodeContext& ctx,
                    std::ostream& out);

}  // namespace closbgp::cli
