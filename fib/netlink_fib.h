// The kernel FIB over rtnetlink: a NetlinkPort (messages to the kernel),
// a FibWorker that drives it on its own thread (queue, plan, adoption,
// repair), and a KernelWatch that tells the worker when someone else
// changed our routes. This class chooses how next hops are written, checks
// the host's forwarding settings, and wires the three at start.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "fib/fib.h"
#include "fib/fib_worker.h"
#include "fib/kernel_watch.h"
#include "fib/netlink_port.h"

namespace closbgp::fib {

struct NetlinkOptions {
  RouteAttributes route;  // table, metric, protocol, resilient groups
  // Nexthop objects and groups (true), routes that carry their next hops
  // (false: RTA_MULTIPATH), or objects where the kernel has them (unset).
  std::optional<bool> nexthop_objects;
  bool retain_on_exit = true;
  // Put back what others change: at once from the kernel's notifications,
  // and by comparing every `audit_seconds` (0: only at once).
  bool repair = true;
  uint32_t audit_seconds = 60;
};

class NetlinkFib {
 public:
  // `log`: where it says what it does (the daemon's "fib" logger).
  NetlinkFib(NetlinkOptions options, std::shared_ptr<spdlog::logger> log);
  ~NetlinkFib();  // routes stay in the kernel unless !retain_on_exit
  NetlinkFib(const NetlinkFib&) = delete;
  NetlinkFib& operator=(const NetlinkFib&) = delete;

  std::expected<void, std::string> start();
  // What the RIB installs through; valid after start() succeeded.
  Fib& fib() { return *worker_; }
  // Passes the kernel's link and address notifications on (KernelWatch's
  // follow_links()) if it watches the kernel; false if it does not.
  bool follow_links(std::function<void()> on_links);

 private:
  std::expected<KernelNexthops, std::string> choose_nexthops();
  void start_watching();
  void adopt_previous_run();

  NetlinkOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  NetlinkPort port_;
  std::unique_ptr<FibWorker> worker_;   // writes through port_
  std::unique_ptr<KernelWatch> watch_;  // calls into worker_: stopped first
};

}  // namespace closbgp::fib
