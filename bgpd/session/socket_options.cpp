#include "bgpd/session/socket_options.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "bgpd/discovery/interfaces.h"

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73  // linux/in6.h; not in glibc's headers
#endif

namespace closbgp::session {

namespace {
constexpr int kTtl = 255;
constexpr int kDscpCs6 = 48 << 2;  // TOS / traffic class octet
}  // namespace

std::string apply_bgp_socket_options(int fd, bool ipv6, const SocketSettings& s) {
  std::string err;
  auto set = [&](int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0)
      err += std::string(err.empty() ? "" : "; ") + what + ": " + std::strerror(errno);
  };
  if (ipv6) {
    set(IPPROTO_IPV6, IPV6_UNICAST_HOPS, s.ttl, "hop limit");
    set(IPPROTO_IPV6, IPV6_TCLASS, kDscpCs6, "traffic class CS6");
    if (s.ttl_security) set(IPPROTO_IPV6, IPV6_MINHOPCOUNT, kTtl, "minimum hop limit 255");
  }
  // On an IPv6 socket these apply to IPv4-mapped peers; failures there are
  // expected for native IPv6 peers on some kernels and not reported.
  const std::string v6_err = err;
  set(IPPROTO_IP, IP_TTL, s.ttl, "TTL");
  set(IPPROTO_IP, IP_TOS, kDscpCs6, "TOS CS6");
  if (s.ttl_security) set(IPPROTO_IP, IP_MINTTL, kTtl, "minimum TTL 255");
  return ipv6 ? v6_err : err;
}

std::expected<wire::IpAddress, std::string> source_address(const std::string& update_source,
                                                           bool v6) {
  const char* family = v6 ? "IPv6" : "IPv4";
  if (auto a = wire::IpAddress::parse(update_source)) {
    if (a->is_v6() != v6)
      return std::unexpected("update-source " + update_source + " is not an " + family +
                             " address like the neighbour's");
    return *a;
  }
  const auto found = discovery::usable_address(update_source, !v6);
  if (!found)
    return std::unexpected("update-source " + update_source + " has no usable " + family +
                           " address (or no such interface)");
  return wire::IpAddress::from_bytes(v6 ? wire::Afi::Ipv6 : wire::Afi::Ipv4, found->data());
}

std::string set_tcp_md5(int fd, bool ipv6, const wire::IpAddress& peer, int prefix_len,
                        const std::string& key) {
  tcp_md5sig sig{};
  if (key.size() > sizeof sig.tcpm_key) return "the password is longer than 80 octets";
  if (ipv6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    if (peer.is_v4()) {  // ::ffff:a.b.c.d, which the kernel keys as IPv4
      a.sin6_addr.s6_addr[10] = a.sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&a.sin6_addr.s6_addr[12], peer.bytes().data(), 4);
    } else {
      std::memcpy(&a.sin6_addr, peer.bytes().data(), 16);
    }
    std::memcpy(&sig.tcpm_addr, &a, sizeof a);
  } else {
    if (!peer.is_v4()) return "an IPv6 peer on an IPv4 socket";
    sockaddr_in a{};
    a.sin_family = AF_INET;
    std::memcpy(&a.sin_addr, peer.bytes().data(), 4);
    std::memcpy(&sig.tcpm_addr, &a, sizeof a);
  }
  int option = TCP_MD5SIG;
  if (prefix_len >= 0) {
    option = TCP_MD5SIG_EXT;
    sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
    sig.tcpm_prefixlen = uint8_t(prefix_len);
  }
  sig.tcpm_keylen = uint16_t(key.size());
  std::memcpy(sig.tcpm_key, key.data(), key.size());
  if (setsockopt(fd, IPPROTO_TCP, option, &sig, sizeof sig) == 0) return "";
  return std::string("TCP MD5 signature for ") + peer.to_string() + ": " + std::strerror(errno) +
         (errno == ENOENT ? " (no key to remove)" : "");
}

}  // namespace closbgp::session
