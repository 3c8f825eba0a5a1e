// Internal to the codec: encoding one UpdateMessage.
#pragma once

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/codec.h"

namespace closbgp::wire {

std::expected<void, std::string> encode_update(const UpdateMessage& msg, const EncodeContext& ctx,
                                               Writer& w);

}  // namespace closbgp::wire
