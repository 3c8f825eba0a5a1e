// The Speaker's side of the FIB: the engine's deltas into it, back-pressure
// on peers while its queue is long, and advertise-after-install (the FIB
// thread reports what the kernel has; the engine then advertises it).
#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {
namespace {

// FIB back-pressure: prefixes queued for the kernel.
constexpr size_t kBacklogHigh = 200000, kBacklogLow = 50000;
constexpr auto kBackpressurePoll = std::chrono::milliseconds(20);

}  // namespace

void Speaker::listen_to_fib() {
  if (!fib_) return;
  install_ = [fib = fib_](rib::RouteUpdate update) { return fib->apply(std::move(update)); };
  if (!cfg_.fib.advertise_after_install) return;
  // The FIB thread reports; the main loop advertises. The io_context
  // outlives both (a report racing ~Speaker posts a handler never run).
  fib_->report_installed([this, &io = io_](std::vector<wire::Prefix> prefixes, uint64_t through) {
    asio::post(io, [this, prefixes = std::move(prefixes), through] {
      rib_.installed(prefixes, through, advertiser_);
    });
  });
  session_logger()->info("advertise-after-install: a route goes to peers once the kernel has it");
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

}  // namespace closbgp::session
