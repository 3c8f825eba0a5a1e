#include "bgpd/api/evpn_view.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "policy/community.h"

namespace closbgp::api {
namespace {

EvpnPathView path_view(const rib::EvpnTable::Candidate& c, const std::string& peer, bool best) {
  EvpnPathView v;
  v.peer = peer;
  v.next_hop = c.path->next_hop.address.to_string();
  v.esi = wire::esi_text(c.fields.esi);
  const auto labels = c.fields.label_span();
  v.vnis.assign(labels.begin(), labels.end());
  const auto& a = *c.path->attributes;
  if (a.as_path)
    for (const auto& seg : a.as_path->segments)
      v.as_path.insert(v.as_path.end(), seg.asns.begin(), seg.asns.end());
  for (uint64_t ec : a.ext_communities) v.ext_communities.push_back(policy::ext_community_text(ec));
  v.best = best;
  return v;
}

bool selected(const EvpnQuery& q, const wire::EvpnRoute& key, const rib::EvpnTable::Entry& e) {
  if (q.type && key.type != q.type) return false;
  if (!q.rd.empty() && key.rd.to_string() != q.rd) return false;
  return !q.vni || std::ranges::any_of(e.candidates, [&](const auto& c) {
    const auto labels = c.fields.label_span();
    return std::ranges::find(labels, q.vni) != labels.end();
  });
}

// An import target as shown: "rt:*:VNI" for the automatic one (any AS).
std::string import_rt_text(uint64_t rt, uint32_t vni) {
  return rt ? policy::ext_community_text(rt) : "rt:*:" + std::to_string(vni);
}

}  // namespace

std::vector<EvpnRouteView> evpn_view(const session::Speaker& speaker, const EvpnQuery& query) {
  std::map<uint32_t, std::string> names{{rib::kLocalSource, "local"}};  // source id -> neighbour
  for (const auto& [name, peer] : speaker.peers()) names[peer->id()] = name;
  using Order = std::tuple<wire::RouteDistinguisher, const rib::EvpnTable::Key*>;
  std::vector<std::pair<Order, EvpnRouteView>> out;
  for (const auto& [key, entry] : speaker.rib().evpn().entries()) {
    const wire::EvpnRoute route = rib::EvpnTable::route_of(key);
    if (!selected(query, route, entry)) continue;
    EvpnRouteView v{route.rd.to_string(), route.type, wire::evpn_route_text(route), {}};
    for (size_t i = 0; i < entry.candidates.size(); ++i) {
      const auto& c = entry.candidates[i];
      const auto name = names.find(c.path->source.peer_id);
      v.paths.push_back(path_view(c, name != names.end() ? name->second : "", i == entry.best));
    }
    out.emplace_back(Order{route.rd, &key}, std::move(v));
  }
  std::ranges::sort(out, [](const auto& a, const auto& b) {
    return std::get<0>(a.first) != std::get<0>(b.first)
               ? std::get<0>(a.first) < std::get<0>(b.first)
               : *std::get<1>(a.first) < *std::get<1>(b.first);
  });
  std::vector<EvpnRouteView> views;
  views.reserve(out.size());
  for (auto& [order, v] : out) views.push_back(std::move(v));
  return views;
}

std::vector<EvpnVniView> evpn_vni_view(const rib::EvpnLeaf& leaf, uint32_t only) {
  std::vector<EvpnVniView> out;
  const auto& remote = leaf.remote();
  for (const auto& [vni, v] : leaf.vnis()) {
    if (only && vni != only) continue;
    EvpnVniView view{vni,
                     v.local.vtep.to_string(),
                     v.rd.to_string(),
                     policy::ext_community_text(v.export_rt),
                     import_rt_text(v.import_rt, vni),
                     {},
                     {},
                     {}};
    if (auto f = remote.floods().find(vni); f != remote.floods().end())
      for (const auto& [vtep, routes] : f->second) view.remote_vteps.push_back(vtep.to_string());
    for (const auto& [mac, local] : v.macs) {
      const bool duplicate = leaf.frozen(vni, mac);
      view.macs.push_back({wire::mac_text(mac), "", true, !local.advertised && !duplicate,
                           duplicate, local.sequence});
    }
    for (const auto& [k, vtep] : remote.installed_macs())
      if (k.first == vni) {
        const auto claim = remote.mac(k);
        view.macs.push_back({wire::mac_text(k.second), vtep.to_string(), false, false, false,
                             claim ? claim->mobility.sequence : 0});
      }
    const auto& duplicates = leaf.duplicate_ips();
    for (const auto& [ip, mac] : v.neighbors)
      view.neighbors.push_back({ip.to_string(), wire::mac_text(mac), "", true,
                                v.routers.contains(ip), duplicates.duplicate({vni, ip})});
    for (const auto& [k, at] : remote.installed_neighbors())
      if (k.first == vni) {
        const auto claim = remote.neighbor(k);
        view.neighbors.push_back({k.second.to_string(), wire::mac_text(at.mac),
                                  claim ? claim->first.vtep.to_string() : "", false, at.router,
                                  duplicates.duplicate(k)});
      }
    out.push_back(std::move(view));
  }
  return out;
}

EvpnTenantView evpn_tenant_view(const rib::EvpnTenant& tenant, const std::string& name) {
  const auto& id = tenant.identity();
  const uint32_t l3vni = tenant.config().l3vni;
  EvpnTenantView v;
  v.name = name;
  v.l3vni = l3vni;
  if (const auto* a = tenant.attachment()) {
    v.present = true;
    v.vtep = a->vtep.to_string();
    v.router_mac = wire::mac_text(a->router_mac);
    v.rd = id.rd.to_string();
    v.export_rt = policy::ext_community_text(id.export_rt);
    v.import_rt = import_rt_text(id.import_rt, l3vni);
  }
  for (const auto& p : tenant.advertised_subnets()) v.subnets.push_back(p.to_string());
  for (const auto& [prefix, vteps] : tenant.routes()) {
    auto& r = v.routes.emplace_back(prefix.to_string(), std::vector<std::string>{});
    for (const auto& vtep : vteps) r.second.push_back(vtep.to_string());
  }
  for (const auto& [vtep, mac] : tenant.router_macs())
    v.router_macs.emplace_back(vtep.to_string(), wire::mac_text(mac));
  return v;
}

std::vector<EvpnVniCounts> evpn_vni_counts(const rib::EvpnLeaf& leaf) {
  std::map<uint32_t, EvpnVniCounts> by_vni;
  for (const auto& [vni, v] : leaf.vnis()) {
    EvpnVniCounts& c = by_vni[vni];
    c.vni = vni;
    for (const auto& [mac, local] : v.macs)
      ++(leaf.frozen(vni, mac) ? c.duplicate_macs : local.advertised ? c.local_macs : c.moved_macs);
    c.local_neighbors = v.neighbors.size();
  }
  const auto& remote = leaf.remote();
  for (const auto& [vni, installed] : remote.installed_per_vni())
    if (auto it = by_vni.find(vni); it != by_vni.end()) {
      it->second.remote_macs = installed.macs;
      it->second.remote_neighbors = installed.neighbors;
    }
  for (const auto& [vni, vteps] : remote.floods())
    if (auto it = by_vni.find(vni); it != by_vni.end()) it->second.remote_vteps = vteps.size();
  for (const auto& [vni, ip] : leaf.duplicate_ips().all())
    if (auto it = by_vni.find(vni); it != by_vni.end()) ++it->second.duplicate_ips;
  std::vector<EvpnVniCounts> out;
  for (auto& [vni, c] : by_vni) out.push_back(c);
  return out;
}

}  // namespace closbgp::api
