// A peer's routing policy: what enters the Loc-RIB from it (route-map-in,
// RFC 8212) and what it is sent from the Loc-RIB's best path (RFC 4271
// sec. 9.1.3 and 5.1, route-map-out, remove-private-as). The next hop is the
// session's own, set when encoding, unless a reflected path keeps its own.
#pragma once

#include <compare>
#include <memory>
#include <optional>

#include "policy/route_map.h"
#include "rib/drain.h"
#include "rib/loc_rib.h"

namespace closbgp::rib {

// remove-private-as: never, only when every AS of the path is private, always.
enum class RemovePrivateAs { Off, IfOnlyPrivate, All };

// Which of a prefix's paths go to an add-path neighbour (RFC 7911): every
// one, the best N (in the order best-path selection prefers them), or the
// ECMP set. Off: the best path only, as without add-path.
struct AddPathSend {
  enum class Mode : uint8_t { Off, All, Best, Ecmp };
  Mode mode = Mode::Off;
  uint8_t best = 1;  // Mode::Best: how many
  friend auto operator<=>(const AddPathSend&, const AddPathSend&) = default;
};

// What a neighbour's routes go through, in and out.
struct PeerPolicy {
  std::shared_ptr<const policy::RouteMap> in, out;
  RemovePrivateAs remove_private_as = RemovePrivateAs::Off;
  bool requires_policy = false;  // RFC 8212: an eBGP peer needs in/out route-maps
  uint8_t allowas_in = 0;        // times our own AS may appear in a received path
  // Send 0.0.0.0/0 and ::/0 of our own; the Loc-RIB's defaults are not sent.
  bool default_originate = false;
  // A route-reflector client (RFC 4456): sent what other iBGP neighbours
  // sent us, and what it sends goes to them.
  bool route_reflector_client = false;
  // Our next hop on reflected paths too (FRR's `next-hop-self force`):
  // without it a reflected path keeps its source's next hop where that is
  // a global address (kept_next_hop).
  bool next_hop_self = false;
  // Sender-side loop detection (exportable_to): off for an eBGP peer that
  // accepts paths with its AS (allowas-in: backup paths through a leaf).
  bool sender_loop_check = true;
  // What it is sent where it receives path ids (Member::add_path).
  AddPathSend add_path;
  // Its L2VPN EVPN routes' own route-maps, in and out (FRR's per-family
  // `neighbor X route-map`): `in` and `out` are about unicast prefixes and
  // are not applied to them.
  std::shared_ptr<const policy::RouteMap> evpn_in{}, evpn_out{};
  friend bool operator==(const PeerPolicy&, const PeerPolicy&) = default;
};

// How routes leave towards a set of peers (an update group).
struct ExportRules {
  bool ebgp = true;
  uint32_t local_as = 0;
  const PeerPolicy* policy = nullptr;  // none: send everything eligible
  policy::Neighbor neighbor;           // what route-map-out may match on
  // DRAINED: GRACEFUL_SHUTDOWN added and our AS `drain_prepend` more times
  // (LOCAL_PREF 0 towards iBGP); WARM: nothing is sent.
  DrainState drain = DrainState::Live;
  uint8_t drain_prepend = 0;
  // Route reflection (RFC 4456): the peers are our clients; our cluster's
  // id, added to the CLUSTER_LIST of what we reflect.
  bool rr_clients = false;
  uint32_t cluster_id = 0;
  bool next_hop_self = false;  // PeerPolicy::next_hop_self
};

// Learned from an iBGP neighbour (not the node's own, not eBGP).
inline bool learned_over_ibgp(const Path& p) {
  return p.source.peer_id != kLocalSource && !p.source.ebgp;
}
// Going from iBGP to iBGP: only by reflection (RFC 4271 sec. 9.1.3, RFC 4456).
inline bool is_reflection(const Path& p, const ExportRules& to) {
  return !to.ebgp && learned_over_ibgp(p);
}

// The attributes the Loc-RIB holds for a route received from an eBGP or
// iBGP peer; nullptr when the policy rejects it. `ebgp` for RFC 8212.
std::shared_ptr<const wire::PathAttributes> import_attributes(
    const PeerPolicy& p, bool ebgp, const wire::Prefix& prefix,
    const std::shared_ptr<const wire::PathAttributes>& received, const policy::Neighbor& from);

// What is sent for `prefix` whose best path is `best`; nullopt: nothing
// (withdraw if it was sent). The same for every peer the rules cover. An
// iBGP-learned path goes to iBGP peers only by reflection: a client's to
// every iBGP peer, a non-client's to clients, with ORIGINATOR_ID (its
// source's router-id, unless set) and our cluster id first in CLUSTER_LIST.
// `multipath`: the prefix's ECMP set, for a route-map-out that works out a
// link bandwidth from it.
std::optional<wire::PathAttributes> export_attributes(const rib::Path& best,
                                                      const wire::Prefix& prefix,
                                                      const ExportRules& rules,
                                                      const policy::Multipath* multipath = nullptr);
// The next hop `best` keeps when sent for `prefix` under `to`; nullopt: the
// session's own. A path reflected between iBGP neighbours keeps its
// source's next hop (RFC 4456 sec. 10, RFC 4271 sec. 5.1.3): the clients
// resolve it through the underlay and forward around the reflector. Only
// a global address of the prefix's family is kept: a link-local one means
// nothing beyond its link (unnumbered sessions), and an IPv6 next hop for
// IPv4 (RFC 8950) needs the receiver's consent, which is per session.
std::optional<wire::IpAddress> kept_next_hop(const Path& best, const wire::Prefix& prefix,
                                             const ExportRules& to);
// What a route-map-out sees of `e`'s ECMP set: how many paths, and the sum
// of their link bandwidths when every one has one.
policy::Multipath multipath_of(const LocRib::Entry& e);
// A drained route: GRACEFUL_SHUTDOWN (RFC 8326) and, towards eBGP, our AS
// prepended `drain_prepend` times (the regular prepend comes on top);
// towards iBGP LOCAL_PREF 0.
void apply_drain(wire::PathAttributes& a, const ExportRules& to);

// What differs per peer: a path never goes back to its source, nor to an
// eBGP peer whose AS is in it (the peer would drop it as a loop). Without
// sender-side loop detection an eBGP peer decides for itself (allowas-in):
// it is sent every path, its own included, which a leaf sends a spine as
// a backup since its ECMP set also has the other spines.
bool exportable_to(const rib::Path& best, uint32_t peer_id, bool ebgp, bool sender_loop_check,
                   uint32_t peer_as);

// Private AS numbers (RFC 6996): 64512-65534 and 4200000000-4294967294.
bool is_private_as(uint32_t asn);
void remove_private_as(wire::AsPath& path, RemovePrivateAs mode);

}  // namespace closbgp::rib
