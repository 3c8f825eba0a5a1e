#include "bgpd/api/route_views.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "policy/community.h"

namespace closbgp::api {
namespace {

RouteView route_view(const wire::Prefix& prefix, const std::string& peer,
                     const wire::MpNextHop& next_hop, const wire::PathAttributes& a) {
  static constexpr const char* kOrigins[] = {"igp", "egp", "incomplete"};
  RouteView v;
  v.prefix = prefix.to_string();
  v.peer = peer;
  v.next_hop = next_hop.address.to_string();
  if (next_hop.link_local) v.next_hop_link_local = next_hop.link_local->to_string();
  if (a.as_path)
    for (const auto& seg : a.as_path->segments)
      v.as_path.insert(v.as_path.end(), seg.asns.begin(), seg.asns.end());
  if (a.origin) v.origin = kOrigins[uint8_t(*a.origin)];
  v.med = a.med;
  v.local_pref = a.local_pref;
  for (uint32_t c : a.communities) v.communities.push_back(policy::community_text(c));
  for (const auto& c : a.large_communities)
    v.large_communities.push_back(policy::large_community_text(c));
  for (uint64_t c : a.ext_communities) v.ext_communities.push_back(policy::ext_community_text(c));
  v.atomic_aggregate = a.atomic_aggregate;
  if (a.aggregator)
    v.aggregator = std::to_string(a.aggregator->asn) + " " +
                   wire::IpAddress::v4(a.aggregator->address).to_string();
  if (a.originator_id) v.originator_id = wire::IpAddress::v4(*a.originator_id).to_string();
  for (uint32_t id : a.cluster_list) v.cluster_list.push_back(wire::IpAddress::v4(id).to_string());
  return v;
}

// One received path: as policy left it if it is in the Loc-RIB
// (`as_received`: as the neighbour sent it), with its flags there.
RouteView received_view(const rib::Rib& rib, const std::string& name, rib::SourceId id,
                        const wire::Prefix& prefix, const rib::Path& received, bool as_received) {
  const rib::LocRib::Entry* entry = rib.entry(prefix);
  const uint32_t path_id = received.source.path_id;
  const rib::Path* in_rib = rib.accepted(prefix, id, path_id);
  const auto& shown = in_rib && !as_received ? *in_rib->attributes : *received.attributes;
  RouteView v = route_view(prefix, name, received.next_hop, shown);
  v.path_id = path_id;
  v.accepted = in_rib != nullptr;
  if (!v.accepted && received.accepted && !rib::NextHopTracker::direct(received)) {
    const rib::Resolution* r = rib.next_hops().find(received.next_hop.address);
    v.next_hop_unresolved = r && !r->resolved();
  }
  if (entry) {
    const auto set = entry->multipath();
    for (size_t i = 0; i < set.size(); ++i) {
      if (rib::CandidateKey::of(entry->path(set[i])) != rib::CandidateKey{id, path_id}) continue;
      v.multipath = true;
      v.best = i == 0;
    }
  }
  return v;
}

// Whether import policy, loop detection or resolution left one of the
// neighbour's paths for `prefix` out of the Loc-RIB.
bool any_rejected(const rib::Rib& rib, const wire::Prefix& prefix, rib::SourceId id,
                  const rib::ReceivedPaths& paths) {
  for (size_t i = 0; i < paths.size(); ++i)
    if (!rib.accepted(prefix, id, paths.path(i).source.path_id)) return true;
  return false;
}

// A listing's prefixes, sorted once when it starts; each page looks its
// prefixes up again, so it shows what the tables hold then.
class SortedPages : public RoutePages {
 public:
  std::optional<std::vector<RouteView>> next(size_t max_routes) override {
    if (next_ == prefixes_.size() || !begin_page()) return std::nullopt;
    std::vector<RouteView> out;
    while (next_ < prefixes_.size() && out.size() < max_routes) append(prefixes_[next_++], out);
    return out;
  }

 protected:
  void sort_prefixes() {
    std::sort(prefixes_.begin(), prefixes_.end());
    prefixes_.erase(std::unique(prefixes_.begin(), prefixes_.end()), prefixes_.end());
  }
  // Before each page: false when the listing cannot go on.
  virtual bool begin_page() = 0;
  virtual void append(const wire::Prefix& prefix, std::vector<RouteView>& out) = 0;

  std::vector<wire::Prefix> prefixes_;

 private:
  size_t next_ = 0;
};

// One neighbour's table: `name`, as long as it is the same session's
// neighbour (a reload may remove it, or its interface come back anew).
class NeighborPages : public SortedPages {
 protected:
  NeighborPages(const session::Speaker& speaker, std::string name, const session::Peer& p)
      : speaker_(speaker), name_(std::move(name)), id_(p.id()), peer_(&p) {}
  bool begin_page() override {
    auto p = speaker_.find_peer(name_);
    peer_ = p && (*p)->id() == id_ ? *p : nullptr;
    return peer_ != nullptr;
  }

  const session::Speaker& speaker_;
  const std::string name_;
  const rib::SourceId id_;
  const session::Peer* peer_;  // valid for the page being made
};

class ReceivedPages final : public NeighborPages {
 public:
  ReceivedPages(const session::Speaker& speaker, std::string name, const session::Peer& p,
                const rib::PrefixQuery& query)
      : NeighborPages(speaker, std::move(name), p) {
    if (const rib::AdjRibIn* in = speaker.rib().adj_rib_in(id_))
      query.visit(in->routes(), [&](const wire::Prefix& prefix, const rib::ReceivedPaths&) {
        prefixes_.push_back(prefix);
      });
    sort_prefixes();
  }

 private:
  void append(const wire::Prefix& prefix, std::vector<RouteView>& out) override {
    const rib::AdjRibIn* in = speaker_.rib().adj_rib_in(id_);
    if (const rib::ReceivedPaths* paths = in ? in->paths(prefix) : nullptr)
      for (size_t i = 0; i < paths->size(); ++i)
        out.push_back(received_view(speaker_.rib(), name_, id_, prefix, paths->path(i), true));
  }
};

class SentPages final : public NeighborPages {
 public:
  SentPages(const session::Speaker& speaker, std::string name, const session::Peer& p,
            const rib::PrefixQuery& query)
      : NeighborPages(speaker, std::move(name), p) {
    speaker.rib().visit_adj_rib_out(id_, query,
                                    [&](const wire::Prefix& prefix, uint32_t, const rib::Variant&) {
                                      prefixes_.push_back(prefix);
                                    });
    sort_prefixes();
  }

 private:
  void append(const wire::Prefix& prefix, std::vector<RouteView>& out) override {
    speaker_.rib().visit_adj_rib_out(
        id_, rib::PrefixQuery{prefix},
        [&](const wire::Prefix&, uint32_t path_id, const rib::Variant& sent) {
          const auto next_hop = rib::sent_next_hop(sent, peer_->next_hop_self(sent.family))
                                    .value_or(wire::MpNextHop{});
          out.push_back(route_view(prefix, name_, next_hop, sent.attributes));
          out.back().path_id = path_id;
        });
  }
};

// The RIB by prefix. The paths neighbours sent that import policy or loop
// detection refused are only in their Adj-RIB-In: found in one pass when
// the listing starts, shown after a prefix's candidates, by neighbour.
class RibPages final : public SortedPages {
 public:
  RibPages(const session::Speaker& speaker, const rib::PrefixQuery& query) : speaker_(speaker) {
    const rib::Rib& rib = speaker.rib();
    // An address resolves to the prefix forwarding would use: the Loc-RIB's.
    rib::PrefixQuery selected = query;
    if (query.longest) {
      const auto& loc = rib.unicast(query.prefix->afi()).loc_rib().entries();
      const auto [prefix, entry] = loc.longest_match(*query.prefix);
      if (!entry) return;
      selected = rib::PrefixQuery{prefix, false};
    }
    for (const rib::Table* table : rib.default_vrf())
      if (!selected.prefix || wire::family_of(selected.prefix->afi()) == table->id().family)
        selected.visit(
            table->loc_rib().entries(),
            [&](const wire::Prefix& p, const rib::LocRib::Entry&) { prefixes_.push_back(p); });
    for (const auto& [name, peer] : speaker.peers()) {
      const uint32_t id = peer->id();
      const rib::AdjRibIn* in = rib.adj_rib_in(id);
      // A path is left out of the Loc-RIB for a loop, by import policy or
      // for a next hop that does not resolve: a neighbour with none of
      // these has none to show here, and its table is not looked through
      // (most of the pause before a long listing).
      if (in && (in->accepted() < in->received() || rib.rejected_by_policy(id) > 0 ||
                 !rib.next_hops().empty()))
        selected.visit(in->routes(), [&](const wire::Prefix& p, const rib::ReceivedPaths& paths) {
          if (any_rejected(rib, p, id, paths)) rejected_.push_back({p, id});
        });
    }
    std::stable_sort(rejected_.begin(), rejected_.end(),
                     [](const Rejected& a, const Rejected& b) { return a.prefix < b.prefix; });
    for (const auto& r : rejected_) prefixes_.push_back(r.prefix);
    sort_prefixes();
  }

 private:
  struct Rejected {
    wire::Prefix prefix;
    uint32_t id;
  };

  bool begin_page() override {
    names_.clear();
    for (const auto& [name, peer] : speaker_.peers()) names_[peer->id()] = &name;
    return true;
  }

  void append(const wire::Prefix& prefix, std::vector<RouteView>& out) override {
    const rib::Rib& rib = speaker_.rib();
    if (const rib::LocRib::Entry* entry = rib.entry(prefix)) {
      const auto set = entry->multipath();
      std::vector<bool> shown(entry->size());
      auto show = [&](size_t i, bool in_set) {
        const rib::Path& path = entry->path(i);
        const uint32_t id = path.source.peer_id;
        const bool local = id == rib::kLocalSource;
        const auto name = names_.find(id);
        RouteView v = route_view(prefix,
                                 local                  ? "local"
                                 : name != names_.end() ? *name->second
                                                        : "",
                                 local ? wire::unspecified_next_hop(prefix) : path.next_hop,
                                 *path.attributes);
        v.accepted = true;
        v.multipath = in_set;
        v.best = i == entry->best_index();
        v.path_id = path.source.path_id;
        out.push_back(std::move(v));
        shown[i] = true;
      };
      for (uint16_t i : set) show(i, true);
      for (size_t i = 0; i < entry->size(); ++i)
        if (!shown[i]) show(i, false);
    }
    for (; next_rejected_ < rejected_.size() && rejected_[next_rejected_].prefix == prefix;
         ++next_rejected_) {
      const Rejected& r = rejected_[next_rejected_];
      const auto name = names_.find(r.id);
      const rib::AdjRibIn* in = rib.adj_rib_in(r.id);
      const rib::ReceivedPaths* paths = in ? in->paths(prefix) : nullptr;
      for (size_t i = 0; name != names_.end() && paths && i < paths->size(); ++i)
        if (!rib.accepted(prefix, r.id, paths->path(i).source.path_id))
          out.push_back(received_view(rib, *name->second, r.id, prefix, paths->path(i), true));
    }
  }

  const session::Speaker& speaker_;
  std::vector<Rejected> rejected_;  // by prefix
  size_t next_rejected_ = 0;
  std::map<uint32_t, const std::string*> names_;  // source id -> neighbour, for one page
};

}  // namespace

std::unique_ptr<RoutePages> rib_routes(const session::Speaker& speaker,
                                       const rib::PrefixQuery& query) {
  return std::make_unique<RibPages>(speaker, query);
}

std::unique_ptr<RoutePages> received_routes(const session::Speaker& speaker,
                                            const std::string& name, const session::Peer& p,
                                            const rib::PrefixQuery& query) {
  return std::make_unique<ReceivedPages>(speaker, name, p, query);
}

std::unique_ptr<RoutePages> sent_routes(const session::Speaker& speaker, const std::string& name,
                                        const session::Peer& p, const rib::PrefixQuery& query) {
  return std::make_unique<SentPages>(speaker, name, p, query);
}

std::optional<RouteDetailView> route_detail(const session::Speaker& speaker,
                                            const rib::PrefixQuery& query) {
  if (!query.prefix) return std::nullopt;
  wire::Prefix prefix = *query.prefix;
  if (query.longest) {
    const auto [found, entry] =
        speaker.rib().unicast(prefix.afi()).loc_rib().entries().longest_match(prefix);
    if (!entry) return std::nullopt;
    prefix = found;
  }
  const rib::PrefixQuery exact{prefix, false};
  auto paths = RibPages(speaker, exact).next(SIZE_MAX);
  if (!paths || paths->empty()) return std::nullopt;
  RouteDetailView detail{prefix.to_string(), std::move(*paths), {}};
  for (const auto& [name, peer] : speaker.peers()) {
    bool sent = false;
    speaker.rib().visit_adj_rib_out(
        peer->id(), exact,
        [&](const wire::Prefix&, uint32_t, const rib::Variant&) { sent = true; });
    if (sent) detail.advertised_to.push_back(name);
  }
  return detail;
}

}  // namespace closbgp::api
