// The routes of one view (a neighbour's Adj-RIB-In as received or after
// import policy, or the Loc-RIB) as BMP Route Monitoring messages, read
// from the RIB engine as it is now: unicast prefixes and EVPN routes.
// Used alike for live changes and for the tables a collector is sent when
// it connects.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bgpd/wire/bmp.h"
#include "bgpd/wire/family.h"
#include "rib/rib.h"

namespace closbgp::bmp {

enum class View : uint8_t { PrePolicy, PostPolicy, LocRib };

// The path `view` holds for `n`'s prefix: in the Adj-RIB-In views, of
// `source` with `n`'s path id (0 without add-path); in the Loc-RIB, the
// best. nullptr: none, withdrawn there.
const rib::Path* path_in(const rib::Rib& rib, View view, rib::SourceId source, const wire::Nlri& n);

// Route Monitoring messages for `nlri` as `view` holds them now: paths
// that share attributes go in one UPDATE; those it does not hold are
// withdrawn, or with `withdraw_missing` false (a first dump) left out.
// Attributes are written with 4-octet AS numbers (A flag clear); NLRI of
// the families in `ids` with their path ids (an add-path neighbour's
// views: the collector reads the ids from the OPENs of its Peer Up).
void append_routes(const rib::Rib& rib, View view, rib::SourceId source,
                   const wire::bmp::PeerHeader& peer, std::span<const wire::Nlri> nlri,
                   std::vector<uint8_t>& out, bool withdraw_missing = true,
                   wire::FamilySet ids = {});
// What an UPDATE announces or withdraws, every family, with path ids.
std::vector<wire::Nlri> nlri_of(const wire::UpdateMessage& update);

// The same for the EVPN table (which has no Adj-RIB-In of its own): in
// the Adj-RIB-In views a source's candidate, as its EVPN route-map-in left
// it (as received without one), in the Loc-RIB the best; each route with
// the labels (VNIs) its path came with.
void append_evpn_routes(const rib::Rib& rib, View view, rib::SourceId source,
                        const wire::bmp::PeerHeader& peer,
                        std::span<const rib::EvpnTable::Key> keys, std::vector<uint8_t>& out,
                        bool withdraw_missing = true);
// The EVPN routes of `update` as received (its pre-policy view): what it
// announces with its attributes, what it withdraws or RFC 7606 treats as
// withdrawn as withdrawals.
void append_received_evpn(const wire::bmp::PeerHeader& peer, const wire::UpdateMessage& update,
                          std::vector<uint8_t>& out);
// The EVPN routes an UPDATE announces or withdraws, as the table keys them.
std::vector<rib::EvpnTable::Key> evpn_keys_of(const wire::UpdateMessage& update);
// `prefixes` as NLRI without path ids (the Loc-RIB's).
std::vector<wire::Nlri> without_ids(std::span<const wire::Prefix> prefixes);
// The End-of-RIB marker of `family` in Route Monitoring.
void append_end_of_rib(const wire::bmp::PeerHeader& peer, wire::Family family,
                       std::vector<uint8_t>& out);

}  // namespace closbgp::bmp
