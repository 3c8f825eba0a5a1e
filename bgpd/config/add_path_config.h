// A neighbour's `add-path` (RFC 7911): whether it may send us path ids,
// and which paths it is sent under ours.
#pragma once

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// add-path: {receive: BOOL, send: all|ecmp|best-N|false} at `path`.
AddPath parse_add_path(const YAML::Node& n, const std::string& path);

}  // namespace closbgp::config
