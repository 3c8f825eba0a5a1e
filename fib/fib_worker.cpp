#include "fib/fib_worker.h"

#include "bgpd/log/log.h"
#include "containers/prefix_map.h"

#include <malloc.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace closbgp::fib {
namespace {

// A write that fails wholesale (a missing nexthop under 100,000 routes)
// logs this many errors, then a count.
constexpr size_t kErrorsLoggedPerWrite = 10;
// Prefixes in a batch after which freed memory is returned to the system.
constexpr size_t kTrimAfter = 10000;
// After a change by someone else, wait this long before comparing: a
// `ip route flush` changes many routes one notification at a time.
constexpr auto kRepairSettle = std::chrono::milliseconds(100);

// The prefix a route operation sets, if it is one.
std::optional<wire::Prefix> route_of(const Op& o) {
  if (auto* r = std::get_if<op::SetRoute>(&o)) return r->prefix;
  if (auto* v = std::get_if<op::SetRouteVia>(&o)) return v->prefix;
  return std::nullopt;
}

// The prefixes whose route operation the kernel refused.
std::set<wire::Prefix> refused_routes(const std::vector<Op>& ops,
                                      const KernelPort::Written& written) {
  std::set<wire::Prefix> out;
  for (const auto& [i, why] : written.failed)
    if (auto p = route_of(ops[i])) out.insert(*p);
  return out;
}

// What one batch's writes did, chunk by chunk: for the debug line, the
// installed prefixes' report and the log of the first write after a
// restart. A batch holds each prefix once, so counting its route
// operations counts prefixes.
struct BatchTally {
  size_t operations = 0;
  bool complete = true;            // no reply lost
  std::set<wire::Prefix> refused;  // routes the kernel refused
  bool reconciling = false;
  size_t written = 0, removed = 0;  // routes, when reconciling
  containers::PrefixSet touched;    // their prefixes

  void add(const std::vector<Op>& ops, const KernelPort::Written& w) {
    operations += ops.size();
    complete = complete && w.complete;
    refused.merge(refused_routes(ops, w));
    if (!reconciling) return;
    for (const auto& o : ops) {
      std::optional<wire::Prefix> p = route_of(o);
      written += p.has_value();
      if (auto* d = std::get_if<op::DelRoute>(&o)) {
        p = d->prefix;
        ++removed;
      }
      if (p) touched.try_emplace(*p);
    }
  }
  // How the first write after a restart went.
  std::string reconcile_summary(const std::vector<wire::Prefix>& adopted) const {
    const auto kept =
        std::ranges::count_if(adopted, [&](const auto& p) { return !touched.contains(p); });
    return std::to_string(kept) + " of the previous run's " + std::to_string(adopted.size()) +
           " routes left as they were, " + std::to_string(written) + " written, " +
           std::to_string(removed) + " removed";
  }
};

}  // namespace

FibWorker::FibWorker(KernelPort& kernel, Planner planner, WorkerOptions options,
                     std::shared_ptr<spdlog::logger> log)
    : kernel_(kernel), options_(options), log_(std::move(log)), planner_(std::move(planner)) {}

FibWorker::~FibWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!options_.retain_on_exit) {
    log_->info("FIB: removing our {} routes (retain-on-exit: false)", planner_.routes());
    rib::RouteUpdate none;
    none.remove = planner_.prefixes();
    write(planner_.plan(std::move(none)));
  }
}

void FibWorker::adopt(const Installed& installed) {
  if (installed.empty()) return;
  for (const auto& [prefix, id] : installed.routes) adopted_.push_back(prefix);
  for (const auto& [prefix, set] : installed.multipath_routes) adopted_.push_back(prefix);
  log_->info(
      "FIB: {} routes, {} groups and {} nexthops of a previous run are kept forwarding; "
      "reconciled once the neighbours' initial tables are in",
      adopted_.size(), installed.groups.size(), installed.nexthops.size());
  planner_.adopt(installed);
  holding_ = true;
  kept_previous_run_ = true;
}

void FibWorker::start() {
  audit_if_due(Clock::now());
  thread_ = std::thread([this] { run(); });
}

std::optional<FibWorker::Clock::time_point> FibWorker::audit_if_due(Clock::time_point now) {
  if (options_.audit_seconds == 0 || !options_.repair) return std::nullopt;
  const auto interval = std::chrono::seconds(options_.audit_seconds);
  if (next_audit_ && now < *next_audit_) return next_audit_;
  const bool first = !next_audit_;
  next_audit_ = now + interval;
  bool holding;
  {
    std::lock_guard lock(mu_);
    holding = holding_;  // a previous run's routes are not ours to judge yet
  }
  if (!first && !holding) audit();
  return next_audit_;
}

void FibWorker::changed_by_others(const std::string& what) {
  {
    std::lock_guard lock(mu_);
    if (!repair_due_) repair_why_ = what;
    repair_due_ = true;
  }
  cv_.notify_one();
}

void FibWorker::release() {
  {
    std::lock_guard lock(mu_);
    if (!holding_) return;
    holding_ = false;
  }
  cv_.notify_one();
}

uint64_t FibWorker::apply(rib::RouteUpdate update) {
  uint64_t sequence;
  {
    std::lock_guard lock(mu_);
    queue_.push(std::move(update));
    sequence = ++applied_;
  }
  cv_.notify_one();
  return sequence;
}

uint64_t FibWorker::last_applied() const {
  std::lock_guard lock(mu_);
  return applied_;
}

bool FibWorker::written_through(uint64_t sequence) const {
  std::lock_guard lock(mu_);
  return !holding_ && adopted_.empty() && written_through_ >= sequence;
}

void FibWorker::report_installed(OnInstalled on_installed) {
  std::lock_guard lock(mu_);
  on_installed_ = std::move(on_installed);
}

void FibWorker::report(std::vector<wire::Prefix> prefixes, uint64_t through) {
  OnInstalled listener;
  {
    std::lock_guard lock(mu_);
    listener = on_installed_;
  }
  if (listener && !prefixes.empty()) listener(std::move(prefixes), through);
}

bool FibWorker::reporting() const {
  std::lock_guard lock(mu_);
  return bool(on_installed_);
}

size_t FibWorker::backlog() const {
  std::lock_guard lock(mu_);
  // Held routes are not a backlog: reading from peers goes on meanwhile.
  return holding_ ? 0 : queue_.size() + in_progress_ + adopted_.size();
}

void FibWorker::expect(wire::Afi afi, size_t routes) {
  std::lock_guard lock(mu_);
  size_t& hint = expected_[size_t(wire::family_of(afi))];
  hint = std::max(hint, routes);
}

size_t FibWorker::room(wire::Afi afi) const {
  return planner_.room(afi);
}

FibStatus FibWorker::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

// Someone else may have deleted or changed our routes and objects (an
// operator's `ip route del`, another daemon): when the queue is quiet,
// compare the kernel with what we wrote and put it back.
void FibWorker::audit() {
  auto installed = kernel_.read();
  if (!installed) return log_->warn("FIB: cannot compare with the kernel: {}", installed.error());
  const auto ops = planner_.repair(*installed);
  if (ops.empty()) return;
  log_->warn(
      "FIB: the kernel differs from what we wrote (changed by someone else); {} operations put "
      "it back, the first: {}",
      ops.size(), describe(ops.front()));
  const auto written = write(ops);
  {
    std::lock_guard lock(mu_);
    status_.repairs += ops.size();
  }
  // A route the kernel refused before may be there now.
  if (!reporting()) return;
  const auto refused = refused_routes(ops, written);
  std::vector<wire::Prefix> put_back;
  for (const auto& o : ops)
    if (auto p = route_of(o); p && !refused.contains(*p)) put_back.push_back(*p);
  report(std::move(put_back), written_through_);
}

void FibWorker::run() {
  for (;;) {
    bool repairing;
    {
      std::unique_lock lock(mu_);
      const auto ready = [this] {
        return stopping_ || (!holding_ && (!queue_.empty() || !adopted_.empty() || repair_due_));
      };
      if (!next_audit_) {
        cv_.wait(lock, ready);
      } else if (!cv_.wait_until(lock, *next_audit_, ready)) {
        lock.unlock();
        audit_if_due(Clock::now());
        continue;
      }
      if (stopping_) return;
      repairing = repair_due_ && queue_.empty() && adopted_.empty();
    }
    if (repairing) std::this_thread::sleep_for(kRepairSettle);  // let the rest of a burst arrive
    drain();
  }
}

bool FibWorker::drain() {
  Batch work;
  uint64_t through = 0;           // every update up to it is in `work`
  std::array<size_t, 2> hints{};  // expect()'s, applied before planning
  {
    std::unique_lock lock(mu_);
    if (holding_) return false;
    if (repair_due_ && queue_.empty() && adopted_.empty()) {
      repair_due_ = false;
      const std::string why = std::move(repair_why_);
      lock.unlock();
      log_->info("FIB: {}: comparing the kernel with what we wrote", why);
      audit();
      return true;
    }
    if (queue_.empty() && adopted_.empty()) return false;
    // The first write after a restart: what the new table lacks goes.
    for (const auto& prefix : adopted_) queue_.remove_unless_queued(prefix);
    work = queue_.take();
    in_progress_ = work.size();
    through = applied_;
    hints = std::exchange(expected_, {});
  }
  for (auto family : wire::kAllFamilies)
    if (const size_t n = hints[size_t(family)]) planner_.reserve(wire::afi_of(family), n);
  write_batch(work, through);
  return true;
}

void FibWorker::write_batch(Batch& work, uint64_t through) {
  const auto began = std::chrono::steady_clock::now();
  BatchTally tally;
  tally.reconciling = !adopted_.empty();
  planner_.plan(work, [&](std::vector<Op>& ops) { tally.add(ops, write(ops)); });
  if (!tally.complete) {
    log_->warn("FIB: some of the kernel's replies were lost; comparing it with the RIB");
    audit();
  }
  if (reporting()) {
    std::vector<wire::Prefix> held;
    for (const auto& [prefix, set] : work.entries)
      if (set != Batch::kRemove && !tally.refused.contains(prefix)) held.push_back(prefix);
    report(std::move(held), through);
  }
  using ms = std::chrono::milliseconds;
  log_->debug("FIB: {} prefixes: {} operations planned and written in {} ms", work.size(),
              tally.operations,
              std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - began).count());
  if (tally.reconciling) log_->info("FIB: reconciled: {}", tally.reconcile_summary(adopted_));
  bool quiet;
  {
    std::lock_guard lock(mu_);
    written_through_ = through;
    adopted_.clear();
    in_progress_ = 0;
    status_.routes = planner_.routes();
    status_.groups = planner_.groups();
    status_.nexthops = planner_.nexthops();
    quiet = queue_.empty();
  }
  // A burst leaves megabytes of freed queue and message buffers in this
  // thread's and the main thread's malloc arenas; hand them back to the
  // system once it is over (counted over the burst's batches: its last
  // one may be small), not keep them.
  untrimmed_ += work.size();
  if (quiet && untrimmed_ >= kTrimAfter) {
    work = {};
    untrimmed_ = 0;
    malloc_trim(0);
  }
}

KernelPort::Written FibWorker::write(const std::vector<Op>& ops) {
  if (ops.empty()) return {};
  auto written = kernel_.write(ops);
  const size_t failures = written.failed.size();
  for (size_t i = 0; i < std::min(failures, kErrorsLoggedPerWrite); ++i) {
    const Op& failed = ops[written.failed[i].first];
    const std::string prefix = prefix_of(failed);
    const log::PrefixScope about(prefix);
    log_->error("FIB: {}: {}", describe(failed), written.failed[i].second);
  }
  const std::string last_error =
      failures ? describe(ops[written.failed.back().first]) + ": " + written.failed.back().second
               : "";
  if (failures > kErrorsLoggedPerWrite)
    log_->error("FIB: {} more errors in this write of {} operations, the last: {}",
                failures - kErrorsLoggedPerWrite, ops.size(), last_error);
  std::lock_guard lock(mu_);
  status_.operations += ops.size();
  status_.errors += failures;
  status_.sends += written.sends;
  if (failures > 0) status_.last_error = last_error;
  return written;
}

}  // namespace closbgp::fib
