#include "bgpd/session/socket_options.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73  // linux/in6.h; not in glibc's headers
#endif

namespace closbgp::session {

namespace {
constexpr int kTtl = 255;
constexpr int kDscpCs6 = 48 << 2;  // TOS / traffic class octet
}  // namespace

std::string apply_bgp_socket_options(int fd, bool ipv6, bool ttl_security) {
  std::string err;
  auto set = [&](int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0)
      err += std::string(err.empty() ? "" : "; ") + what + ": " + std::strerror(errno);
  };
  if (ipv6) {
    set(IPPROTO_IPV6, IPV6_UNICAST_HOPS, kTtl, "hop limit 255");
    set(IPPROTO_IPV6, IPV6_TCLASS, kDscpCs6, "traffic class CS6");
    if (ttl_security) set(IPPROTO_IPV6, IPV6_MINHOPCOUNT, kTtl, "minimum hop limit 255");
  }
  // On an IPv6 socket these apply to IPv4-mapped peers; failures there are
  // expected for native IPv6 peers on some kernels and not reported.
  const std::string v6_err = err;
  set(IPPROTO_IP, IP_TTL, kTtl, "TTL 255");
  set(IPPROTO_IP, IP_TOS, kDscpCs6, "TOS CS6");
  if (ttl_security) set(IPPROTO_IP, IP_MINTTL, kTtl, "minimum TTL 255");
  return ipv6 ? v6_err : err;
}

}  // namespace closbgp::session
