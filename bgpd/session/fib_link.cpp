#include "bgpd/session/fib_link.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

// Back-pressure: prefixes (and EVPN entries) queued for the kernel.
constexpr size_t kBacklogHigh = 200000, kBacklogLow = 50000;
constexpr auto kBackpressurePoll = std::chrono::milliseconds(20);

}  // namespace

FibLink::FibLink(asio::io_context& io, fib::Fib* fib) : io_(io), fib_(fib), poll_(io) {
  if (fib_)
    install_ = [this](const rib::TableId& table, rib::RouteUpdate update) -> uint64_t {
      if (table.is_default_vrf()) return fib_->apply(std::move(update));
      // The FIB writes the main table; a tenant VRF's kernel table is
      // EVPN's to wire. Said once per table, not per flush.
      if (unplaced_.insert(table).second)
        session_logger()->warn("table {}: no kernel table for VRF {}; its routes stay in the RIB",
                               rib::to_string(table), table.vrf);
      return 0;
    };
}

FibLink::~FibLink() {
  if (fib_) fib_->report_installed({});  // it may outlive us
}

void FibLink::report_installed(
    std::function<void(std::vector<wire::Prefix>, uint64_t)> on_installed) {
  if (!fib_) return;
  // The FIB thread reports; the main loop acts. The io_context outlives
  // both (a report racing our destruction posts a handler never run).
  fib_->report_installed([&io = io_, on_installed = std::move(on_installed)](
                             std::vector<wire::Prefix> prefixes, uint64_t through) {
    asio::post(io, [on_installed, prefixes = std::move(prefixes), through]() mutable {
      on_installed(std::move(prefixes), through);
    });
  });
  session_logger()->info("advertise-after-install: a route goes to peers once the kernel has it");
}

void FibLink::apply_backpressure(std::function<void(bool)> pause) {
  if (!fib_ && !other_) return;
  const size_t backlog = (fib_ ? fib_->backlog() : 0) + (other_ ? other_() : 0);
  const bool now = paused_ ? backlog > kBacklogLow : backlog > kBacklogHigh;
  if (now != paused_) {
    paused_ = now;
    session_logger()->info("kernel backlog {} prefixes and EVPN entries: {} reading from peers",
                           backlog, now ? "pausing" : "resuming");
    pause(now);
  }
  if (!paused_) return;
  poll_.expires_after(kBackpressurePoll);
  poll_.async_wait([this, pause = std::move(pause)](const boost::system::error_code& ec) {
    if (!ec) apply_backpressure(pause);
  });
}

}  // namespace closbgp::session
