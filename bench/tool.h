// What the benchmark tools (bgp_gen, bgp_sink, kernel_routes) share: the
// clock their timestamps use, CLOCK_MONOTONIC, which every network
// namespace shares with the harness's time.monotonic(); and how they fail.
#pragma once

#include <errno.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace closbgp::bench {

inline double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(2);
}

}  // namespace closbgp::bench
