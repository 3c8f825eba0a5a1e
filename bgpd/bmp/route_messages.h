// The routes of one view (a neighbour's Adj-RIB-In as received or after
// import policy, or the Loc-RIB) as BMP Route Monitoring messages, read
// from the RIB engine as it is now. Used alike for live changes and for
// the tables a collector is sent when it connects.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bgpd/wire/bmp.h"
#include "bgpd/wire/family.h"
#include "rib/rib.h"

namespace closbgp::bmp {

enum class View : uint8_t { PrePolicy, PostPolicy, LocRib };

// The path `view` holds for `prefix` (of `source` for the Adj-RIB-In
// views); nullptr: none, the prefix is withdrawn there.
const rib::Path* path_in(const rib::Rib& rib, View view, rib::SourceId source,
                         const wire::Prefix& prefix);

// Route Monitoring messages for `prefixes` as `view` holds them now:
// prefixes that share a path go in one UPDATE; the ones it does not hold
// are withdrawn, or with `withdraw_missing` false (a first dump) left out.
// Attributes are written with 4-octet AS numbers (A flag clear).
void append_routes(const rib::Rib& rib, View view, rib::SourceId source,
                   const wire::bmp::PeerHeader& peer, std::span<const wire::Prefix> prefixes,
                   std::vector<uint8_t>& out, bool withdraw_missing = true);
// The prefixes an UPDATE announces or withdraws, every family.
std::vector<wire::Prefix> prefixes_of(const wire::UpdateMessage& update);
// The End-of-RIB marker of `family` in Route Monitoring.
void append_end_of_rib(const wire::bmp::PeerHeader& peer, wire::Family family,
                       std::vector<uint8_t>& out);

}  // namespace closbgp::bmp
