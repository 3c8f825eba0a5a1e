// Update groups: members whose routes leave the same way (eBGP or iBGP,
// outbound policy, families, encoding) share one Adj-RIB-Out and one export
// decision per prefix, as a spine's dozens of leaf sessions do. Only what
// differs per member is done per member: a path never goes back to its
// source nor to an eBGP peer whose AS is in it. Each member is handed its
// own Advertisement; the session layer sets its next hop and encodes it.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "rib/add_path_out.h"
#include "rib/advertisement.h"
#include "rib/family_counts.h"
#include "rib/prefix_query.h"
#include "rib/route_policy.h"
#include "rib/table.h"

namespace closbgp::rib {

struct GroupKey {
  bool ebgp = true;
  const policy::RouteMap* route_map_out = nullptr;
  RemovePrivateAs remove_private_as{};
  bool requires_policy = false, default_originate = false;
  uint8_t families = 0;                 // bit per family the session can send
  uint8_t encoding = 0;                 // Member::encoding
  DrainState drain = DrainState::Live;  // the members' effective drain state
  bool rr_clients = false;              // route-reflector clients (RFC 4456)
  bool next_hop_self = false;           // PeerPolicy::next_hop_self
  // Applied per member, but a group shares it so that changing it on a
  // reload moves the member, which sends and withdraws the difference.
  bool sender_loop_check = true;
  // The member's id when it may share with nobody (it receives path ids,
  // or a route-map-out matches on the neighbour).
  SourceId only_member = 0;
  AddPathSend add_path{};  // a member that receives path ids: what it is sent
  friend auto operator<=>(const GroupKey&, const GroupKey&) = default;
};

// One member as its group sees it: the session's description, its policy,
// and what the group has done for it.
struct MemberState {
  Member info;
  PeerPolicy policy;
  FamilyCounts prefixes_sent{};  // what its Adj-RIB-Out holds for it
  bool end_of_rib_due = true;    // ours, once per session
};

// The group `m` belongs to while the node is `node_drain`.
GroupKey group_key(const MemberState& m, DrainState node_drain);

class UpdateGroup {
 public:
  // `cluster_id`: what route reflection adds to CLUSTER_LIST.
  UpdateGroup(const GroupKey& key, const MemberState& first, uint32_t local_as,
              uint8_t drain_prepend, uint32_t cluster_id);

  // No member yet and nothing sent: its first member starts it.
  bool is_new() const {
    return members_.empty() && sent_.empty() && (!add_path_ || add_path_->empty());
  }
  // The first member of a new group: every table's routes (but those
  // held for the kernel) exported now; then as join().
  void start(MemberState& first, std::span<const Table* const> tables, AdvertisementSink& sink);
  // A member joins: it is sent what the group has sent, its default route
  // if configured, and End-of-RIB when due.
  void join(MemberState& m, AdvertisementSink& sink);
  void leave(const MemberState& m);
  bool empty() const { return members_.empty(); }
  size_t size() const { return members_.size(); }
  // Route refresh: the member gets the group's table again, and End-of-RIB.
  void resend(MemberState& m, AdvertisementSink& sink);
  const GroupKey& key() const { return key_; }
  // What the group has sent member `m` (its own default route included),
  // with path ids where it sends them.
  std::vector<wire::Nlri> member_nlri(const MemberState& m) const;
  // What `query` selects of it, with the path id and what it was sent
  // (the session sets its next hop unless one is kept), in no particular order.
  using SentVisitor = std::function<void(const wire::Prefix&, uint32_t path_id, const Variant&)>;
  void visit_sent(const MemberState& m, const PrefixQuery& query, const SentVisitor& f) const;
  // A group that sends everything it may (no route-map-out, not WARM)
  // holds as many prefixes as the Loc-RIB: its Adj-RIB-Out gets the room
  // `table`'s Loc-RIB has (a size hint made there), so it does not grow
  // in steps while the table arrives. Others are left to grow.
  void follow(const Table& table);
  // Sends every member what changed for `prefixes` of `table`.
  void export_changes(std::span<const wire::Prefix> prefixes, const Table& table,
                      AdvertisementSink& sink);

 private:
  class Exporter;
  void send_table(MemberState& m, AdvertisementSink& sink);
  // After the table: default-originate and, with `end_of_rib`, End-of-RIB.
  void finish_table(const MemberState& m, bool end_of_rib, AdvertisementSink& sink);
  // The default route and End-of-RIB, when due, after a member's table.
  void finish_join(MemberState& m, AdvertisementSink& sink);
  // Our own default route (default-originate), as member `m` is sent it.
  wire::PathAttributes default_route_attributes(const MemberState& m) const;
  // fn(prefix, path id, path) for each path the group has sent member
  // `m`: the Loc-RIB path exported, or nullptr for its own default route.
  template <class Fn>
  void for_each_sent(const MemberState& m, const PrefixQuery& query, Fn fn) const;
  // The ECMP set of a prefix as last exported, for what depends on it;
  // nullptr when nothing does.
  const policy::Multipath* sent_multipath(const wire::Prefix& prefix) const;
  // export_changes() of a group whose member receives path ids.
  void export_add_path(std::span<const wire::Prefix> prefixes, const Table& table,
                       AdvertisementSink& sink);

  GroupKey key_;
  PeerPolicy policy_;
  ExportRules rules_;
  std::vector<MemberState*> members_;
  containers::PrefixMap<PathRef> sent_;  // the Loc-RIB path last exported, per prefix
  // With a route-map-out that works out a link bandwidth from the ECMP set
  // (policy::RouteMap::uses_multipath): that set as last exported, per
  // prefix of sent_; empty otherwise.
  bool uses_multipath_ = false;
  containers::PrefixMap<policy::Multipath> sent_multipath_;
  // A group whose member receives path ids and is sent several paths per
  // prefix keeps them here instead of in sent_.
  std::unique_ptr<AddPathOut> add_path_;
};

// Withdraws `nlri` from member `m` (a member moving to another group).
void withdraw_from(const MemberState& m, const std::vector<wire::Nlri>& nlri,
                   AdvertisementSink& sink);

}  // namespace closbgp::rib
