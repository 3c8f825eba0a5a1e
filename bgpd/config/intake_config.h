// What a neighbour may send, as the config file says it: max-prefix (a
// limit), expected-routes (a size hint) and the path-attribute filter
// (docs/sessions.md, "What a neighbour may send").
#pragma once

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// max-prefix: N, or {limit: N, action: warn|restart|idle, restart-after: S,
// warning-percent: P}; a neighbour's, or its EVPN routes'.
MaxPrefix parse_max_prefix(const YAML::Node& n, const std::string& path);
// expected-routes: {ipv4-unicast: N, ipv6-unicast: M}.
ExpectedRoutes parse_expected_routes(const YAML::Node& n, const std::string& path);
// path-attribute: {discard: [codes], treat-as-withdraw: [codes]}.
PathAttributeFilter parse_path_attribute(const YAML::Node& n, const std::string& path);

}  // namespace closbgp::config
