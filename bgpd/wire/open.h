// Internal to the codec: OPEN body decoding and encoding.
#pragma once

#include <expected>
#include <span>

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/messages.h"

namespace closbgp::wire {

std::expected<OpenMessage, DecodeError> decode_open(std::span<const uint8_t> body);
std::expected<void, std::string> encode_open(const OpenMessage& m, Writer& w);

}  // namespace closbgp::wire
