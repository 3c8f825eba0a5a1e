// Route-maps: ordered entries (by sequence number), each permit or deny, with
// match clauses (all must hold) and set clauses. Evaluation as FRR's:
//   - the first entry whose matches all hold decides;
//   - deny: the route is rejected;
//   - permit: the sets apply, then the route is accepted, unless the entry
//     says `continue`, which resumes matching at the next (or the named)
//     entry with the changed attributes; a later deny still rejects;
//   - no entry matches: rejected (the implicit deny at the end), except
//     after a `continue`, where the earlier permit stands.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "bgpd/wire/evpn.h"
#include "policy/as_path_list.h"
#include "policy/community_list.h"
#include "policy/prefix_list.h"

namespace closbgp::policy {

// Where a route comes from (inbound) or goes to (outbound).
struct Neighbor {
  std::string_view interface;  // empty for numbered neighbours
  std::optional<wire::IpAddress> address;
};

// The ECMP set of the route being sent, for a link bandwidth worked out
// from it (Set::bandwidth_from).
struct Multipath {
  uint32_t paths = 0;
  // The sum of their link bandwidths (bytes per second) when every path
  // has one; 0 otherwise.
  float bandwidth = 0;
  friend bool operator==(const Multipath&, const Multipath&) = default;
};

// Where a link bandwidth set by a route-map comes from: a fixed rate, or
// the route's ECMP set as it is sent (FRR's `set extcommunity bandwidth
// cumulative | num-multipaths`).
enum class BandwidthFrom : uint8_t {
  Fixed,
  Cumulative,     // the sum of the set's bandwidths, when every path has one
  NumMultipaths,  // 1 Mbps per path of the set
};

struct Match {
  std::shared_ptr<const PrefixList> prefix_list;
  std::shared_ptr<const CommunityList> community;
  std::shared_ptr<const LargeCommunityList> large_community;
  std::shared_ptr<const ExtCommunityList> ext_community;
  std::shared_ptr<const AsPathList> as_path;
  std::optional<wire::Origin> origin;
  std::optional<wire::Afi> family;
  std::string interface;
  std::optional<wire::IpAddress> neighbor;
  // L2VPN EVPN routes only (FRR's `match evpn route-type | vni`): the
  // route type; the VNI its label carries (a type 3's: its PMSI tunnel's).
  std::optional<wire::EvpnType> evpn_route_type;
  std::optional<uint32_t> evpn_vni;
};

// replace (when set) clears the route's values first; then `remove` deletes
// every value its list permits; then `add` appends what is missing.
template <class T>
struct CommunityEdit {
  std::optional<std::vector<T>> replace;
  std::shared_ptr<const BasicCommunityList<T>> remove;
  std::vector<T> add;
  bool empty() const { return !replace && !remove && add.empty(); }
  void apply(std::vector<T>& values) const;
};

struct Set {
  std::optional<uint32_t> local_pref;
  std::optional<uint32_t> med;
  std::optional<wire::Origin> origin;
  CommunityEdit<uint32_t> communities;
  CommunityEdit<wire::LargeCommunity> large_communities;
  CommunityEdit<uint64_t> ext_communities;
  // A link bandwidth community (RFC 10005) in place of any the route has:
  // this one (Fixed), or one of `bandwidth_as` worked out from the route's
  // ECMP set, only where the route is sent with it (route-map-out).
  std::optional<uint64_t> link_bandwidth;
  BandwidthFrom bandwidth_from = BandwidthFrom::Fixed;
  uint32_t bandwidth_as = 0;
  std::vector<uint32_t> prepend;  // leftmost first
  uint8_t prepend_last_as = 0;    // times to repeat the path's first AS
  bool empty() const;
};

struct RouteMapEntry {
  uint32_t seq = 0;
  Action action = Action::Permit;
  Match match;
  Set set;
  // After a permit: go on matching from this sequence number (0: the next entry).
  std::optional<uint32_t> continue_to;
};

struct Verdict {
  bool permit = false;
  // The changed attributes when a set clause ran; nullopt means unchanged.
  std::optional<wire::PathAttributes> changed;
};

class RouteMap {
 public:
  explicit RouteMap(std::vector<RouteMapEntry> entries);  // sorted by seq here
  // `multipath`: the ECMP set the route is sent from, if known.
  Verdict apply(const wire::Prefix& prefix, const wire::PathAttributes& attributes,
                const Neighbor& neighbor, const Multipath* multipath = nullptr) const;
  // The same for an L2VPN EVPN route. A prefix-list looks at its prefix (a
  // type 5's, a type 2's address as a host route) and matches no route
  // without one; `family` (unicast) matches none.
  Verdict apply_evpn(const wire::EvpnRoute& route, const wire::PathAttributes& attributes,
                     const Neighbor& neighbor) const;
  // False when no match looks at the prefix: the verdict then depends only
  // on the attributes and the neighbour, and may be cached per attribute set.
  bool matches_prefix() const { return matches_prefix_; }
  // True when an entry matches on the neighbour (interface, address): peers
  // then cannot share the map's verdicts.
  bool matches_neighbor() const { return matches_neighbor_; }
  // True when a set clause works out a link bandwidth from the route's ECMP
  // set: what is sent then changes with the set, not only the best path.
  bool uses_multipath() const { return uses_multipath_; }
  const std::vector<RouteMapEntry>& entries() const { return entries_; }
  struct Subject;  // what an entry matches besides attributes and neighbour

 private:
  Verdict evaluate(const Subject& subject, const wire::PathAttributes& attributes,
                   const Neighbor& neighbor, const Multipath* multipath) const;

  std::vector<RouteMapEntry> entries_;
  bool matches_prefix_ = false, matches_neighbor_ = false, uses_multipath_ = false;
};

// Puts `asns` (leftmost first) in front of the AS_PATH, in a new leading
// AS_SEQUENCE when the path starts with a set, at most 255 per segment.
void prepend_as(wire::PathAttributes& a, const std::vector<uint32_t>& asns);

}  // namespace closbgp::policy
