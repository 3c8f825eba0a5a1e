// The daemon's own process, as Prometheus' process_* metrics and the
// summary report it: memory, CPU time, start time.
#pragma once

#include <cstdint>

namespace closbgp::api {

struct ProcessStats {
  uint64_t resident_bytes = 0;
  double cpu_seconds = 0;         // user and system
  double start_time_seconds = 0;  // since the Unix epoch
};

// From /proc and getrusage; zeros for what cannot be read.
ProcessStats process_stats();

}  // namespace closbgp::api
