#include "bgpd/net/netlink_listen.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace closbgp::net {

std::expected<int, std::string> rtnetlink_listener(uint32_t groups, int receive_buffer) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) return std::unexpected(std::string("netlink socket: ") + std::strerror(errno));
  // Beyond net.core.rmem_max with CAP_NET_ADMIN (the daemon has it).
  if (receive_buffer > 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = groups;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    const std::string why = std::string("netlink bind: ") + std::strerror(errno);
    close(fd);
    return std::unexpected(why);
  }
  return fd;
}

}  // namespace closbgp::net
