// The update groups and their members: a neighbour whose session is up is
// a member of the group its description, policy and drain state select
// (rib/update_group.h), and moves to another group when one of those
// changes, sent what the new group sends and withdrawn what it does not.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <span>

#include "rib/update_group.h"

namespace closbgp::rib {

class UpdateGroups {
 public:
  // The default VRF's tables: what a new group sends its first member.
  using Tables = std::array<const Table*, 2>;

  // `cluster_id`: route reflection's, what reflected routes carry.
  UpdateGroups(uint32_t local_as, uint8_t drain_prepend, uint32_t cluster_id)
      : local_as_(local_as), drain_prepend_(drain_prepend), cluster_id_(cluster_id) {}

  // A session came up: it joins (again: a session that comes up twice is
  // one member) the group of its description and policy, sent its table.
  void add(const Member& member, const PeerPolicy& policy, const Tables& tables,
           AdvertisementSink& sink);
  void remove(SourceId member);
  // New policy: the member moves to the group it selects.
  void set_policy(SourceId member, const PeerPolicy& policy, const Tables& tables,
                  AdvertisementSink& sink);
  // ROUTE-REFRESH from the member: its table again, then End-of-RIB.
  void refresh(SourceId member, AdvertisementSink& sink);
  // Drain states: of one member (its own), and of the node.
  void set_member_drain(SourceId member, DrainState drain, const Tables& tables,
                        AdvertisementSink& sink);
  void set_node_drain(DrainState drain, const Tables& tables, AdvertisementSink& sink);
  DrainState node_drain() const { return node_drain_; }
  // The Loc-RIB of `table` was given room (a size hint): the groups that
  // send all of it get as much (UpdateGroup::follow).
  void follow(const Table& table) {
    for (auto& [key, group] : groups_) group->follow(table);
  }
  // What changed for `prefixes` of `table` (a default VRF's), to every group.
  void export_changes(const Table& table, std::span<const wire::Prefix> prefixes,
                      AdvertisementSink& sink);

  void visit_sent(SourceId member, const PrefixQuery& query,
                  const UpdateGroup::SentVisitor& f) const;
  size_t prefixes_sent(SourceId member) const;
  size_t prefixes_sent(SourceId member, wire::Afi afi) const;
  bool is_member(SourceId member) const { return members_.contains(member); }
  // How many members share its group (0: not a member).
  size_t group_size(SourceId member) const;

 private:
  void join(MemberState& m, const Tables& tables, AdvertisementSink& sink);
  // Out of its group (an empty group goes, and its Adj-RIB-Out with it).
  void leave(SourceId member);
  // `m` becomes `changed` and goes to the group of its new key, withdrawing
  // what the new group does not send. What it had been sent is read before
  // the change: its policy decides what of its group's routes it is sent.
  void regroup(MemberState& m, MemberState changed, const Tables& tables, AdvertisementSink& sink);

  uint32_t local_as_;
  uint8_t drain_prepend_;
  uint32_t cluster_id_;
  // Members by id, stable in memory (groups point at them).
  std::map<SourceId, std::unique_ptr<MemberState>> members_;
  std::map<GroupKey, std::unique_ptr<UpdateGroup>> groups_;
  std::map<SourceId, UpdateGroup*> group_of_;
  DrainState node_drain_ = DrainState::Live;
};

}  // namespace closbgp::rib
