// Loc-RIB: every prefix's candidate paths (one per source), the best path
// and the ECMP set. Updated one path at a time; says whether what the FIB
// and the peers see has changed.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "rib/best_path.h"

namespace closbgp::rib {

class LocRib {
 public:
  struct Entry {
    std::vector<Path> paths;  // ordered by source peer id
    Selection selection;
    const Path& best() const { return paths[selection.best]; }
  };

  explicit LocRib(SelectionOptions options = {}) : options_(options) {}

  // Sets the path from `peer_id` for `prefix`, or removes it (nullopt).
  // True if the best path or the ECMP set changed.
  bool set(const wire::Prefix& prefix, uint32_t peer_id, std::optional<Path> path);
  // Removes every path from `peer_id`; returns the prefixes whose best path
  // or ECMP set changed.
  std::vector<wire::Prefix> remove_source(uint32_t peer_id);

  const Entry* find(const wire::Prefix& prefix) const;
  const std::map<wire::Prefix, Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  SelectionOptions options_;
  std::map<wire::Prefix, Entry> entries_;
};

}  // namespace closbgp::rib
