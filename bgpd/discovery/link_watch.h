// The kernel's link and address notifications (rtnetlink), so that
// interface neighbours and connected prefixes follow a link within
// milliseconds: a cable pulled stops its session at once, a new interface
// starts its neighbour at once. The periodic scan stays as the safety net
// (a lost notification, a kernel without the groups).
//
// Where the daemon already listens to the kernel (the FIB's KernelWatch),
// LinkWatch is fed from that listener instead of opening a socket of its
// own: each subscribed socket costs the kernel work on every route it
// writes, in every namespace.
#pragma once

#include <atomic>
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

  LinkWatch(const LinkWatch&) = delete;
  LinkWatch& operator=(const LinkWatch&) = delete;
  ~LinkWatch();

  // Another listener that can pass link and address notifications on:
  // `follow(f)` has it call f (from any thread) after each burst, and
  // returns false if it cannot; `follow({})` unhooks.
  using Follow = std::function<bool(std::function<void()>)>;
  // Fed by `shared` when it can; otherwise subscribes a socket of its own
  // and starts reading. An error says what failed.
  std::expected<void, std::string> start(const Follow& shared = {});

 private:
  void read();
  void changed();  // any thread

  asio::io_context& io_;
  asio::posix::stream_descriptor socket_;
  std::vector<uint8_t> buffer_;
  std::function<void()> on_change_, on_stopped_;
  std::atomic<bool> pending_ = false;  // on_change_ already posted for this burst
  Follow fed_by_;                      // the listener that feeds it, if one does
};

}  // namespace closbgp::discovery
