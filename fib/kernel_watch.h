// Watches the kernel's route and nexthop notifications for changes to our
// routes and objects made by someone else (an operator's `ip route del`,
// another daemon), so that the FIB puts them back at once instead of at the
// next audit. Our own changes carry our socket's port id and are dropped
// in the kernel; the kernel's own (port 0: a link went down and took its
// nexthops with it, which the RIB follows) are ignored. A link coming up
// counts as a change: what the kernel dropped with it goes back. Lost
// notifications (the socket overflowed) count too: the FIB then
// resynchronises in full. Runs its own thread; the callback is called there.
//
// It also hears links and addresses come and go, and passes that on to
// whoever follows them (the speaker's discovery::LinkWatch): one socket
// instead of two per daemon, since the kernel offers each route it writes,
// in any namespace, to every subscribed netlink socket of every namespace.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "fib/kernel_state.h"

namespace closbgp::fib {

class KernelWatch {
 public:
  using OnChange = std::function<void(const std::string& what)>;
  // `own_port`: the netlink port id of the socket our writes go through.
  KernelWatch(OwnedRange ours, uint32_t own_port, OnChange on_change);
  ~KernelWatch();
  KernelWatch(const KernelWatch&) = delete;
  KernelWatch& operator=(const KernelWatch&) = delete;

  std::expected<void, std::string> start();
  // `on_links` is called on its thread after each read that held link or
  // address notifications, or when some were lost; an empty one stops it
  // (and returns once no call is running).
  void follow_links(std::function<void()> on_links);

 private:
  void run();
  void links_changed();
  // What a notification changed of ours, or an empty string.
  std::string foreign_change(const uint8_t* msg, size_t len);

  OwnedRange ours_;
  uint32_t own_port_;
  OnChange on_change_;
  int fd_ = -1;
  std::map<int, bool> link_up_;  // by ifindex, as last notified (watcher thread only)
  std::mutex links_mu_;
  std::function<void()> on_links_;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

}  // namespace closbgp::fib
