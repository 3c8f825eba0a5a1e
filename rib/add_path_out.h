// What an add-path neighbour (RFC 7911) is sent: several paths per prefix,
// each under a path id of its own. The ids are ours, per prefix, and
// stable: a path keeps its id while it is sent (a path replaced by its
// source goes again under the same id), a new one takes the lowest id
// free. This is the Adj-RIB-Out of an update group whose member sends
// path ids; such a group has no other member (GroupKey::only_member).
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>

#include "containers/prefix_map.h"
#include "rib/advertisement.h"
#include "rib/family_counts.h"
#include "rib/loc_rib.h"
#include "rib/prefix_query.h"
#include "rib/route_policy.h"

namespace closbgp::rib {

class AddPathOut {
 public:
  // `ids`: the families sent with path ids; a prefix of another family
  // gets its best path only (as without add-path).
  AddPathOut(AddPathSend send, wire::FamilySet ids) : send_(send), ids_(ids) {}

  // The variant `path` goes as for `prefix`; -1: not to this neighbour.
  using VariantOf = std::function<int(const Path&, const wire::Prefix&)>;
  // `prefix` now has entry `e` (nullptr: none, or not to be sent): what
  // the send mode takes of it is compared with what was sent, and the
  // difference appended to `a` (announcements by variant, withdrawals by
  // path id). `sent` counts the prefixes sent at least one path.
  void update(const wire::Prefix& prefix, const LocRib::Entry* e, const SelectionOptions& o,
              const VariantOf& variant_of, Advertisement& a, FamilyCounts& sent);
  // fn(prefix, path id, path) for what `query` selects of what was sent.
  using SentFn = std::function<void(const wire::Prefix&, uint32_t, const Path&)>;
  void visit(const PrefixQuery& query, const SentFn& fn) const;
  bool empty() const { return sent_.empty(); }

 private:
  struct Sent {
    uint32_t id;
    PathRef path;
  };
  using SentPaths = boost::container::small_vector<Sent, 2>;
  struct Chosen {
    const Path* path;
    int variant;
  };
  // The paths of `e` the mode sends, most preferred first, with their
  // variants, those `variant_of` refuses left out; at most one for a
  // family without ids.
  std::vector<Chosen> chosen(const wire::Prefix& prefix, const LocRib::Entry& e,
                             const SelectionOptions& o, const VariantOf& variant_of) const;

  AddPathSend send_;
  wire::FamilySet ids_;
  containers::PrefixMap<SentPaths> sent_;
};

}  // namespace closbgp::rib
