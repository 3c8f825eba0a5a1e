// The kernel's link and address notifications (rtnetlink), so that
// interface neighbours and connected prefixes follow a link within
// milliseconds: a cable pulled stops its session at once, a new interface
// starts its neighbour at once. The periodic scan stays as the safety net
// (a lost notification, a kernel without the groups).
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "bgpd/asio.h"

namespace closbgp::discovery {

class LinkWatch {
 public:
  // `on_change` runs on the loop once per burst of notifications (a host
  // creating a hundred interfaces is one call), and once when some were
  // lost (the socket overflowed): it re-reads the interfaces itself.
  // `on_stopped` runs if the notifications stop (a socket error): nothing
  // follows the interfaces any more.
  LinkWatch(asio::io_context& io, std::function<void()> on_change,
            std::function<void()> on_stopped);

  // Subscribes and starts reading; an error says what failed.
  std::expected<void, std::string> start();

 private:
  void read();
  void changed();

  asio::io_context& io_;
  asio::posix::stream_descriptor socket_;
  std::vector<uint8_t> buffer_;
  std::function<void()> on_change_, on_stopped_;
  bool pending_ = false;  // on_change_ already posted for this burst
};

}  // namespace closbgp::discovery
