// The Speaker's side of the FIB: what the kernel should hold for changed
// prefixes, back-pressure on peers while the FIB's queue is long, and
// advertise-after-install (a route goes to peers only once the kernel has it).
#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {
namespace {

// FIB back-pressure: prefixes queued for the kernel.
constexpr size_t kBacklogHigh = 200000, kBacklogLow = 50000;
constexpr auto kBackpressurePoll = std::chrono::milliseconds(20);

}  // namespace

void Speaker::listen_to_fib() {
  if (!fib_ || !cfg_.fib.advertise_after_install) return;
  // The FIB thread reports; the main loop advertises. The io_context
  // outlives both (a report racing ~Speaker posts a handler never run).
  fib_->report_installed([this, &io = io_](std::vector<wire::Prefix> prefixes, uint64_t through) {
    asio::post(
        io, [this, prefixes = std::move(prefixes), through] { fib_installed(prefixes, through); });
  });
  session_logger()->info("advertise-after-install: a route goes to peers once the kernel has it");
}

std::vector<wire::Prefix> Speaker::send_to_fib(const std::vector<wire::Prefix>& changed) {
  // Stopping, the sessions' ends must not empty the kernel: its routes
  // keep forwarding while we restart (and the FIB adopts them again).
  if (!fib_ || stopping_) return changed;
  auto update = fib_update(changed);
  if (!cfg_.fib.advertise_after_install) {
    fib_->apply(std::move(update));
    return changed;
  }
  // What goes into the kernel waits for it; removals and what the kernel
  // never holds (our own routes) go to peers now.
  std::vector<wire::Prefix> held;
  held.reserve(update.upsert.size());
  for (const auto& [prefix, set] : update.upsert) held.push_back(prefix);
  for (const auto& prefix : update.remove) awaiting_install_.erase(prefix);
  const uint64_t sequence = fib_->apply(std::move(update));
  for (const auto& prefix : held) *awaiting_install_.try_emplace(prefix).first = sequence;
  std::vector<wire::Prefix> now;
  now.reserve(changed.size() - held.size());
  for (const auto& prefix : changed)
    if (!awaiting_install_.contains(prefix)) now.push_back(prefix);
  return now;
}

void Speaker::fib_installed(const std::vector<wire::Prefix>& prefixes, uint64_t through) {
  std::vector<wire::Prefix> ready;
  for (const auto& prefix : prefixes) {
    const uint64_t* waiting = awaiting_install_.find(prefix);
    // A later change of the prefix is still on its way to the kernel.
    if (!waiting || *waiting > through) continue;
    awaiting_install_.erase(prefix);
    ready.push_back(prefix);
  }
  if (ready.empty()) return;
  for (auto& [key, group] : groups_) group->export_changes(ready, rib_, aggregation_);
}

bool Speaker::awaiting_install(const wire::Prefix& prefix) const {
  return awaiting_install_.contains(prefix);
}

void Speaker::apply_backpressure() {
  if (!fib_) return;
  const size_t backlog = fib_->backlog();
  const bool pause = reading_paused_ ? backlog > kBacklogLow : backlog > kBacklogHigh;
  if (pause != reading_paused_) {
    reading_paused_ = pause;
    session_logger()->info("FIB backlog {} prefixes: {} reading from peers", backlog,
                           pause ? "pausing" : "resuming");
    for (auto& [name, p] : peers_) p->pause_reading(pause);
  }
  if (!reading_paused_) return;
  backpressure_timer_.expires_after(kBackpressurePoll);
  backpressure_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) apply_backpressure();
  });
}

// The ECMP set of each prefix as links and gateways. Originated prefixes are
// not installed (they are the node's own), nor paths whose next hop is not
// the neighbour itself on its link (a third-party or multihop next hop needs
// recursive resolution, not done yet).
fib::RouteUpdate Speaker::fib_update(const std::vector<wire::Prefix>& prefixes) const {
  fib::RouteUpdate u;
  for (const auto& prefix : prefixes) {
    std::vector<fib::NextHop> set;
    if (const auto* e = rib_.find(prefix); e && e->best().source.peer_id != rib::kLocalSource) {
      for (uint16_t i : e->multipath()) {
        const rib::Path& path = e->path(i);
        const auto& nh = path.next_hop;
        if (path.source.ifindex == 0 || (!nh.link_local && nh.address != path.source.peer_address))
          continue;
        set.push_back({path.source.ifindex, nh.link_local.value_or(nh.address)});
      }
    }
    if (set.empty())
      u.remove.push_back(prefix);
    else
      u.upsert.emplace_back(prefix, std::move(set));
  }
  return u;
}

}  // namespace closbgp::session
