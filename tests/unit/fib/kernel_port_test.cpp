// How kernel operations describe themselves in the FIB's logs.
#include "fib/kernel_port.h"

#include <gtest/gtest.h>

namespace closbgp::fib {
namespace {

// What a failed operation's log line says, and the prefix it carries as a field.
TEST(KernelPort, OperationsDescribeThemselvesForLogs) {
  const Op route = op::SetRoute{*wire::Prefix::parse("10.0.0.0/24"), 7};
  const Op group = op::AddGroup{7, {1, 2}};
  EXPECT_EQ(describe(route), "route 10.0.0.0/24 nhid 7");
  EXPECT_EQ(prefix_of(route), "10.0.0.0/24");
  EXPECT_EQ(prefix_of(op::DelRoute{*wire::Prefix::parse("2001:db8::/32")}), "2001:db8::/32");
  EXPECT_EQ(describe(group), "group 7");
  const Op drop =
      op::SetRouteVia{*wire::Prefix::parse("10.0.0.0/8"), {rib::discard_next_hop(wire::Afi::Ipv4)}};
  EXPECT_EQ(describe(drop), "route 10.0.0.0/8 blackhole");
  EXPECT_EQ(prefix_of(group), "");
}

}  // namespace
}  // namespace closbgp::fib
