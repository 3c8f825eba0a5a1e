#include "bgpd/discovery/router_advert.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "bgpd/log/log.h"

namespace closbgp::discovery {
namespace {

constexpr int kHopLimit = 255;  // RFC 4861 sec. 6.1.2: only 255 is valid

std::array<uint8_t, 6> mac_of(uint32_t ifindex) {
  std::array<uint8_t, 6> mac{};
  char name[IF_NAMESIZE] = {};
  if (!if_indextoname(ifindex, name)) return mac;
  const int s = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return mac;
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name, IF_NAMESIZE);
  if (ioctl(s, SIOCGIFHWADDR, &ifr) == 0) std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, 6);
  ::close(s);
  return mac;
}

}  // namespace

RouterAdvertiser::RouterAdvertiser(asio::io_context& io, net::TimeSource& time, Learned learned)
    : time_(time), learned_(std::move(learned)), sd_(io), timer_(time.timer()) {}

RouterAdvertiser::~RouterAdvertiser() {
  timer_->cancel();
  if (sd_.is_open()) sd_.close();  // closes fd_
}

std::expected<void, std::string> RouterAdvertiser::open() {
  fd_ = ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd_ < 0)
    return std::unexpected(
        std::string("cannot open raw ICMPv6 socket for Router Advertisements: ") +
        std::strerror(errno) + " (needs CAP_NET_RAW)");
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &filter);
  ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
  setsockopt(fd_, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  const int off = 0, hops = kHopLimit;
  net::request_packet_info(fd_);
  setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
  setsockopt(fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
  setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off);
  sd_.assign(fd_);
  receive();
  tick();
  return {};
}

void RouterAdvertiser::enable(uint32_t ifindex) {
  if (!schedule_.enable(ifindex, time_.now()) || fd_ < 0) return;
  send_ra(ifindex);
  arm();
}

void RouterAdvertiser::receive() {
  sd_.async_wait(asio::posix::stream_descriptor::wait_read,
                 [this](const boost::system::error_code& ec) {
                   if (ec) return;
                   std::array<uint8_t, 1500> buf;
                   while (auto d = net::receive(fd_, buf)) on_datagram(*d, buf);
                   receive();
                 });
}

// RFC 4861 sec. 6.1.1 and 6.1.2: hop limit 255, code 0, at least 8 (RS) or
// 16 (RA) octets, link-local source. Anything else is not a neighbour's.
// A solicitation names its sender as well as an advertisement does.
void RouterAdvertiser::on_datagram(const net::Datagram& d, std::span<const uint8_t> buf) {
  const bool solicit = d.size >= 1 && buf[0] == ND_ROUTER_SOLICIT;
  if (d.size < (solicit ? 8u : 16u) || buf[1] != 0 || d.ttl != kHopLimit ||
      !IN6_IS_ADDR_LINKLOCAL(&d.from.sin6_addr))
    return;
  if (!schedule_.enabled(d.ifindex)) return;
  if (solicit && schedule_.answer(d.ifindex, time_.now())) {
    send_ra(d.ifindex);
    arm();
  }
  asio::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), &d.from.sin6_addr, 16);
  learned_(d.ifindex, asio::ip::address_v6(bytes, d.ifindex));
}

void RouterAdvertiser::tick() {
  for (uint32_t ifindex : schedule_.due(time_.now())) send_ra(ifindex);
  arm();
}

void RouterAdvertiser::arm() {
  if (auto next = schedule_.next())
    timer_->arm(*next, [this] { tick(); });
  else
    timer_->cancel();
}

// An RA (router lifetime 0: we are a BGP neighbour, not a default router)
// or an RS, with our link-layer address; fails while the link-local address
// is still tentative (DAD).
bool RouterAdvertiser::send_icmp(uint32_t ifindex, uint8_t type, const char* to) {
  const size_t header = type == ND_ROUTER_ADVERT ? 16 : 8;
  std::array<uint8_t, 24> msg{};
  msg[0] = type;
  msg[header] = ND_OPT_SOURCE_LINKADDR;
  msg[header + 1] = 1;  // in units of 8 octets
  const auto mac = mac_of(ifindex);
  std::memcpy(&msg[header + 2], mac.data(), mac.size());
  sockaddr_in6 dst{};
  dst.sin6_family = AF_INET6;
  inet_pton(AF_INET6, to, &dst.sin6_addr);
  dst.sin6_scope_id = ifindex;
  const size_t size = header + 8;
  return ::sendto(fd_, msg.data(), size, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) ==
         ssize_t(size);
}

void RouterAdvertiser::send_ra(uint32_t ifindex) {
  if (schedule_.needs_solicitation(ifindex) && send_icmp(ifindex, ND_ROUTER_SOLICIT, "ff02::2"))
    schedule_.solicitation_sent(ifindex);
  schedule_.advertised(ifindex, send_icmp(ifindex, ND_ROUTER_ADVERT, "ff02::1"), time_.now());
}

}  // namespace closbgp::discovery
