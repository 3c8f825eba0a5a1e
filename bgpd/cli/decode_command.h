// `closctl decode`: decodes BGP messages from hex, offline, as JSON lines.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include "bgpd/wire/codec.h"

namespace closbgp::cli {

// Decodes every message in `bytes` (a capture may hold several), writing one
// JSON object per message. Returns 0 when all decoded, 1 if any was invalid.
int decode_messages(std::span<const uint8_t> bytes, const wire::DecodeContext& ctx,
                    std::ostream& out);

}  // namespace closbgp::cli
