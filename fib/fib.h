// The FIB seen from the RIB: takes RouteUpdates, never blocks the caller.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "fib/planner.h"
#include "rib/route_update.h"

namespace closbgp::fib {

struct FibStatus {
  uint64_t routes = 0, groups = 0, nexthops = 0;
  uint64_t operations = 0, errors = 0;
  uint64_t sends = 0;    // netlink sends: batches of operations
  uint64_t repairs = 0;  // operations that put back what someone else changed
  std::string last_error;
};

class Fib {
 public:
  // Prefixes the kernel now holds as asked: written, or found already there,
  // by a write that included every update up to `through` (apply()'s
  // sequence numbers). Called on the FIB thread.
  using OnInstalled = std::function<void(std::vector<wire::Prefix> prefixes, uint64_t through)>;

  virtual ~Fib() = default;
  // Queued; returns the update's sequence number (1, 2, ...).
  virtual uint64_t apply(rib::RouteUpdate update) = 0;
  // The last sequence number apply() gave (0: none yet).
  virtual uint64_t last_applied() const = 0;
  // Whether every update up to `sequence` is in the kernel as asked (written
  // or found there) and a previous run's routes are reconciled: what a WARM
  // start waits for, whatever was queued after.
  virtual bool written_through(uint64_t sequence) const = 0;
  // Who hears of installed prefixes (advertise-after-install); an empty
  // function stops it. Only upserts are reported, not removals.
  virtual void report_installed(OnInstalled on_installed) = 0;
  // A FIB that found routes of a previous run at start leaves them
  // forwarding, untouched, and holds what apply() queues until the RIB has
  // its neighbours' initial tables; release() says it has: write only what
  // differs, and remove what the new table lacks. Later calls do nothing.
  virtual void release() = 0;
  // Whether routes of a previous run were found at start (graceful
  // restart's R and F bits: our forwarding was kept).
  virtual bool kept_previous_run() const = 0;
  // Our routes and objects as the kernel has them now (a dump of its own,
  // from any thread): for `show fib`.
  virtual std::expected<Installed, std::string> read_kernel() const = 0;
  virtual FibStatus status() const = 0;
  // Prefixes queued and not yet written: the RIB stops reading from peers
  // while this is high, so TCP pushes back instead of memory growing.
  virtual size_t backlog() const = 0;
  // A size hint: about `routes` of `afi` are on their way (a neighbour's
  // full table; rib::Rib::session_up's hint). The FIB's route table gets
  // room for them before they come, not in steps as they do.
  virtual void expect(wire::Afi afi, size_t routes) = 0;
};

}  // namespace closbgp::fib
