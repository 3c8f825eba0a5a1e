#include "bgpd/net/receive.h"

#include <sys/socket.h>

#include <array>
#include <cstring>

namespace closbgp::net {

void request_packet_info(int fd) {
  const int on = 1;
  setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);  // IPv4 on a dual-stack socket
}

std::optional<Datagram> receive(int fd, std::span<uint8_t> buf) {
  Datagram d;
  alignas(cmsghdr) std::array<uint8_t, 256> control;
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_name = &d.from;
  msg.msg_namelen = sizeof d.from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t n = ::recvmsg(fd, &msg, 0);
  if (n < 0) return std::nullopt;
  d.size = size_t(n);
  d.ifindex = d.from.sin6_scope_id;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if ((c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) ||
        (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL))
      std::memcpy(&d.ttl, CMSG_DATA(c), sizeof d.ttl);
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.ifindex = info.ipi6_ifindex;
    }
  }
  return d;
}

}  // namespace closbgp::net
