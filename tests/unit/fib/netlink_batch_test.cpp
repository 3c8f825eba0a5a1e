// NetlinkBatch against the running kernel, changing nothing: every request
// deletes a route that does not exist (in a table nobody uses), so each
// one fails, as root with "no such process" and otherwise with "operation
// not permitted". Either way each failure must come back with its own tag,
// across several sends, and the batch must end when the kernel is done.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <map>

#include "fib/netlink_batch.h"

namespace closbgp::fib {
namespace {

constexpr uint32_t kUnusedTable = 4242;

nl_msg* delete_route(uint32_t n) {
  nl_msg* m = nlmsg_alloc_simple(RTM_DELROUTE, 0);
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_dst_len = 32;
  rt.rtm_table = RT_TABLE_UNSPEC;
  nlmsg_append(m, &rt, sizeof rt, NLMSG_ALIGNTO);
  const uint32_t dst = htonl(0xc6336400 + n);  // 198.51.100.0 and up (documentation)
  nla_put(m, RTA_DST, 4, &dst);
  nla_put_u32(m, RTA_TABLE, kUnusedTable);
  return m;
}

TEST(NetlinkBatch, EveryFailureComesBackWithItsTag) {
  nl_sock* sock = nl_socket_alloc();
  ASSERT_EQ(nl_connect(sock, NETLINK_ROUTE), 0);
  std::map<size_t, int> failed;
  // Small sends: without CAP_NET_ADMIN the receive buffer holds only a few
  // hundred error replies.
  NetlinkBatch batch(sock, 8 * 1024);
  batch.begin([&](size_t tag, int error, std::string_view) { failed[tag] = error; });
  constexpr size_t kRequests = 5000;  // about 220 KB: many sends
  for (size_t i = 0; i < kRequests; ++i) {
    nl_msg* m = delete_route(uint32_t(i % 256));
    batch.add(m, 1000 + i);
    nlmsg_free(m);
  }
  EXPECT_TRUE(batch.flush());
  EXPECT_GT(batch.sends(), 1u);
  ASSERT_EQ(failed.size(), kRequests);
  EXPECT_EQ(failed.begin()->first, 1000u);
  EXPECT_EQ(failed.rbegin()->first, 1000u + kRequests - 1);
  for (const auto& [tag, error] : failed) EXPECT_TRUE(error == -ESRCH || error == -EPERM) << error;
  // The next batch starts clean.
  failed.clear();
  nl_msg* m = delete_route(7);
  batch.add(m, 1);
  nlmsg_free(m);
  EXPECT_TRUE(batch.flush());
  EXPECT_EQ(failed.size(), 1u);
  nl_socket_free(sock);
}

// Replies the kernel had no room for: flush() says so at once (no wait for
// an acknowledgement that was dropped too), so the caller can compare the
// kernel with what it wrote.
TEST(NetlinkBatch, LostRepliesAreReportedNotWaitedFor) {
  nl_sock* sock = nl_socket_alloc();
  ASSERT_EQ(nl_connect(sock, NETLINK_ROUTE), 0);
  size_t failed = 0;
  NetlinkBatch batch(sock);
  batch.begin([&](size_t, int, std::string_view) { ++failed; });
  const int tiny = 1;  // the kernel's minimum: a couple of replies
  setsockopt(nl_socket_get_fd(sock), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
  for (size_t i = 0; i < 1000; ++i) {
    nl_msg* m = delete_route(uint32_t(i % 256));
    batch.add(m, i);
    nlmsg_free(m);
  }
  EXPECT_FALSE(batch.flush());
  EXPECT_LT(failed, 1000u);
  nl_socket_free(sock);
}

}  // namespace
}  // namespace closbgp::fib
