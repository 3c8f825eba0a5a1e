// BGP unnumbered discovery: send IPv6 Router Advertisements with router
// lifetime 0 on each fabric link (so nobody installs a default route through
// us), and learn each neighbour's link-local address from the RAs it sends.
// A link starts with a Router Solicitation, which neighbours answer with an
// RA at once: a restarted node finds its peers in milliseconds, not at their
// next periodic RA.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/discovery/ra_schedule.h"
#include "bgpd/net/receive.h"
#include "bgpd/net/time_source.h"

namespace closbgp::discovery {

class RouterAdvertiser {
 public:
  // Called on the main loop for every valid RA: the link and the sender.
  using Learned = std::function<void(uint32_t ifindex, const asio::ip::address_v6& from)>;

  // Its socket on `io`; its timer and clock from `time` (the same loop).
  RouterAdvertiser(asio::io_context& io, net::TimeSource& time, Learned learned);
  ~RouterAdvertiser();

  // Opens the raw ICMPv6 socket (needs CAP_NET_RAW).
  std::expected<void, std::string> open();
  // Starts on a link: a solicitation and RAs as RaSchedule says.
  // Idempotent.
  void enable(uint32_t ifindex);
  void disable(uint32_t ifindex) { schedule_.disable(ifindex); }

 private:
  void receive();
  void on_datagram(const net::Datagram& d, std::span<const uint8_t> buf);
  // Sends what is due and arms the timer for the next.
  void tick();
  void arm();
  void send_ra(uint32_t ifindex);
  bool send_icmp(uint32_t ifindex, uint8_t type, const char* to);

  net::TimeSource& time_;
  Learned learned_;
  int fd_ = -1;
  asio::posix::stream_descriptor sd_;
  std::unique_ptr<net::Timer> timer_;
  RaSchedule schedule_;
};

}  // namespace closbgp::discovery
