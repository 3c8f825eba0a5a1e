#include "rib/update_group.h"

#include <tuple>

namespace closbgp::rib {
namespace {

uint8_t family_bit(wire::Family f) {
  return uint8_t(1u << uint8_t(f));
}

wire::Prefix default_route(wire::Family f) {
  return wire::Prefix(
      wire::IpAddress::parse(f == wire::Family::Ipv4Unicast ? "0.0.0.0" : "::").value(), 0);
}

bool exportable(const Path& path, const MemberState& m) {
  return exportable_to(path, m.info.id, m.info.ebgp, m.policy.sender_loop_check,
                       m.info.peer_as) &&
         (m.info.llgr || !path.rank.llgr_stale);  // RFC 9494 sec. 4.5
}

// exportable() for one member over a run of changes: consecutive prefixes
// mostly share their Path (one per UPDATE), so the last verdict is kept.
class ExportableTo {
 public:
  explicit ExportableTo(const MemberState& m) : member_(m) {}
  bool operator()(const Path* path) {
    if (!path) return false;
    if (path != last_) {
      last_ = path;
      verdict_ = exportable(*path, member_);
    }
    return verdict_;
  }

 private:
  const MemberState& member_;
  const Path* last_ = nullptr;
  bool verdict_ = false;
};

}  // namespace

// Exported attribute sets, each computed once per Loc-RIB attribute set
// (and source kind), or per prefix when route-map-out looks at prefixes or
// at their ECMP sets.
class UpdateGroup::Exporter {
 public:
  Exporter(const ExportRules& rules, bool per_prefix) : rules_(rules), per_prefix_(per_prefix) {}
  explicit Exporter(const UpdateGroup& g)
      : Exporter(g.rules_,
                 g.policy_.out && (g.policy_.out->matches_prefix() || g.uses_multipath_)) {}

  // What sets how `best` goes for `prefix`, besides a route-map-out that
  // looks at prefixes or ECMP sets: its attributes, and what is reflected
  // depends on its source too (whether a client, its router-id as the
  // ORIGINATOR_ID it gets unless it has one, the next hop it keeps).
  using Key = std::tuple<const wire::PathAttributes*, wire::Family, bool, bool, uint32_t,
                         std::optional<wire::IpAddress>>;
  Key key_of(const Path& best, const wire::Prefix& prefix) const {
    const bool from_ibgp = learned_over_ibgp(best);
    const bool reflected = is_reflection(best, rules_);
    const uint32_t originator =
        reflected && !best.attributes->originator_id ? best.source.peer_router_id : 0;
    return {best.attributes.get(),
            wire::family_of(prefix.afi()),
            from_ibgp,
            reflected && best.source.rr_client,
            originator,
            kept_next_hop(best, prefix, rules_)};
  }
  // The variant `best` is sent as for `prefix` from ECMP set `multipath`
  // (given when route-map-out uses it); -1: not sent.
  int variant(const Path& best, const wire::Prefix& prefix,
              const policy::Multipath* multipath = nullptr) {
    Key key = key_of(best, prefix);
    // Consecutive prefixes mostly came in one UPDATE, with one attribute set.
    if (!per_prefix_ && last_ && last_->first == key) return last_->second.front();
    const auto it = by_source_.try_emplace(std::move(key)).first;
    auto& known = it->second;
    last_ = &*it;
    if (!per_prefix_ && !known.empty()) return known.front();
    auto attrs = export_attributes(best, prefix, rules_, multipath);
    int v = -1;
    if (attrs) v = add({std::move(*attrs), std::get<1>(it->first), std::get<5>(it->first)}, known);
    if (known.empty() || per_prefix_) known.push_back(v);
    return v;
  }
  // A variant of our own (a default route).
  int own(wire::PathAttributes attrs, wire::Family family) {
    std::vector<int> none;
    return add({std::move(attrs), family, std::nullopt}, none);
  }
  const std::vector<Variant>& variants() const { return variants_; }

 private:
  int add(Variant variant, const std::vector<int>& known) {
    for (int k : known)
      if (k >= 0 && variants_[size_t(k)] == variant) return k;
    variants_.push_back(std::move(variant));
    return int(variants_.size() - 1);
  }

  const ExportRules& rules_;
  bool per_prefix_;
  std::vector<Variant> variants_;
  std::map<Key, std::vector<int>> by_source_;
  const std::pair<const Key, std::vector<int>>* last_ = nullptr;  // the last looked up
};

GroupKey group_key(const MemberState& m, DrainState node_drain) {
  const PeerPolicy& policy = m.policy;
  GroupKey k;
  k.ebgp = m.info.ebgp;
  k.route_map_out = policy.out.get();
  k.remove_private_as = policy.remove_private_as;
  k.requires_policy = policy.requires_policy;
  k.default_originate = policy.default_originate;
  for (auto f : wire::kAllFamilies)
    if (m.info.families.has(f)) k.families |= family_bit(f);
  k.encoding = m.info.encoding;
  k.drain = effective_drain(node_drain, m.info.drain);
  k.rr_clients = policy.route_reflector_client;
  k.next_hop_self = policy.next_hop_self;
  k.sender_loop_check = policy.sender_loop_check;
  if ((policy.out && policy.out->matches_neighbor()) || !m.info.add_path.empty())
    k.only_member = m.info.id;
  if (!m.info.add_path.empty()) k.add_path = policy.add_path;
  return k;
}

UpdateGroup::UpdateGroup(const GroupKey& key, const MemberState& first, uint32_t local_as,
                         uint8_t drain_prepend, uint32_t cluster_id)
    : key_(key),
      policy_(first.policy),
      uses_multipath_(policy_.out && policy_.out->uses_multipath()) {
  rules_.rr_clients = key.rr_clients;
  rules_.next_hop_self = key.next_hop_self;
  rules_.cluster_id = cluster_id;
  rules_.ebgp = key.ebgp;
  rules_.local_as = local_as;
  rules_.drain = key.drain;
  rules_.drain_prepend = drain_prepend;
  rules_.policy = &policy_;
  // Only a group of one may look at its neighbour (see group_key); the
  // member's strings outlive the group, which goes when its member leaves.
  if (key.only_member) rules_.neighbor = first.info.neighbor();
  if (key.add_path.mode != AddPathSend::Mode::Off)
    add_path_ = std::make_unique<AddPathOut>(key.add_path, first.info.add_path);
}

void UpdateGroup::start(MemberState& first, std::span<const Table* const> tables,
                        AdvertisementSink& sink) {
  members_.push_back(&first);
  first.prefixes_sent = {};
  for (const Table* table : tables) {
    follow(*table);
    export_changes(table->exportable_keys(), *table, sink);
  }
  finish_join(first, sink);
}

void UpdateGroup::follow(const Table& table) {
  const wire::Family family = table.id().family;
  const bool sends_all = !key_.route_map_out && !(key_.ebgp && key_.requires_policy) &&
                         key_.drain != DrainState::Warm && !add_path_ &&
                         (key_.families & family_bit(family));
  const wire::Afi afi = wire::afi_of(family);
  if (sends_all) sent_.reserve(afi, table.loc_rib().entries().room(afi));
}

void UpdateGroup::join(MemberState& m, AdvertisementSink& sink) {
  members_.push_back(&m);
  m.prefixes_sent = {};
  send_table(m, sink);
  finish_join(m, sink);
}

void UpdateGroup::finish_join(MemberState& m, AdvertisementSink& sink) {
  // A graceful restart's helper would drop our stale routes at End-of-RIB,
  // so not while WARM after our own restart.
  const bool end_of_rib =
      m.end_of_rib_due && !(key_.drain == DrainState::Warm && m.info.we_restarted);
  finish_table(m, end_of_rib, sink);
  if (end_of_rib) m.end_of_rib_due = false;
}

void UpdateGroup::leave(const MemberState& m) {
  std::erase(members_, &m);
}

void UpdateGroup::resend(MemberState& m, AdvertisementSink& sink) {
  send_table(m, sink);
  finish_table(m, true, sink);
}

wire::PathAttributes UpdateGroup::default_route_attributes(const MemberState& m) const {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  if (m.info.ebgp)
    a.as_path->segments.push_back({wire::SegmentType::Sequence, {rules_.local_as}});
  else
    a.local_pref = kDefaultLocalPref;
  if (key_.drain == DrainState::Drained) apply_drain(a, rules_);
  return a;
}

template <class Fn>
void UpdateGroup::for_each_sent(const MemberState& m, const PrefixQuery& query, Fn fn) const {
  bool found = false;
  if (add_path_)
    add_path_->visit(query, [&](const wire::Prefix& prefix, uint32_t id, const Path& path) {
      found = true;  // the group's one member's: checked when sent
      fn(prefix, id, &path);
    });
  query.visit(sent_, [&](const wire::Prefix& prefix, const PathRef& path) {
    if (!exportable(*path, m)) return;
    found = true;
    fn(prefix, 0, path.get());
  });
  // The default route is the least specific: for an address, only when
  // nothing else holds it.
  if (policy_.default_originate && key_.drain != DrainState::Warm && !(query.longest && found))
    for (auto f : wire::kAllFamilies)
      if ((key_.families & family_bit(f)) && query.matches(default_route(f)))
        fn(default_route(f), 0, nullptr);
}

void UpdateGroup::visit_sent(const MemberState& m, const PrefixQuery& query,
                             const SentVisitor& f) const {
  for_each_sent(m, query, [&](const wire::Prefix& prefix, uint32_t id, const Path* path) {
    const wire::Family family = wire::family_of(prefix.afi());
    if (!path)
      f(prefix, id, {default_route_attributes(m), family, std::nullopt});
    else if (auto a = export_attributes(*path, prefix, rules_, sent_multipath(prefix)))
      f(prefix, id, {std::move(*a), family, kept_next_hop(*path, prefix, rules_)});
  });
}

std::vector<wire::Nlri> UpdateGroup::member_nlri(const MemberState& m) const {
  std::vector<wire::Nlri> out;
  for_each_sent(m, PrefixQuery{}, [&](const wire::Prefix& prefix, uint32_t id, const Path*) {
    out.push_back({prefix, id});
  });
  return out;
}

void withdraw_from(const MemberState& m, const std::vector<wire::Nlri>& nlri,
                   AdvertisementSink& sink) {
  if (nlri.empty()) return;
  Advertisement a;
  for (const auto& n : nlri) a.withdraw[wire::family_of(n.prefix.afi())].push_back(n);
  sink.advertise(m.info.id, a);
}

const policy::Multipath* UpdateGroup::sent_multipath(const wire::Prefix& prefix) const {
  return uses_multipath_ ? sent_multipath_.find(prefix) : nullptr;
}

void UpdateGroup::send_table(MemberState& m, AdvertisementSink& sink) {
  Exporter exporter(*this);
  Advertisement a;
  FamilyCounts count;
  std::optional<wire::Prefix> last;  // a prefix's paths come together
  for_each_sent(m, PrefixQuery{}, [&](const wire::Prefix& prefix, uint32_t id, const Path* path) {
    if (!path) return;  // the default route comes after the table
    const int v = exporter.variant(*path, prefix, sent_multipath(prefix));
    if (v < 0) return;
    if (a.announce.size() <= size_t(v)) a.announce.resize(size_t(v) + 1);
    a.announce[size_t(v)].push_back({prefix, id});
    if (last != prefix) ++count[prefix.afi()];
    last = prefix;
  });
  m.prefixes_sent = count;
  a.variants = exporter.variants();
  if (!a.empty()) sink.advertise(m.info.id, a);
}

void UpdateGroup::finish_table(const MemberState& m, bool end_of_rib, AdvertisementSink& sink) {
  Exporter own(rules_, false);
  Advertisement a;
  for (auto f : wire::kAllFamilies) {
    if (!m.info.negotiated.has(f)) continue;
    if ((key_.families & family_bit(f)) && policy_.default_originate &&
        key_.drain != DrainState::Warm) {
      const size_t v = size_t(own.own(default_route_attributes(m), f));
      a.announce.resize(v + 1);
      a.announce[v].push_back({default_route(f), 0});
    }
    if (end_of_rib) a.end_of_rib.push_back(f);
  }
  a.variants = own.variants();
  if (!a.empty()) sink.advertise(m.info.id, a);
}

void UpdateGroup::export_changes(std::span<const wire::Prefix> prefixes, const Table& table,
                                 AdvertisementSink& sink) {
  const LocRib& rib = table.loc_rib();
  const Aggregation& aggregation = table.aggregation();
  if (members_.empty()) return;
  if (add_path_) return export_add_path(prefixes, table, sink);
  Exporter exporter(*this);
  // The group's decisions: which path each prefix now exports, if any, and
  // whether it goes again to a member that had one: another path that is
  // sent otherwise, or the same path because its ECMP set moved.
  struct Change {
    wire::Prefix prefix;
    int variant;
    PathRef before, after;
    bool restated;
  };
  std::vector<Change> changes;
  for (const auto& prefix : prefixes) {
    const wire::Family family = wire::family_of(prefix.afi());
    if (!(key_.families & family_bit(family))) continue;
    if (prefix.length() == 0 && key_.default_originate) continue;  // ours is sent instead
    const LocRib::Entry* e = aggregation.suppressed(prefix) ? nullptr : rib.find(prefix);
    std::optional<policy::Multipath> set;
    if (e && uses_multipath_) set = multipath_of(*e);
    const int v = e ? exporter.variant(e->best(), prefix, set ? &*set : nullptr) : -1;
    const Path* after = v >= 0 ? &e->best() : nullptr;
    PathRef* slot = sent_.find(prefix);
    const policy::Multipath* sent_set = sent_multipath(prefix);
    const bool set_moved = after && set && (!sent_set || *sent_set != *set);
    // The same path (from the same set): no change for anyone.
    if ((slot ? slot->get() : nullptr) == after && !set_moved) continue;
    const Path* before = slot ? slot->get() : nullptr;
    const bool restated =
        set_moved ||
        (before && after && exporter.key_of(*before, prefix) != exporter.key_of(*after, prefix));
    changes.push_back({prefix, v, PathRef(before), PathRef(after), restated});
    if (!after) {
      sent_.erase(prefix);
      if (uses_multipath_) sent_multipath_.erase(prefix);
      continue;
    }
    if (slot)
      *slot = changes.back().after;
    else
      *sent_.try_emplace(prefix).first = changes.back().after;
    if (set) *sent_multipath_.try_emplace(prefix).first = *set;
  }
  if (changes.empty()) return;
  // Each member's share: announce what it may have now and did not have
  // in this form, withdraw what it had and may not have any more.
  for (MemberState* m : members_) {
    Advertisement a;
    a.variants = exporter.variants();
    a.announce.resize(exporter.variants().size());
    ExportableTo had(*m), has(*m);
    for (const auto& c : changes) {
      const bool was = had(c.before.get());
      const bool now = has(c.after.get());
      if (now && (!was || c.restated))
        a.announce[size_t(c.variant)].push_back({c.prefix, 0});
      else if (!now && was)
        a.withdraw[wire::family_of(c.prefix.afi())].push_back({c.prefix, 0});
      if (now != was) {
        size_t& sent = m->prefixes_sent[c.prefix.afi()];
        sent = now ? sent + 1 : sent - 1;
      }
    }
    if (!a.empty()) sink.advertise(m->info.id, a);
  }
}

void UpdateGroup::export_add_path(std::span<const wire::Prefix> prefixes, const Table& table,
                                  AdvertisementSink& sink) {
  MemberState& m = *members_.front();  // its only member
  Exporter exporter(*this);
  std::optional<policy::Multipath> set;  // the prefix's, when route-map-out uses it
  const AddPathOut::VariantOf variant_of = [&](const Path& path, const wire::Prefix& prefix) {
    return exportable(path, m) ? exporter.variant(path, prefix, set ? &*set : nullptr) : -1;
  };
  Advertisement a;
  for (const auto& prefix : prefixes) {
    if (!(key_.families & family_bit(wire::family_of(prefix.afi())))) continue;
    if (prefix.length() == 0 && key_.default_originate) continue;  // ours is sent instead
    const LocRib::Entry* e =
        table.aggregation().suppressed(prefix) ? nullptr : table.loc_rib().find(prefix);
    if (e && uses_multipath_) set = multipath_of(*e);
    add_path_->update(prefix, e, table.loc_rib().options(), variant_of, a, m.prefixes_sent);
  }
  a.variants = exporter.variants();
  if (!a.empty()) sink.advertise(m.info.id, a);
}

}  // namespace closbgp::rib
