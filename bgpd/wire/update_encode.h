// Internal to the codec: encoding one UpdateMessage.
#pragma once

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/codec.h"

namespace closbgp::wire {

// Every attribute of `attrs` (and of the MP attributes given) in canonical
// order, unknown ones passed on with the Partial bit: an UPDATE's
// attribute field, or an MRT RIB entry's.
void encode_path_attributes(const PathAttributes& attrs, const MpReach* mp_reach,
                            const EncodeContext& ctx, Writer& w);

std::expected<void, std::string> encode_update(const UpdateMessage& msg, const EncodeContext& ctx,
                                               Writer& w);

}  // namespace closbgp::wire
