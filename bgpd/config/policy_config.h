// The policy sections of the config file: prefix-lists, community-lists,
// large-community-lists, ext-community-lists, as-path-lists and route-maps.
// Lists come first, so route-maps can name them; a name that is not
// defined is an error at the line that uses it.
#pragma once

#include "bgpd/config/yaml_reader.h"
#include "policy/policies.h"

namespace closbgp::config {

inline const std::set<std::string> kPolicySections{"prefix-lists",          "community-lists",
                                                   "large-community-lists", "ext-community-lists",
                                                   "as-path-lists",         "route-maps"};

// `local_as`: the AS a route-map's link bandwidth community names.
policy::Policies parse_policies(const yaml::Section& root, uint32_t local_as);

// Fails at `n` unless `name` is a defined route-map.
void require_route_map(const policy::Policies& p, const YAML::Node& n, const std::string& key);

}  // namespace closbgp::config
