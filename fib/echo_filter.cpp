#include "fib/echo_filter.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace closbgp::fib {

std::expected<void, std::string> filter_our_echoes(int fd, uint32_t writer_port) {
  // Classic BPF over the message as queued: one notification per message,
  // its netlink header first, then (for a neighbour message) its ndmsg.
  // Loads of halfwords and words are in network byte order.
  constexpr uint32_t kType = offsetof(nlmsghdr, nlmsg_type);
  constexpr uint32_t kPort = offsetof(nlmsghdr, nlmsg_pid);
  constexpr uint32_t kFamily = NLMSG_HDRLEN + offsetof(ndmsg, ndm_family);
  constexpr uint32_t kFlags = NLMSG_HDRLEN + offsetof(ndmsg, ndm_flags);
  std::array<sock_filter, 10> code{{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kPort),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(writer_port), 7, 0),  // ours: drop
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, kType),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWNEIGH), 0, 4),  // else keep
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kFamily),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_BRIDGE, 0, 2),  // else keep
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kFlags),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NTF_EXT_LEARNED, 1, 0),  // extern_learn: drop
      BPF_STMT(BPF_RET | BPF_K, 0xffffffff),                        // keep
      BPF_STMT(BPF_RET | BPF_K, 0),                                 // drop
  }};
  const sock_fprog program{uint16_t(code.size()), code.data()};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
    return std::unexpected(std::string("a filter for our own notifications: ") +
                           std::strerror(errno));
  return {};
}

}  // namespace closbgp::fib
