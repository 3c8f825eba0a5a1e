// The `grpc` and `metrics` sections of the config file: where the API and
// the metrics endpoint listen, and who may use the API.
#pragma once

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// grpc: {listen, group, write-groups, insecure, tls: {cert, key, client-ca,
// read, write}}; the TLS files are checked for reading only with Files::Open.
Grpc parse_grpc(const YAML::Node& n, Files files);
Metrics parse_metrics(const YAML::Node& n);

}  // namespace closbgp::config
