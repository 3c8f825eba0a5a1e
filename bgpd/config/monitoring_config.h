// The `bmp` and `mrt` sections of the config file: the monitoring
// stations routes are mirrored to, and the MRT files the daemon writes.
#pragma once

#include <ctime>
#include <string>

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// bmp: {collectors: [{address, port, name}], route-monitoring: [pre-policy,
// post-policy, loc-rib], statistics-interval: SECONDS, buffer-kib: KIB}
Bmp parse_bmp(const YAML::Node& n);

// mrt: {updates: {file: PATTERN, rotate-interval: 300}, rib: {file:
// PATTERN, interval: 3600}}. With Files::Open each file's directory must
// exist and be writable now (a config error with its line, not a failure
// at the first write); `source` is the config file.
Mrt parse_mrt(const YAML::Node& n, Files files, const std::string& source);

// Where a pattern's files go: as written if absolute, else under
// $LOGS_DIRECTORY, else beside the config file `source`.
std::string mrt_path(const std::string& pattern, const std::string& source);
// The file name `pattern` gives at `t` (UTC).
std::string expand_time(const std::string& pattern, std::time_t t);

}  // namespace closbgp::config
