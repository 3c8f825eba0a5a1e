#include "rib/update_groups.h"

#include <algorithm>

namespace closbgp::rib {

void UpdateGroups::add(const Member& member, const PeerPolicy& policy, const Tables& tables,
                       AdvertisementSink& sink) {
  leave(member.id);
  auto& m = members_[member.id];
  m = std::make_unique<MemberState>(MemberState{member, policy});
  join(*m, tables, sink);
}

void UpdateGroups::remove(SourceId member) {
  leave(member);
  members_.erase(member);
}

void UpdateGroups::set_policy(SourceId member, const PeerPolicy& policy, const Tables& tables,
                              AdvertisementSink& sink) {
  auto m = members_.find(member);
  if (m == members_.end()) return;
  MemberState changed = *m->second;
  changed.policy = policy;
  regroup(*m->second, std::move(changed), tables, sink);
}

void UpdateGroups::refresh(SourceId member, AdvertisementSink& sink) {
  auto m = members_.find(member);
  auto g = group_of_.find(member);
  if (m != members_.end() && g != group_of_.end()) g->second->resend(*m->second, sink);
}

void UpdateGroups::set_member_drain(SourceId member, DrainState drain, const Tables& tables,
                                    AdvertisementSink& sink) {
  auto m = members_.find(member);
  if (m == members_.end()) return;
  MemberState changed = *m->second;
  changed.info.drain = drain;
  regroup(*m->second, std::move(changed), tables, sink);
}

void UpdateGroups::set_node_drain(DrainState drain, const Tables& tables, AdvertisementSink& sink) {
  node_drain_ = drain;
  for (auto& [id, m] : members_) regroup(*m, *m, tables, sink);
}

void UpdateGroups::join(MemberState& m, const Tables& tables, AdvertisementSink& sink) {
  const GroupKey key = group_key(m, node_drain_);
  auto& group = groups_[key];
  if (!group) group = std::make_unique<UpdateGroup>(key, m, local_as_, drain_prepend_, cluster_id_);
  group_of_[m.info.id] = group.get();
  if (!group->is_new()) return group->join(m, sink);
  group->start(m, tables, sink);  // a new group: the whole table
}

void UpdateGroups::leave(SourceId member) {
  auto it = group_of_.find(member);
  if (it == group_of_.end()) return;
  auto m = members_.find(member);
  if (m != members_.end()) it->second->leave(*m->second);
  if (it->second->empty())
    std::erase_if(groups_, [&](const auto& g) { return g.second.get() == it->second; });
  group_of_.erase(it);
}

void UpdateGroups::regroup(MemberState& m, MemberState changed, const Tables& tables,
                           AdvertisementSink& sink) {
  auto it = group_of_.find(m.info.id);
  if (it == group_of_.end() || it->second->key() == group_key(changed, node_drain_)) {
    m = std::move(changed);
    return;
  }
  std::vector<wire::Nlri> had = it->second->member_nlri(m);
  leave(m.info.id);
  m = std::move(changed);
  join(m, tables, sink);  // the new group's table (End-of-RIB only if not sent yet)
  // What the old group sent and the new one does not: withdrawn.
  std::vector<wire::Nlri> has = group_of_.at(m.info.id)->member_nlri(m);
  std::sort(had.begin(), had.end());
  std::sort(has.begin(), has.end());
  std::vector<wire::Nlri> gone;
  std::set_difference(had.begin(), had.end(), has.begin(), has.end(), std::back_inserter(gone));
  withdraw_from(m, gone, sink);
}

void UpdateGroups::export_changes(const Table& table, std::span<const wire::Prefix> prefixes,
                                  AdvertisementSink& sink) {
  for (auto& [key, group] : groups_) group->export_changes(prefixes, table, sink);
}

void UpdateGroups::visit_sent(SourceId member, const PrefixQuery& query,
                              const UpdateGroup::SentVisitor& f) const {
  auto g = group_of_.find(member);
  if (g != group_of_.end()) g->second->visit_sent(*members_.at(member), query, f);
}

size_t UpdateGroups::prefixes_sent(SourceId member) const {
  auto m = members_.find(member);
  return m == members_.end() ? 0 : m->second->prefixes_sent.total();
}

size_t UpdateGroups::prefixes_sent(SourceId member, wire::Afi afi) const {
  auto m = members_.find(member);
  return m == members_.end() ? 0 : m->second->prefixes_sent[afi];
}

size_t UpdateGroups::group_size(SourceId member) const {
  auto g = group_of_.find(member);
  return g == group_of_.end() ? 0 : g->second->size();
}

}  // namespace closbgp::rib
