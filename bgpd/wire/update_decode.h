// Internal to the codec: UPDATE body decoding (the message after its header).
#pragma once

#include <expected>
#include <span>

#include "bgpd/wire/codec.h"

namespace closbgp::wire {

std::expected<UpdateMessage, DecodeError> decode_update(std::span<const uint8_t> body,
                                                        const DecodeContext& ctx);

}  // namespace closbgp::wire
