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
#include "rib/one_or_many.h"

namespace closbgp::rib {

// A candidate's place in an entry: its neighbour, and the path id that
// neighbour gave it (add-path; 0 without).
struct CandidateKey {
  uint32_t peer_id = 0, path_id = 0;
  static CandidateKey of(const Path& p) { return {p.source.peer_id, p.source.path_id}; }
  friend auto operator<=>(const CandidateKey&, const CandidateKey&) = default;
};

class LocRib {
 public:
  struct Candidates {
    std::vector<PathRef> paths;
    std::vector<uint16_t> multipath;  // best first
  };
  class Entry : public OneOrMany<Candidates> {
   public:
    // Candidates ordered by source: peer id, then path id (add-path).
    size_t size() const;
    const Path& path(size_t i) const;
    const Path& best() const { return path(best_index()); }
    size_t best_index() const;
    // The ECMP set: indexes into the candidates, best first.
    std::span<const uint16_t> multipath() const;

    // Sets (or with nullptr removes) the candidate of `source` and selects
    // again. Returns false if nothing visible (best path, ECMP set) changed.
    bool set(CandidateKey source, PathRef path, const SelectionOptions& o);
    // Selects again among the same candidates; true if the visible set changed.
    bool reselect(const SelectionOptions& o);
  };

  explicit LocRib(SelectionOptions options = {}) : options_(options) {}

  // Sets `path` as the candidate of its source for `prefix`. True if the
  // best path or the ECMP set changed.
  bool set(const wire::Prefix& prefix, PathRef path);
  // Removes the candidate of `source`; true if that changed what is visible.
  bool remove(const wire::Prefix& prefix, CandidateKey source);

  // New selection options (a reload): every entry with several paths is
  // selected again; returns the prefixes whose best path or ECMP set changed.
  std::vector<wire::Prefix> reselect(const SelectionOptions& options);

  // Room for `n` prefixes of `afi` (a size hint); never shrinks.
  void reserve(wire::Afi afi, size_t n) { entries_.reserve(afi, n); }

  const Entry* find(const wire::Prefix& prefix) const { return entries_.find(prefix); }
  const SelectionOptions& options() const { return options_; }
  const containers::PrefixMap<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  SelectionOptions options_;
  containers::PrefixMap<Entry> entries_;
};

}  // namespace closbgp::rib
