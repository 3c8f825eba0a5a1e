// The kernel FIB over rtnetlink, on its own thread: updates are queued and
// coalesced (the latest wins per prefix) while the main thread keeps
// parsing, then planned (fib/planner.h) and written as nexthop objects,
// groups and routes with our protocol number.
#pragma once

#include <condition_variable>
#include <expected>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "fib/fib.h"
#include "fib/kernel_state.h"
#include "fib/kernel_watch.h"
#include "fib/netlink_batch.h"
#include "fib/planner.h"
#include "fib/update_queue.h"

struct nl_sock;
struct nl_msg;

namespace closbgp::fib {

struct NetlinkOptions {
  uint32_t table = 254;  // main
  uint32_t metric = 20;
  uint8_t protocol = 186;  // "bgp", as FRR's zebra
  bool resilient = false;  // resilient groups (kernel 5.13+), kResilientBuckets buckets
  // Nexthop objects and groups (true), routes that carry their next hops
  // (false: RTA_MULTIPATH), or objects where the kernel has them (unset).
  std::optional<bool> nexthop_objects;
  bool retain_on_exit = true;
  // Put back what others change: at once from the kernel's notifications,
  // and by comparing every `audit_seconds` (0: only at once).
  bool repair = true;
  uint32_t audit_seconds = 60;
};

class NetlinkFib final : public Fib {
 public:
  // `log`: where it says what it does (the daemon's "fib" logger).
  NetlinkFib(NetlinkOptions options, std::shared_ptr<spdlog::logger> log);
  ~NetlinkFib() override;  // routes stay in the kernel unless !retain_on_exit

  std::expected<void, std::string> start();
  uint64_t apply(rib::RouteUpdate update) override;
  void report_installed(OnInstalled on_installed) override;
  void release() override;
  bool kept_previous_run() const override { return kept_previous_run_; }
  std::expected<Installed, std::string> read_kernel() const override;
  FibStatus status() const override;
  size_t backlog() const override;

 private:
  std::expected<void, std::string> choose_nexthops();
  void adopt_previous_run();
  void start_watching();
  void audit_kernel();
  OwnedRange owned() const;
  void run();
  struct Written {
    bool complete = true;        // false: the kernel's replies were lost; compare it
    std::vector<size_t> failed;  // indices of the operations the kernel refused
  };
  Written write(const std::vector<Op>& ops);
  // Tells report_installed()'s listener, if any, of prefixes installed.
  void report(std::vector<wire::Prefix> prefixes, uint64_t through);
  bool reporting() const;
  nl_msg* message_for(const Op& op) const;  // the caller frees it

  NetlinkOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  KernelNexthops mode_ = KernelNexthops::Objects;  // set by start()
  nl_sock* sock_ = nullptr;
  Planner planner_;  // FIB thread only
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  UpdateQueue queue_;
  bool holding_ = false;               // a previous run's routes wait for release()
  bool kept_previous_run_ = false;     // set once at start
  std::vector<wire::Prefix> adopted_;  // its prefixes, until the first write after
  bool stopping_ = false;
  // Someone else changed what we wrote (KernelWatch): compare and repair.
  bool repair_due_ = false;
  std::string repair_why_;
  size_t in_progress_ = 0;        // prefixes of the batch being written
  uint64_t applied_ = 0;          // apply()'s sequence numbers: the last given
  uint64_t written_through_ = 0;  // every update up to it written (FIB thread)
  OnInstalled on_installed_;
  FibStatus status_;
  std::unique_ptr<NetlinkBatch> batch_;  // writes on sock_ (FIB thread, or after it)
  std::unique_ptr<KernelWatch> watch_;   // calls back into the above: stopped first
};

}  // namespace closbgp::fib
