// Best-path selection (RFC 4271 sec. 9.1.2 with the customary tie-breakers)
// and ECMP multipath. Pure and deterministic.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rib/path.h"

namespace closbgp::rib {

struct SelectionOptions {
  bool multipath = true;
  size_t max_paths = 64;
  bool as_path_relax = true;  // multipath across neighbour ASes (RFC 7938 fabrics)
  bool always_compare_med = false;
};

// Negative if `a` is preferred over `b`, positive if `b` is, 0 only for the
// same source and path id. The order of the steps:
//   locally originated, LOCAL_PREF, AS_PATH length, ORIGIN, MED (same
//   neighbour AS unless always_compare_med), eBGP over iBGP, router-id
//   (ORIGINATOR_ID when present), CLUSTER_LIST length, peer address, path id.
int compare(const Path& a, const Path& b, const SelectionOptions& o);

// Whether `p` may share the ECMP set with `best`: equal up to and including
// the eBGP/iBGP step, and with as_path_relax off the same AS_PATH.
bool multipath_equal(const Path& best, const Path& p, const SelectionOptions& o);

// `candidates` in a fixed order (the RIB keeps them by peer id): MED makes
// pairwise preference non-transitive, so the winner is found by comparing
// in that order, which makes the result independent of arrival order.
// Fills `multipath` with the ECMP set as indexes into the candidates: the
// best path first, then the others in candidate order (the same paths give
// the same list).
void select(std::span<const PathRef> candidates, const SelectionOptions& o,
            std::vector<uint16_t>& multipath);

}  // namespace closbgp::rib
