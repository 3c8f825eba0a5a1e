#include "fib/update_queue.h"

#include <iterator>
#include <utility>

namespace closbgp::fib {

void UpdateQueue::put(const wire::Prefix& prefix, uint32_t set) {
  auto [position, inserted] = position_.try_emplace(prefix);
  if (!inserted) {
    batch_.entries[*position].set = set;
    return;
  }
  *position = uint32_t(batch_.entries.size());
  batch_.entries.push_back({prefix, set});
}

// The update's sets join the batch's (an update has few), its prefixes
// name them by their new index.
void UpdateQueue::push(rib::RouteUpdate update) {
  const auto first = uint32_t(batch_.sets.size());
  std::move(update.sets.begin(), update.sets.end(), std::back_inserter(batch_.sets));
  for (const auto& [prefix, set] : update.upsert) put(prefix, first + set);
  for (const auto& prefix : update.remove) put(prefix, Batch::kRemove);
}

void UpdateQueue::remove_unless_queued(const wire::Prefix& prefix) {
  if (!position_.contains(prefix)) put(prefix, Batch::kRemove);
}

Batch UpdateQueue::take() {
  Batch out = std::exchange(batch_, {});
  position_.clear();  // frees a large table: the next batch may be small
  return out;
}

}  // namespace closbgp::fib
