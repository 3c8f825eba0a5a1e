// Loc-RIB: every prefix's candidate paths (one per source), the best path
// and the ECMP set. Updated one path at a time; says whether what the FIB
// and the peers see has changed. A prefix with one path (most of a full
// table) costs one 8-byte word beside its key.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/best_path.h"

namespace closbgp::rib {

class LocRib {
 public:
  class Entry {
   public:
    Entry() = default;
    ~Entry() { reset(); }
    Entry(Entry&& o) noexcept : bits_(std::exchange(o.bits_, 0)) {}
    Entry& operator=(Entry&& o) noexcept;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    // Candidates ordered by source peer id.
    size_t size() const;
    const Path& path(size_t i) const;
    const Path& best() const { return path(best_index()); }
    size_t best_index() const;
    // The ECMP set: indexes into the candidates, best first.
    std::span<const uint16_t> multipath() const;

    // Sets (or with nullptr removes) the candidate of `peer_id` and selects
    // again. Returns false if nothing visible (best path, ECMP set) changed.
    bool set(uint32_t peer_id, PathRef path, const SelectionOptions& o);
    // Selects again among the same candidates; true if the visible set changed.
    bool reselect(const SelectionOptions& o);

   private:
    struct Many {
      std::vector<PathRef> paths;
      std::vector<uint16_t> multipath;  // best first
    };
    static constexpr uintptr_t kMany = 1;  // low bit: bits_ points at a Many
    bool many() const { return bits_ & kMany; }
    Many* as_many() const { return reinterpret_cast<Many*>(bits_ & ~kMany); }
    const Path* as_one() const { return reinterpret_cast<const Path*>(bits_); }
    void reset();
    void hold_one(PathRef p);

    uintptr_t bits_ = 0;  // 0: empty; else a counted Path* or a Many*
  };

  explicit LocRib(SelectionOptions options = {}) : options_(options) {}

  // Sets `path` as the candidate of its source for `prefix`. True if the
  // best path or the ECMP set changed.
  bool set(const wire::Prefix& prefix, PathRef path);
  // Removes the candidate of `peer_id`; true if that changed what is visible.
  bool remove(const wire::Prefix& prefix, uint32_t peer_id);

  // New selection options (a reload): every entry with several paths is
  // selected again; returns the prefixes whose best path or ECMP set changed.
  std::vector<wire::Prefix> reselect(const SelectionOptions& options);

  const Entry* find(const wire::Prefix& prefix) const { return entries_.find(prefix); }
  const SelectionOptions& options() const { return options_; }
  const containers::PrefixMap<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  SelectionOptions options_;
  containers::PrefixMap<Entry> entries_;
};

}  // namespace closbgp::rib
