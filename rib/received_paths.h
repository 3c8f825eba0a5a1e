// One prefix's paths from one neighbour, by path id: one without add-path
// (RFC 7911), several with it. One path costs one 8-byte word, as the
// Adj-RIB-In of a full table holds one per prefix.
#pragma once

#include <cstdint>
#include <vector>

#include "rib/one_or_many.h"

namespace closbgp::rib {

class ReceivedPaths : public OneOrMany<std::vector<PathRef>> {
 public:
  // Ordered by path id.
  size_t size() const { return many() ? as_many()->size() : !none(); }
  bool empty() const { return none(); }
  const Path& path(size_t i) const { return many() ? *(*as_many())[i] : *as_one(); }
  PathRef ref(size_t i) const { return PathRef(&path(i)); }
  const Path* find(uint32_t path_id) const;
  // Holds `p` under its path id; returns the path it replaces, if any.
  PathRef set(PathRef p);
  // Returns the path removed, if there was one.
  PathRef remove(uint32_t path_id);
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < size(); ++i) f(ref(i));
  }
};

}  // namespace closbgp::rib
