// The `bmp` section of the config file: the monitoring stations routes
// are mirrored to.
#pragma once

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// bmp: {collectors: [{address, port, name}], route-monitoring: [pre-policy,
// post-policy, loc-rib], statistics-interval: SECONDS, buffer-kib: KIB}
Bmp parse_bmp(const YAML::Node& n);

}  // namespace closbgp::config
