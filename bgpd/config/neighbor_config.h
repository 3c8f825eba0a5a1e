// The `neighbors` entries of the config file, and the BFD and session
// timers that both the top level and a neighbour may set.
#pragma once

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

Bfd parse_bfd(const YAML::Node& n, const std::string& path, Bfd defaults);
// timers: {keepalive, hold, connect-retry} at `path` (the top level's, or a
// neighbour's own); keepalive defaults to a third of hold, at most 3.
Timers parse_timers(const YAML::Node& n, const std::string& path);

// peer-templates: {NAME: {neighbour keys}}: each a map of the keys a
// neighbour may have, except those that name it (interface, address,
// listen-range).
void check_templates(const YAML::Node& templates);
// neighbors[index] with the keys of the template it names (`template:
// NAME`) that it does not set itself; `n` itself when it names none.
YAML::Node with_template(const YAML::Node& n, size_t index, const YAML::Node& templates);
// Interface neighbours whose patterns match a common interface: an error,
// unless the one listed first is the more specific (README, Configuration).
void check_interface_overlaps(const YAML::Node& list, const std::vector<Neighbor>& neighbors);

// neighbors[index]; `global_bfd`: the timers an interface neighbour gets by
// default; route-maps it names must be in `policies`; its password file is
// read only with Files::Open.
Neighbor parse_neighbor(const YAML::Node& n, size_t index, const Bfd& global_bfd,
                        const policy::Policies& policies, Files files);

}  // namespace closbgp::config
