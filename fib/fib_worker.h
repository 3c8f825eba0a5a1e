// The FIB's work, apart from how the kernel is spoken to: updates are
// queued and coalesced (the latest wins per prefix) while the main thread
// keeps parsing, then planned (fib/planner.h) and written through a
// KernelPort on the FIB's own thread. It also keeps a previous run's
// routes forwarding until release() (adoption), puts back what others
// change (repair, on notice and by a periodic audit), reports installed
// prefixes (advertise-after-install) and the backlog (back-pressure).
//
// Tests run it without its thread: apply(), then drain() or audit() does
// on the caller's thread what the thread would.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "fib/fib.h"
#include "fib/kernel_port.h"
#include "fib/planner.h"
#include "fib/update_queue.h"

namespace closbgp::fib {

struct WorkerOptions {
  bool repair = true;           // put back what others change
  uint32_t audit_seconds = 60;  // and compare this often (0: only on notice)
  bool retain_on_exit = true;   // routes stay in the kernel when it stops
};

class FibWorker final : public Fib {
 public:
  // `kernel` outlives it; `log`: the daemon's "fib" logger.
  FibWorker(KernelPort& kernel, Planner planner, WorkerOptions options,
            std::shared_ptr<spdlog::logger> log);
  ~FibWorker() override;  // routes stay in the kernel unless !retain_on_exit
  FibWorker(const FibWorker&) = delete;
  FibWorker& operator=(const FibWorker&) = delete;

  // Routes a previous run left: kept forwarding, not rewritten, and
  // reconciled at the first write after release(). Before start().
  void adopt(const Installed& installed);
  // Its thread: writes as updates come, audits, repairs.
  void start();
  // Someone else changed ours (KernelWatch, any thread): compare and repair.
  void changed_by_others(const std::string& what);
  // What the thread does when woken: a repair asked for (once nothing is
  // queued), or the queued updates. Returns false when there was nothing.
  bool drain();
  // Compares the kernel with what we wrote and puts back what differs.
  void audit();
  // The periodic audit at `now` (the thread passes its clock's time, a test
  // its own): the first call sets the first deadline; a call at or after
  // the deadline audits (unless a previous run's routes are still held)
  // and sets the next. Returns the next deadline; nullopt without periodic
  // audits (audit_seconds 0, or repair off).
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> audit_if_due(Clock::time_point now);

  uint64_t apply(rib::RouteUpdate update) override;
  uint64_t last_applied() const override;
  bool written_through(uint64_t sequence) const override;
  void report_installed(OnInstalled on_installed) override;
  void release() override;
  bool kept_previous_run() const override { return kept_previous_run_; }
  std::expected<Installed, std::string> read_kernel() const override { return kernel_.read(); }
  FibStatus status() const override;
  size_t backlog() const override;
  void expect(wire::Afi afi, size_t routes) override;
  // How many routes of `afi` the planner holds before its table grows
  // (for tests: a size hint's effect, once drain() has run).
  size_t room(wire::Afi afi) const;

 private:
  void run();
  KernelPort::Written write(const std::vector<Op>& ops);
  // Tells report_installed()'s listener, if any, of prefixes installed.
  void report(std::vector<wire::Prefix> prefixes, uint64_t through);
  bool reporting() const;
  void write_batch(Batch& work, uint64_t through);

  KernelPort& kernel_;
  WorkerOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  Planner planner_;  // FIB thread only
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  UpdateQueue queue_;
  bool holding_ = false;               // a previous run's routes wait for release()
  bool kept_previous_run_ = false;     // set once, before start
  std::vector<wire::Prefix> adopted_;  // its prefixes, until the first write after
  bool stopping_ = false;
  bool repair_due_ = false;  // someone else changed what we wrote
  std::string repair_why_;
  size_t in_progress_ = 0;        // prefixes of the batch being written
  uint64_t applied_ = 0;          // apply()'s sequence numbers: the last given
  uint64_t written_through_ = 0;  // every update up to it written (set on the FIB thread)
  OnInstalled on_installed_;
  FibStatus status_;
  std::optional<Clock::time_point> next_audit_;  // FIB thread (or the test's)
  size_t untrimmed_ = 0;  // prefixes written since memory was last handed back (FIB thread)
  // expect()'s hints, by wire::Family, for the FIB thread to apply to the
  // planner before it next plans.
  std::array<size_t, 2> expected_{};
};

}  // namespace closbgp::fib
