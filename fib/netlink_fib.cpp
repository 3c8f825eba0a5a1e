#include "fib/netlink_fib.h"

#include <fstream>
#include <optional>

namespace closbgp::fib {
namespace {

// Settings without which the routes we install do not forward as an
// operator expects: logged once at start, not changed (they are the host's).
void check_kernel_settings(spdlog::logger& log) {
  auto read = [](const char* path) -> std::optional<int> {
    std::ifstream in(path);
    int v = 0;
    if (in >> v) return v;
    return std::nullopt;
  };
  if (read("/proc/sys/net/ipv4/ip_forward") == 0)
    log.warn("net.ipv4.ip_forward is 0: this node will not forward IPv4 traffic");
  if (read("/proc/sys/net/ipv6/conf/all/forwarding") == 0)
    log.warn("net.ipv6.conf.all.forwarding is 0: this node will not forward IPv6 traffic");
  if (auto policy = read("/proc/sys/net/ipv4/fib_multipath_hash_policy"); policy && *policy != 1)
    log.warn(
        "net.ipv4.fib_multipath_hash_policy is {}: ECMP hashes on addresses only; 1 (layer 4) "
        "spreads flows between the same hosts",
        *policy);
}

}  // namespace

NetlinkFib::NetlinkFib(NetlinkOptions options, std::shared_ptr<spdlog::logger> log)
    : options_(options), log_(std::move(log)), port_(options_.route) {}

NetlinkFib::~NetlinkFib() {
  watch_.reset();
  worker_.reset();
}

std::expected<void, std::string> NetlinkFib::start() {
  if (auto opened = port_.open(); !opened) return opened;
  auto mode = choose_nexthops();
  if (!mode) return std::unexpected(mode.error());
  port_.set_mode(*mode);
  worker_ = std::make_unique<FibWorker>(
      port_, Planner(kFirstObjectId, *mode),
      WorkerOptions{options_.repair, options_.audit_seconds, options_.retain_on_exit}, log_);
  check_kernel_settings(*log_);
  if (options_.repair) start_watching();
  adopt_previous_run();
  worker_->start();
  const auto& route = options_.route;
  const std::string audit = "an audit every " + std::to_string(options_.audit_seconds) + " s";
  const std::string repair =
      !options_.repair ? "left alone (repair: false)"
      : watch_ ? "repaired as they happen" + (options_.audit_seconds ? " and by " + audit : "")
      : options_.audit_seconds ? "repaired by " + audit
                               : "not repaired";
  log_->info("FIB: kernel table {}, metric {}, protocol {}{}{}{}; changes by others {}",
             route.table, route.metric, unsigned(route.protocol),
             *mode == KernelNexthops::Multipath ? ", routes carry their next hops" : "",
             route.resilient ? ", resilient groups" : "",
             options_.retain_on_exit ? "" : ", routes removed on exit", repair);
  return {};
}

// Nexthop objects where the kernel has them (and the operator did not say
// otherwise); routes that carry their next hops where it has not.
std::expected<KernelNexthops, std::string> NetlinkFib::choose_nexthops() {
  if (options_.nexthop_objects == false) return KernelNexthops::Multipath;
  auto probe = port_.probe_nexthop_objects();
  if (probe) return KernelNexthops::Objects;
  if (options_.nexthop_objects == true)
    return std::unexpected("fib.nexthop-objects is true, but the kernel has none (" +
                           probe.error() + "; they came with Linux 5.3)");
  log_->warn(
      "FIB: the kernel has no nexthop objects ({}); each route carries its next hops "
      "(RTA_MULTIPATH), so a lost link rewrites every route that used it",
      probe.error());
  if (options_.route.resilient) log_->warn("FIB: resilient groups need nexthop objects: ignored");
  return KernelNexthops::Multipath;
}

// Someone else's changes to ours, as the kernel reports them: the worker
// compares and repairs.
void NetlinkFib::start_watching() {
  watch_ = std::make_unique<KernelWatch>(
      port_.owned(), port_.port_id(),
      [this](const std::string& what) { worker_->changed_by_others(what); });
  if (auto watching = watch_->start(); !watching) {
    log_->warn(
        "FIB: cannot watch the kernel's routes ({}); changes by others are found by "
        "the audit only",
        watching.error());
    watch_.reset();
  }
}

bool NetlinkFib::follow_links(std::function<void()> on_links) {
  if (!watch_) return false;
  watch_->follow_links(std::move(on_links));
  return true;
}

// Routes a previous run left keep forwarding while we start: adopted, not
// rewritten, and reconciled once the RIB has its initial tables.
void NetlinkFib::adopt_previous_run() {
  auto installed = port_.read();
  if (!installed) {
    log_->warn("FIB: {}; routes of a previous run, if any, are replaced as they come",
               installed.error());
    return;
  }
  worker_->adopt(*installed);
}

}  // namespace closbgp::fib
