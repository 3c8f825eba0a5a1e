// Reads back what a previous run of ours left in the kernel (nexthop
// objects and groups in our id range, routes with our protocol in our table
// that use them; or, without objects, routes with their next hops), so a
// restart reconciles instead of rewriting everything.
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
  // Without nexthop objects a route of ours is known by protocol, table and
  // metric alone (another daemon using protocol 186 in the same table and
  // metric would look like us: give one of them another protocol).
  KernelNexthops mode = KernelNexthops::Objects;
  uint32_t metric = 0;
};

std::expected<Installed, std::string> read_installed(nl_sock* sock, const OwnedRange& ours);

// Whether the kernel has nexthop objects (5.3 and later): it answers a dump
// of them. The error says why not.
std::expected<void, std::string> probe_nexthop_objects(nl_sock* sock);

}  // namespace closbgp::fib
