// A validated configuration written back as YAML: `show running-config`.
// Every setting is written out with its effective value (defaults
// included), neighbours after their templates were applied, and secrets
// never: an inline password is written as kHiddenSecret, a password file
// by its path. Reading the output back gives the same configuration,
// passwords aside.
#pragma once

#include <string>

#include "bgpd/config/config.h"

namespace closbgp::config {

std::string running_config_yaml(const Config& c);

}  // namespace closbgp::config
