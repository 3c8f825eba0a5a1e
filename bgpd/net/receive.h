// Receiving a datagram together with what the kernel knows about it: the
// link it came in on and its TTL / hop limit. RFC 4861 (RAs) and RFC 5881
// (BFD) both require TTL 255, so both need this.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>

namespace closbgp::net {

// Asks the kernel to report TTL/hop limit and the arrival link on `fd`
// (IPv6 socket, possibly dual-stack).
void request_packet_info(int fd);

struct Datagram {
  size_t size = 0;
  sockaddr_in6 from{};
  int ttl = -1;  // TTL or hop limit; -1 if the kernel did not say
  uint32_t ifindex = 0;
};

// One non-blocking recvmsg() into `buf`; nullopt when nothing is waiting.
std::optional<Datagram> receive(int fd, std::span<uint8_t> buf);

}  // namespace closbgp::net
