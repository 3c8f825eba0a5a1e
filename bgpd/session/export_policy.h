// What one peer is sent for a prefix, from the Loc-RIB's best path (RFC 4271
// sec. 9.1.3 and 5.1): nothing back to where it came from, no iBGP-learned
// path to an iBGP peer, and for eBGP our AS prepended, MED and LOCAL_PREF
// removed. The next hop is the session's own (set when encoding).
#pragma once

#include <optional>

#include "rib/loc_rib.h"

namespace closbgp::session {

struct ExportTarget {
  uint32_t peer_id = 0;
  bool ebgp = true;
  uint32_t peer_as = 0;
  uint32_t local_as = 0;
};

// nullopt: the peer should not have the prefix (withdraw if it was sent).
std::optional<wire::PathAttributes> export_attributes(const rib::LocRib::Entry* entry,
                                                      const ExportTarget& to);

}  // namespace closbgp::session
