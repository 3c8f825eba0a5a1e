// What the FIB worker asks of the kernel, and nothing else: write planned
// operations in order, read back what of ours is installed. NetlinkPort
// speaks rtnetlink; tests/mocks/fake_kernel.h is an in-memory kernel with
// the same ordering rules.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "fib/planner.h"

namespace closbgp::fib {

class KernelPort {
 public:
  struct Written {
    bool complete = true;  // false: the kernel's replies were lost; compare it
    // The operations the kernel refused: index into the ops, and why. A
    // delete of something already gone (a link down took it) is no failure.
    std::vector<std::pair<size_t, std::string>> failed;
    size_t sends = 0;  // messages (batches) it took
  };

  virtual ~KernelPort() = default;
  virtual Written write(const std::vector<Op>& ops) = 0;
  // Our routes and objects as the kernel has them now.
  virtual std::expected<Installed, std::string> read() const = 0;
};

// "nexthop 7 via 10.0.0.1 ifindex 3", "delete route 10.0.0.0/24": for logs.
std::string describe(const Op& op);
// The prefix of a route operation ("10.0.0.0/24"); empty for objects.
std::string prefix_of(const Op& op);

}  // namespace closbgp::fib
