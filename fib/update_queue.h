// The FIB's queue between the RIB and the kernel: RouteUpdates coalesced
// per prefix (the latest set wins, so churn costs one write per prefix per
// batch), kept in the order prefixes first arrived, each set stored once
// per update (the RIB interns them) rather than once per prefix. Not
// thread-safe: the FIB guards it.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/route_update.h"

namespace closbgp::fib {

// What the planner gets: each prefix once, with its ECMP set or removed.
struct Batch {
  static constexpr uint32_t kRemove = std::numeric_limits<uint32_t>::max();
  struct Entry {
    wire::Prefix prefix;
    uint32_t set;  // index into `sets`, or kRemove
  };
  std::vector<Entry> entries;
  std::vector<std::vector<rib::NextHop>> sets;

  size_t size() const { return entries.size(); }
  bool empty() const { return entries.empty(); }
};

class UpdateQueue {
 public:
  void push(rib::RouteUpdate update);
  // `prefix` is removed unless something for it is queued (the routes of a
  // previous run that the new table may lack).
  void remove_unless_queued(const wire::Prefix& prefix);
  // Everything queued, as one batch; the queue is empty after.
  Batch take();

  size_t size() const { return batch_.size(); }
  bool empty() const { return batch_.empty(); }

 private:
  void put(const wire::Prefix& prefix, uint32_t set);

  Batch batch_;
  containers::PrefixMap<uint32_t> position_;  // prefix -> index in batch_.entries
};

}  // namespace closbgp::fib
