#include "bgpd/session/update_group.h"

#include <map>

#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

uint8_t family_bit(wire::Family f) {
  return uint8_t(1u << uint8_t(f));
}

// One member's UPDATEs under construction.
struct Outbox {
  std::vector<std::vector<wire::Nlri>> announce;  // by variant
  std::map<wire::Family, std::vector<wire::Nlri>> withdraw;
};

wire::Prefix default_route(wire::Family f) {
  return wire::Prefix(
      wire::IpAddress::parse(f == wire::Family::Ipv4Unicast ? "0.0.0.0" : "::").value(), 0);
}

bool exportable(const rib::Path& path, const Peer& p) {
  const Negotiated& n = *p.negotiated();
  return exportable_to(path, p.id(), n.ebgp, n.peer_as);
}

// exportable() for one member over a run of changes: consecutive prefixes
// mostly share their Path (one per UPDATE), so the last verdict is kept.
class ExportableTo {
 public:
  explicit ExportableTo(const Peer& p) : peer_(p) {}
  bool operator()(const rib::Path* path) {
    if (!path) return false;
    if (path != last_) {
      last_ = path;
      verdict_ = exportable(*path, peer_);
    }
    return verdict_;
  }

 private:
  const Peer& peer_;
  const rib::Path* last_ = nullptr;
  bool verdict_ = false;
};

}  // namespace

// Exported attribute sets, each computed once per Loc-RIB attribute set
// (and source kind), or per prefix when route-map-out looks at prefixes.
class UpdateGroup::Exporter {
 public:
  Exporter(const ExportRules& rules, bool per_prefix) : rules_(rules), per_prefix_(per_prefix) {}

  // The variant `best` is sent as for `prefix`; -1: not sent.
  int variant(const rib::Path& best, const wire::Prefix& prefix) {
    const wire::Family family = wire::family_of(prefix.afi());
    const bool from_ibgp = best.source.peer_id != rib::kLocalSource && !best.source.ebgp;
    const Key key{best.attributes.get(), family, from_ibgp};
    // Consecutive prefixes mostly came in one UPDATE, with one attribute set.
    if (!per_prefix_ && last_ && last_->first == key) return last_->second.front();
    const auto it = by_source_.try_emplace(key).first;
    auto& known = it->second;
    last_ = &*it;
    if (!per_prefix_ && !known.empty()) return known.front();
    auto attrs = export_attributes(best, prefix, rules_);
    int v = -1;
    if (attrs) {
      for (int k : known)
        if (k >= 0 && variants_[size_t(k)].attributes == *attrs) v = k;
      if (v < 0) {
        v = int(variants_.size());
        variants_.push_back({std::move(*attrs), family});
      }
    }
    if (known.empty() || per_prefix_) known.push_back(v);
    return v;
  }
  const std::vector<Variant>& variants() const { return variants_; }

 private:
  const ExportRules& rules_;
  bool per_prefix_;
  using Key = std::tuple<const wire::PathAttributes*, wire::Family, bool>;
  std::vector<Variant> variants_;
  std::map<Key, std::vector<int>> by_source_;
  const std::pair<const Key, std::vector<int>>* last_ = nullptr;  // the last looked up
};

GroupKey group_key(const Peer& p, DrainState node_drain) {
  const Negotiated& n = *p.negotiated();
  const PeerPolicy& policy = p.policy();
  GroupKey k;
  k.ebgp = n.ebgp;
  k.route_map_out = policy.out.get();
  k.remove_private_as = policy.remove_private_as;
  k.requires_policy = policy.requires_policy;
  k.default_originate = policy.default_originate;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f) && p.next_hop_self(f)) k.families |= family_bit(f);
  const auto ctx = n.encode_context();
  k.four_octet_as = ctx.four_octet_as;
  k.extended_message = ctx.extended_message;
  k.drain = effective_drain(node_drain, p.drain());
  if ((policy.out && policy.out->matches_neighbor()) || !ctx.add_path.empty()) k.only_peer = p.id();
  return k;
}

UpdateGroup::UpdateGroup(const GroupKey& key, const Peer& first, uint32_t local_as,
                         uint8_t drain_prepend)
    : key_(key), policy_(first.policy()) {
  rules_.ebgp = key.ebgp;
  rules_.local_as = local_as;
  rules_.drain = key.drain;
  rules_.drain_prepend = drain_prepend;
  rules_.policy = &policy_;
  // Only a group of one may look at its neighbour (see group_key).
  if (key.only_peer) rules_.neighbor = first.policy_neighbor();
}

namespace {

// Encodes and sends one member its outbox, with the session's next hops.
void send(Peer& p, const std::vector<UpdateGroup::Variant>& variants, const Outbox& box) {
  const Negotiated* n = p.negotiated();
  if (!n) return;
  std::vector<uint8_t> out;
  size_t messages = 0;
  const auto ctx = n->encode_context();
  for (const auto& [family, nlri] : box.withdraw)
    messages += wire::encode_withdraw(family, nlri, ctx, out);
  std::map<wire::Family, wire::MpNextHop> next_hops;
  for (size_t v = 0; v < box.announce.size(); ++v) {
    if (box.announce[v].empty()) continue;
    const auto& variant = variants[v];
    auto nh = next_hops.find(variant.family);
    if (nh == next_hops.end())
      nh = next_hops.emplace(variant.family, *p.next_hop_self(variant.family)).first;
    messages += wire::encode_announce(variant.attributes, nh->second, variant.family,
                                      box.announce[v], ctx, out);
  }
  p.send(std::move(out), messages);
}

}  // namespace

void UpdateGroup::join(Peer& p, const rib::LocRib& rib, const rib::Aggregation& aggregation,
                       const std::function<bool(const wire::Prefix&)>& held) {
  members_.push_back(&p);
  p.set_prefixes_sent(0);
  if (members_.size() == 1 && sent_.empty()) {  // a new group: the whole table
    auto table = rib.entries().keys();
    std::erase_if(table, held);
    export_changes(table, rib, aggregation);
  } else {
    send_table(p);
  }
  // End-of-RIB once per session; a graceful restart's helper would drop our
  // stale routes at it, so not while WARM after our own restart.
  const bool end_of_rib =
      p.end_of_rib_due() && !(key_.drain == DrainState::Warm && p.restarting_gracefully());
  finish_table(p, end_of_rib);
  if (end_of_rib) p.end_of_rib_sent();
}

void UpdateGroup::leave(const Peer& p) {
  std::erase(members_, &p);
}

void UpdateGroup::resend(Peer& p) {
  send_table(p);
  finish_table(p, true);
}

wire::PathAttributes UpdateGroup::default_route_attributes(const Peer& p) const {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  if (p.negotiated()->ebgp)
    a.as_path->segments.push_back({wire::SegmentType::Sequence, {rules_.local_as}});
  else
    a.local_pref = rib::kDefaultLocalPref;
  if (key_.drain == DrainState::Drained) apply_drain(a, rules_);
  return a;
}

template <class Fn>
void UpdateGroup::for_each_sent(const Peer& p, Fn fn) const {
  sent_.for_each([&](const wire::Prefix& prefix, const rib::PathRef& path) {
    if (exportable(*path, p)) fn(prefix, path.get());
  });
  if (policy_.default_originate && key_.drain != DrainState::Warm)
    for (auto f : wire::kAllFamilies)
      if (key_.families & family_bit(f)) fn(default_route(f), nullptr);
}

std::vector<std::pair<wire::Prefix, wire::PathAttributes>> UpdateGroup::adj_rib_out(
    const Peer& p) const {
  std::vector<std::pair<wire::Prefix, wire::PathAttributes>> out;
  for_each_sent(p, [&](const wire::Prefix& prefix, const rib::Path* path) {
    if (!path)
      out.emplace_back(prefix, default_route_attributes(p));
    else if (auto a = export_attributes(*path, prefix, rules_))
      out.emplace_back(prefix, std::move(*a));
  });
  return out;
}

std::vector<wire::Prefix> UpdateGroup::member_prefixes(const Peer& p) const {
  std::vector<wire::Prefix> out;
  for_each_sent(p, [&](const wire::Prefix& prefix, const rib::Path*) { out.push_back(prefix); });
  return out;
}

void UpdateGroup::withdraw_from(Peer& p, const std::vector<wire::Prefix>& prefixes) {
  if (prefixes.empty() || !p.negotiated()) return;
  Outbox box;
  for (const auto& prefix : prefixes)
    box.withdraw[wire::family_of(prefix.afi())].push_back({prefix, 0});
  send(p, {}, box);
}

void UpdateGroup::send_table(Peer& p) {
  Exporter exporter(rules_, policy_.out && policy_.out->matches_prefix());
  Outbox box;
  size_t count = 0;
  sent_.for_each([&](const wire::Prefix& prefix, const rib::PathRef& path) {
    if (!exportable(*path, p)) return;
    const int v = exporter.variant(*path, prefix);
    if (v < 0) return;
    if (box.announce.size() <= size_t(v)) box.announce.resize(size_t(v) + 1);
    box.announce[size_t(v)].push_back({prefix, 0});
    ++count;
  });
  p.set_prefixes_sent(count);
  send(p, exporter.variants(), box);
}

// After the table: our default route (default-originate) and End-of-RIB
// for every family the session carries.
void UpdateGroup::finish_table(Peer& p, bool end_of_rib) {
  const Negotiated& n = *p.negotiated();
  std::vector<uint8_t> out;
  size_t count = 0;
  for (auto f : wire::kAllFamilies) {
    if (!n.families.has(f)) continue;
    const auto next_hop = p.next_hop_self(f);
    if (!next_hop && end_of_rib)  // said once, when the session comes up
      session_logger()->warn(
          "{}: {} negotiated but not sendable: {}", p.identity().name, wire::family_name(f),
          f == wire::Family::Ipv6Unicast
              ? "the session runs over IPv4"
              : "the session runs over IPv6 and the peer did not offer extended next hop");
    if (next_hop && policy_.default_originate && key_.drain != DrainState::Warm) {
      const wire::PathAttributes a = default_route_attributes(p);
      const wire::Nlri any[] = {{default_route(f), 0}};
      session_logger()->info("{}: originating {} (default-originate)", p.identity().name,
                             any[0].prefix.to_string());
      count += wire::encode_announce(a, *next_hop, f, any, n.encode_context(), out);
    }
    if (!end_of_rib) continue;
    wire::encode_end_of_rib(f, out);
    ++count;
  }
  p.send(std::move(out), count);
}

void UpdateGroup::export_changes(const std::vector<wire::Prefix>& prefixes, const rib::LocRib& rib,
                                 const rib::Aggregation& aggregation) {
  if (members_.empty()) return;
  Exporter exporter(rules_, policy_.out && policy_.out->matches_prefix());
  // The group's decisions: which path each prefix now exports, if any.
  struct Change {
    wire::Prefix prefix;
    int variant;
    rib::PathRef before, after;
  };
  std::vector<Change> changes;
  for (const auto& prefix : prefixes) {
    const wire::Family family = wire::family_of(prefix.afi());
    if (!(key_.families & family_bit(family))) continue;
    if (prefix.length() == 0 && key_.default_originate) continue;  // ours is sent instead
    const rib::LocRib::Entry* e = aggregation.suppressed(prefix) ? nullptr : rib.find(prefix);
    const int v = e ? exporter.variant(e->best(), prefix) : -1;
    const rib::Path* after = v >= 0 ? &e->best() : nullptr;
    rib::PathRef* slot = sent_.find(prefix);
    if ((slot ? slot->get() : nullptr) == after) continue;  // the same path: no change for anyone
    changes.push_back({prefix, v, slot ? *slot : rib::PathRef(), rib::PathRef(after)});
    if (!after)
      sent_.erase(prefix);
    else if (slot)
      *slot = changes.back().after;
    else
      *sent_.try_emplace(prefix).first = changes.back().after;
  }
  if (changes.empty()) return;
  // Each member's share: announce what it may have now and did not have
  // in this form, withdraw what it had and may not have any more.
  for (Peer* m : members_) {
    Outbox box;
    box.announce.resize(exporter.variants().size());
    long delta = 0;
    ExportableTo had(*m), has(*m);
    for (const auto& c : changes) {
      const bool was = had(c.before.get());
      const bool now = has(c.after.get());
      if (now && (!was || c.before->attributes != c.after->attributes))
        box.announce[size_t(c.variant)].push_back({c.prefix, 0});
      else if (!now && was)
        box.withdraw[wire::family_of(c.prefix.afi())].push_back({c.prefix, 0});
      delta += long(now) - long(was);
    }
    m->add_prefixes_sent(delta);
    send(*m, exporter.variants(), box);
  }
}

}  // namespace closbgp::session
