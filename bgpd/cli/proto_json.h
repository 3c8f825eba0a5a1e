// closctl's JSON (docs/json.md): a message's fields under their proto names;
// numbers as JSON numbers, 64-bit ones too (protobuf's own mapping writes
// those as strings, which jq compares as text); enum values as short
// lowercase words ("established" for SESSION_STATE_ESTABLISHED); fields
// without presence always written, optional ones only when set.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "bgpd/json/json_writer.h"

namespace closbgp::cli {

void write_json(const google::protobuf::Message& m, json::JsonWriter& w);
std::string to_json(const google::protobuf::Message& m);

// "established" for SESSION_STATE_ESTABLISHED of enum SessionState: the
// value's name without its type's prefix, in lower case.
std::string short_enum_name(const google::protobuf::EnumValueDescriptor& v);

}  // namespace closbgp::cli
