// Update groups: peers whose routes leave the same way (eBGP or iBGP,
// outbound policy, families, encoding) share one Adj-RIB-Out and one export
// decision per prefix, as a spine's dozens of leaf sessions do. Only what
// differs per member is done per member: a path never goes back to its
// source nor to an eBGP peer whose AS is in it, and each session has its own
// next hop, so each member's UPDATEs are encoded for it.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <vector>

#include "bgpd/session/peer.h"
#include "bgpd/session/route_policy.h"
#include "rib/aggregation.h"
#include "rib/loc_rib.h"

namespace closbgp::session {

struct GroupKey {
  bool ebgp = true;
  const policy::RouteMap* route_map_out = nullptr;
  config::Neighbor::RemovePrivateAs remove_private_as{};
  bool requires_policy = false, default_originate = false;
  uint8_t families = 0;  // bit per family the session can send
  bool four_octet_as = true, extended_message = false;
  DrainState drain = DrainState::Live;  // the members' effective drain state
  // The peer's id when its route-map-out matches on the neighbour: no sharing.
  uint32_t only_peer = 0;
  friend auto operator<=>(const GroupKey&, const GroupKey&) = default;
};

// The group an established peer belongs to, with the node's drain state.
GroupKey group_key(const Peer& p, DrainState node_drain);

class UpdateGroup {
 public:
  UpdateGroup(const GroupKey& key, const Peer& first, uint32_t local_as, uint8_t drain_prepend);

  // A member joins: gets what the group has sent (or, for a new group,
  // the whole Loc-RIB but what `held` holds back), its default route if
  // configured, and End-of-RIB unless it only moved here from another group.
  void join(Peer& p, const rib::LocRib& rib, const rib::Aggregation& aggregation,
            const std::function<bool(const wire::Prefix&)>& held);
  void leave(const Peer& p);
  bool empty() const { return members_.empty(); }
  size_t size() const { return members_.size(); }
  // Route refresh: the member gets the group's table again.
  void resend(Peer& p);
  const GroupKey& key() const { return key_; }
  // What the group has sent member `p` (its own default route included).
  std::vector<wire::Prefix> member_prefixes(const Peer& p) const;
  // The same with the attributes it was sent (before our next hop is set).
  std::vector<std::pair<wire::Prefix, wire::PathAttributes>> adj_rib_out(const Peer& p) const;
  // Withdraws `prefixes` from `p` (a member moving to another group).
  static void withdraw_from(Peer& p, const std::vector<wire::Prefix>& prefixes);
  // Sends every member what changed for `prefixes`.
  void export_changes(const std::vector<wire::Prefix>& prefixes, const rib::LocRib& rib,
                      const rib::Aggregation& aggregation);

  struct Variant {  // one exported attribute set
    wire::PathAttributes attributes;
    wire::Family family;
  };

 private:
  class Exporter;
  void send_table(Peer& p);                     // the group's Adj-RIB-Out, to one member
  void finish_table(Peer& p, bool end_of_rib);  // default-originate, End-of-RIB
  // Our own default route (default-originate), as member `p` is sent it.
  wire::PathAttributes default_route_attributes(const Peer& p) const;
  // fn(prefix, path) for each prefix the group has sent member `p`: the
  // Loc-RIB path exported, or nullptr for its own default route.
  template <class Fn>
  void for_each_sent(const Peer& p, Fn fn) const;

  GroupKey key_;
  PeerPolicy policy_;
  ExportRules rules_;
  std::vector<Peer*> members_;
  wire::PrefixMap<rib::PathRef> sent_;  // the Loc-RIB path last exported, per prefix
};

}  // namespace closbgp::session
