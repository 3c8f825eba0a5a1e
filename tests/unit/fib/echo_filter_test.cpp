// The filter that drops our own EVPN writes' notifications, run by the
// kernel on a datagram socket pair: what arrives is what a leaf's listener
// would queue.
#include "fib/echo_filter.h"

#include <gtest/gtest.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace closbgp::fib {
namespace {

constexpr uint32_t kWriter = 4242;

class EchoFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds_.data()), 0);
    ASSERT_TRUE(filter_our_echoes(fds_[1], kWriter));
  }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }
  // Whether a neighbour message of this kind, sent by `port`, gets through.
  bool kept(uint16_t type, uint8_t family, uint8_t flags, uint32_t port) {
    struct {
      nlmsghdr h;
      ndmsg nd;
    } m{};
    m.h = {sizeof m, type, 0, 1, port};
    m.nd.ndm_family = family;
    m.nd.ndm_flags = flags;
    EXPECT_EQ(send(fds_[0], &m, sizeof m, 0), ssize_t(sizeof m));
    std::array<char, 256> buffer{};
    return recv(fds_[1], buffer.data(), buffer.size(), 0) == ssize_t(sizeof m);
  }
  std::array<int, 2> fds_{};
};

TEST_F(EchoFilter, OurWritesEchoesAreDroppedAndOthersChangesKept) {
  EXPECT_FALSE(kept(RTM_NEWNEIGH, AF_INET, NTF_EXT_LEARNED, kWriter));  // our neighbour entry
  EXPECT_FALSE(kept(RTM_DELNEIGH, AF_INET6, 0, kWriter));
  EXPECT_FALSE(kept(RTM_NEWNEIGH, AF_BRIDGE, NTF_EXT_LEARNED | NTF_SELF, 0));  // a remote MAC
  EXPECT_FALSE(kept(RTM_NEWNEIGH, AF_BRIDGE, NTF_EXT_LEARNED | NTF_MASTER, 0));
  EXPECT_TRUE(kept(RTM_DELNEIGH, AF_BRIDGE, NTF_EXT_LEARNED | NTF_SELF, 0));  // someone's delete
  EXPECT_TRUE(kept(RTM_NEWNEIGH, AF_BRIDGE, NTF_MASTER, 0));                  // a MAC learned here
  EXPECT_TRUE(kept(RTM_NEWNEIGH, AF_INET, 0, 0));                             // a host's address
  EXPECT_TRUE(kept(RTM_NEWNEIGH, AF_INET, NTF_EXT_LEARNED, 77));              // another writer's
  EXPECT_TRUE(kept(RTM_NEWLINK, AF_UNSPEC, 0, 0));
}

}  // namespace
}  // namespace closbgp::fib
