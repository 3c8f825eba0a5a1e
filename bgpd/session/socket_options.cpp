#include "bgpd/session/socket_options.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace closbgp::session {

namespace {
constexpr int kTtl = 255;
constexpr int kDscpCs6 = 48 << 2;  // TOS / traffic class octet
}  // namespace

std::string apply_bgp_socket_options(int fd, bool ipv6) {
  std::string err;
  auto set = [&](int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0)
      err += std::string(err.empty() ? "" : "; ") + what + ": " + std::strerror(errno);
  };
  if (ipv6) {
    set(IPPROTO_IPV6, IPV6_UNICAST_HOPS, kTtl, "hop limit 255");
    set(IPPROTO_IPV6, IPV6_TCLASS, kDscpCs6, "traffic class CS6");
  }
  // An IPv6 socket may carry IPv4 (mapped addresses): set both where possible.
  if (!ipv6) {
    set(IPPROTO_IP, IP_TTL, kTtl, "TTL 255");
    set(IPPROTO_IP, IP_TOS, kDscpCs6, "TOS CS6");
  }
  return err;
}

}  // namespace closbgp::session
