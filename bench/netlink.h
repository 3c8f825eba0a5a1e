// Raw rtnetlink for the kernel-side benchmark tools (kernel_routes,
// fabric_watch), without libnl: a socket, a request being built, and the
// walks over a buffer's messages and a message's attributes.
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "bench/tool.h"

namespace closbgp::bench {

// A system call failed: what, and errno's reason.
[[noreturn]] inline void die_errno(const char* what) {
  die(std::string(what) + ": " + std::strerror(errno));
}

// A route socket joined to `groups` (0: requests only) with a receive
// buffer of `buffer` octets, forced past rmem_max.
inline int open_netlink(uint32_t groups, int buffer = 256 << 20) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) die_errno("socket");
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = groups;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) die_errno("bind");
  return fd;
}

// A netlink request being built: header, fixed part, attributes.
class Request {
 public:
  Request(uint16_t type, uint16_t flags, const void* fixed, size_t size) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = uint16_t(NLM_F_REQUEST | flags);
    append(&h, sizeof h);
    append(fixed, size);
  }
  void attr(uint16_t type, const void* data, size_t size) {
    rtattr a{};
    a.rta_len = uint16_t(RTA_LENGTH(size));
    a.rta_type = type;
    append(&a, sizeof a);
    append(data, size);
  }
  void u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
  // Finished, with its length and sequence number.
  const std::vector<uint8_t>& done(uint32_t seq) {
    nlmsghdr h;
    std::memcpy(&h, buf_.data(), sizeof h);
    h.nlmsg_len = uint32_t(buf_.size());
    h.nlmsg_seq = seq;
    std::memcpy(buf_.data(), &h, sizeof h);
    return buf_;
  }

 private:
  void append(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
    buf_.resize((buf_.size() + 3) & ~size_t(3));
  }
  std::vector<uint8_t> buf_;
};

// Calls fn(header, offset) for each whole message in the first `len` octets.
template <class Fn>
void for_each_message(const std::vector<uint8_t>& buf, size_t len, Fn fn) {
  for (size_t off = 0; off + sizeof(nlmsghdr) <= len;) {
    nlmsghdr h;
    std::memcpy(&h, buf.data() + off, sizeof h);
    if (h.nlmsg_len < sizeof h || off + h.nlmsg_len > len) return;
    fn(h, off);
    off += NLMSG_ALIGN(h.nlmsg_len);
  }
}

// Calls fn(type, payload, length) for each attribute of the message at
// `off` whose fixed part is `fixed` octets.
template <class Fn>
void for_each_attribute(const std::vector<uint8_t>& in, const nlmsghdr& h, size_t off, size_t fixed,
                        Fn fn) {
  for (size_t a = off + sizeof h + NLMSG_ALIGN(fixed); a + sizeof(rtattr) <= off + h.nlmsg_len;) {
    rtattr at;
    std::memcpy(&at, in.data() + a, sizeof at);
    if (at.rta_len < sizeof at || a + at.rta_len > off + h.nlmsg_len) return;
    fn(at.rta_type, in.data() + a + sizeof at, at.rta_len - sizeof at);
    a += RTA_ALIGN(at.rta_len);
  }
}

}  // namespace closbgp::bench
