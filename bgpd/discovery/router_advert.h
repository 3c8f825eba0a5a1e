// BGP unnumbered discovery: send IPv6 Router Advertisements with router
// lifetime 0 on each fabric link (so nobody installs a default route through
// us), and learn each neighbour's link-local address from the RAs it sends.
// A link starts with a Router Solicitation, which neighbours answer with an
// RA at once: a restarted node finds its peers in milliseconds, not at their
// next periodic RA.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <span>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/net/receive.h"

namespace closbgp::discovery {

class RouterAdvertiser {
 public:
  // Called on the main loop for every valid RA: the link and the sender.
  using Learned = std::function<void(uint32_t ifindex, const asio::ip::address_v6& from)>;

  RouterAdvertiser(asio::io_context& io, Learned learned);
  ~RouterAdvertiser();

  // Opens the raw ICMPv6 socket (needs CAP_NET_RAW).
  std::expected<void, std::string> open();
  // Starts on a link: a solicitation, three RAs a second apart, then an RA
  // every `interval`, and one at once for a neighbour's solicitation (at
  // most one a second). Idempotent.
  void enable(uint32_t ifindex);
  void disable(uint32_t ifindex);

  static constexpr auto kInterval = std::chrono::seconds(10);

 private:
  struct Link {
    int fast_left = 3;
    bool solicited = false;  // our Router Solicitation went out
    std::chrono::steady_clock::time_point next;
    std::chrono::steady_clock::time_point answered;  // the last RA for a solicitation
  };
  void receive();
  void on_datagram(const net::Datagram& d, std::span<const uint8_t> buf);
  void tick();
  void send_ra(uint32_t ifindex);
  bool send_icmp(uint32_t ifindex, uint8_t type, const char* to);

  Learned learned_;
  int fd_ = -1;
  asio::posix::stream_descriptor sd_;
  asio::steady_timer timer_;
  std::map<uint32_t, Link> links_;
};

}  // namespace closbgp::discovery
