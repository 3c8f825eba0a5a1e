// Reads back what a previous run of ours left in the kernel (nexthop
// objects and groups in our id range, routes with our protocol in our table
// that use them), so a restart reconciles instead of rewriting everything.
#pragma once

#include <expected>
#include <string>

#include "fib/planner.h"

struct nl_sock;

namespace closbgp::fib {

struct OwnedRange {
  uint32_t table;
  uint8_t protocol;
  uint32_t first_id, last_id;  // our nexthop object ids, inclusive
};

std::expected<Installed, std::string> read_installed(nl_sock* sock, const OwnedRange& ours);

}  // namespace closbgp::fib
