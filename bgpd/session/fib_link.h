// The Speaker's link to the FIB thread: the engine's deltas go in through
// installer(); with advertise-after-install the FIB's reports of what the
// kernel now holds come back to the main loop; and while the FIB's queue
// is long, reading from peers stops so that TCP pushes back instead of
// memory growing (a leaf's EVPN entries waiting for the kernel count too).
#pragma once

#include <functional>
#include <set>
#include <vector>

#include "bgpd/asio.h"
#include "fib/fib.h"
#include "rib/rib.h"

namespace closbgp::session {

class FibLink {
 public:
  // `fib`: nullptr runs the control plane only.
  FibLink(asio::io_context& io, fib::Fib* fib);
  ~FibLink();

  // `on_installed(prefixes, through)` runs on the main loop for each report.
  void report_installed(std::function<void(std::vector<wire::Prefix>, uint64_t)> on_installed);
  // What Rib::flush() hands its deltas to; nullptr without a FIB.
  const rib::Rib::Installer* installer() const { return fib_ ? &install_ : nullptr; }
  // Pauses (`pause(true)`) reading while the backlog is above the
  // high-water mark, and resumes below the low one; polls while paused.
  void apply_backpressure(std::function<void(bool)> pause);
  // A neighbour's size hint (rib::Rib::session_up's): the FIB makes room.
  void expect(const rib::FamilyCounts& routes) {
    if (!fib_) return;
    for (auto afi : rib::FamilyCounts::kAfis)
      if (routes[afi]) fib_->expect(afi, routes[afi]);
  }
  // Another kernel writer's queue, in entries, counted in the backlog.
  void add_backlog(std::function<size_t()> other) { other_ = std::move(other); }

 private:
  asio::io_context& io_;
  fib::Fib* fib_;
  std::function<size_t()> other_;
  rib::Rib::Installer install_;
  std::set<rib::TableId> unplaced_;  // tables the FIB has no kernel table for
  bool paused_ = false;
  asio::steady_timer poll_;
};

}  // namespace closbgp::session
