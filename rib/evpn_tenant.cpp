#include "rib/evpn_tenant.h"

#include <algorithm>
#include <utility>

#include "rib/attr_intern.h"
#include "rib/evpn_import.h"

namespace closbgp::rib {

void EvpnTenant::attach(std::optional<Attachment> a, const Identity& id) {
  if (a == attached_ && id == id_) return;
  withdraw();
  const bool import_changed =
      a.has_value() != attached_.has_value() || id.import_rt != id_.import_rt;
  attached_ = std::move(a);
  id_ = id;
  advertise();
  if (import_changed) import_all();
}

void EvpnTenant::set_subnets(std::set<wire::Prefix> subnets) {
  if (subnets == subnets_) return;
  withdraw();
  // A subnet of ours is not installed as remote: both sides of the change
  // are looked at again.
  for (const auto& p : subnets_) dirty_prefixes_.insert(p);
  for (const auto& p : subnets) dirty_prefixes_.insert(p);
  subnets_ = std::move(subnets);
  advertise();
}

void EvpnTenant::set_route_map(std::shared_ptr<const policy::RouteMap> route_map) {
  if (route_map == config_.route_map) return;
  withdraw();
  config_.route_map = std::move(route_map);
  advertise();
}

wire::PathAttributes EvpnTenant::type5_attributes() const {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  a.ext_communities = {id_.export_rt, wire::kEncapVxlan};
  if (attached_) a.ext_communities.push_back(wire::router_mac_community(attached_->router_mac));
  std::ranges::sort(a.ext_communities);
  return a;
}

std::vector<std::pair<wire::Prefix, std::optional<wire::PathAttributes>>> EvpnTenant::outgoing()
    const {
  std::vector<std::pair<wire::Prefix, std::optional<wire::PathAttributes>>> out;
  const auto attributes = type5_attributes();
  for (const auto& p : subnets_) {
    if (!(p.afi() == wire::Afi::Ipv4 ? config_.ipv4 : config_.ipv6)) continue;
    if (!config_.route_map) {
      out.emplace_back(p, std::nullopt);
      continue;
    }
    auto verdict = config_.route_map->apply(p, attributes, {});
    if (verdict.permit) out.emplace_back(p, std::move(verdict.changed));
  }
  return out;
}

std::vector<wire::Prefix> EvpnTenant::advertised_subnets() const {
  std::vector<wire::Prefix> out;
  for (const auto& [p, attributes] : outgoing()) out.push_back(p);
  return out;
}

wire::EvpnRoute EvpnTenant::type5_route(const wire::Prefix& p) const {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::IpPrefix);
  r.rd = id_.rd;
  r.ip = p.address();
  r.prefix_length = p.length();
  r.labels = {config_.l3vni};
  return r;
}

// The subnets the route-map left unchanged share one path; each one it
// changed gets a path of its own.
void EvpnTenant::advertise() {
  if (!attached_) return;
  const wire::MpNextHop next_hop{attached_->vtep, std::nullopt};
  std::vector<wire::EvpnRoute> plain;
  for (auto& [p, changed] : outgoing()) {
    if (!changed) {
      plain.push_back(type5_route(p));
      continue;
    }
    const wire::EvpnRoute route = type5_route(p);
    table_.announce(make_path(intern(*changed), next_hop), std::span(&route, 1));
  }
  table_.announce(make_path(intern(type5_attributes()), next_hop), plain);
  advertised_ = true;
}

void EvpnTenant::withdraw() {
  if (!std::exchange(advertised_, false)) return;
  std::vector<wire::EvpnRoute> routes;
  for (const auto& p : advertised_subnets()) routes.push_back(type5_route(p));
  table_.withdraw(kOwnEvpnRoutes, routes);
}

void EvpnTenant::import_all() {
  while (!imported_.empty()) drop(imported_.begin()->first);
  for (const auto& [key, entry] : table_.entries()) update(key, &entry);
}

std::optional<wire::Prefix> EvpnTenant::prefix_of(const wire::EvpnRoute& route) const {
  if (!route.ip) return std::nullopt;
  if (route.type == uint8_t(wire::EvpnType::IpPrefix))
    return wire::Prefix(*route.ip, route.prefix_length);
  // A host's MAC/IP route names the tenant with its second label.
  if (route.type == uint8_t(wire::EvpnType::MacIp) && route.labels.size() == 2 &&
      !route.ip->is_link_local())
    return wire::Prefix(*route.ip, wire::max_prefix_length(route.ip->afi()));
  return std::nullopt;
}

void EvpnTenant::drop(const EvpnTable::Key& key) {
  auto it = imported_.find(key);
  if (it == imported_.end()) return;
  const Claim& c = it->second;
  if (auto cl = claims_.find(c.prefix); cl != claims_.end()) {
    cl->second.erase(key);
    if (cl->second.empty()) claims_.erase(cl);
  }
  auto& macs = rmacs_[c.vtep];
  if (--macs[c.router_mac] == 0) macs.erase(c.router_mac);
  if (macs.empty()) rmacs_.erase(c.vtep);
  dirty_prefixes_.insert(c.prefix);
  dirty_vteps_.insert(c.vtep);
  imported_.erase(it);
}

void EvpnTenant::update(const EvpnTable::Key& key, const EvpnTable::Entry* entry) {
  drop(key);
  if (!entry || !attached_) return;
  const auto& best = entry->best_candidate();
  const Path& path = *best.path;
  if (path.source.peer_id == kLocalSource) return;
  const wire::EvpnRoute route = best.route(key);
  const auto prefix = prefix_of(route);
  if (!prefix) return;
  const auto& ext = path.attributes->ext_communities;
  if (!selects(ext, id_.import_rt, config_.l3vni)) return;
  const auto rmac = wire::router_mac_of(ext);
  const auto& vtep = path.next_hop.address;
  std::string why = !rmac ? "it carries no router MAC" : unusable_because(vtep, rmac);
  if (why.empty() && route.gateway && !route.gateway->is_unspecified())
    why = "its gateway address " + route.gateway->to_string() + " (recursive) is not supported";
  if (why.empty() && prefix->contains(wire::Prefix(vtep, 32)))
    why = "its prefix holds its own VTEP " + vtep.to_string();
  if (!why.empty()) {
    rejected_.add(path.source.peer_id, key, std::move(why));
    return;
  }
  imported_.emplace(key, Claim{*prefix, vtep, *rmac});
  claims_[*prefix].insert(key);
  ++rmacs_[vtep][*rmac];
  dirty_prefixes_.insert(*prefix);
  dirty_vteps_.insert(vtep);
}

void EvpnTenant::local_changed(const wire::IpAddress& ip) {
  const wire::Prefix host(ip, wire::max_prefix_length(ip.afi()));
  if (claims_.contains(host) || installed_.contains(host)) dirty_prefixes_.insert(host);
}

std::vector<wire::IpAddress> EvpnTenant::wanted(
    const wire::Prefix& p, const std::function<bool(const wire::IpAddress&)>& local_host) const {
  auto cl = claims_.find(p);
  if (!attached_ || cl == claims_.end() || subnets_.contains(p)) return {};
  if (p.length() == wire::max_prefix_length(p.afi()) && local_host(p.address())) return {};
  std::set<wire::IpAddress> vteps;
  for (const auto& key : cl->second) vteps.insert(imported_.at(key).vtep);
  return {vteps.begin(), vteps.end()};
}

void EvpnTenant::take_update(const std::function<bool(const wire::IpAddress&)>& local_host,
                             EvpnKernelUpdate& u) {
  const uint32_t l3vni = config_.l3vni;
  for (const auto& p : dirty_prefixes_) {
    auto vteps = wanted(p, local_host);
    auto at = installed_.find(p);
    if (!vteps.empty() && (at == installed_.end() || at->second != vteps)) {
      installed_[p] = vteps;
      u.set_routes.push_back({l3vni, p, std::move(vteps)});
    } else if (vteps.empty() && at != installed_.end()) {
      installed_.erase(at);
      u.remove_routes.push_back({l3vni, p, {}});
    }
  }
  for (const auto& vtep : dirty_vteps_) {
    // One router MAC per VTEP: the lowest, should its routes disagree.
    auto claimed = rmacs_.find(vtep);
    const auto rmac = attached_ && claimed != rmacs_.end()
                          ? std::optional(claimed->second.begin()->first)
                          : std::nullopt;
    auto at = installed_rmacs_.find(vtep);
    // The VTEP as the neighbour of IPv4 routes and, IPv4-mapped, of IPv6 ones.
    const wire::IpAddress gateways[] = {vtep, vtep.v4_mapped()};
    if (at != installed_rmacs_.end() && (!rmac || at->second != *rmac)) {
      u.remove_macs.push_back({l3vni, at->second, {}});
      if (!rmac)
        for (const auto& gw : gateways) u.remove_neighbors.push_back({l3vni, gw, {}});
      installed_rmacs_.erase(at);
    }
    if (rmac && !installed_rmacs_.contains(vtep)) {
      installed_rmacs_.emplace(vtep, *rmac);
      u.set_macs.push_back({l3vni, *rmac, vtep});
      for (const auto& gw : gateways) u.set_neighbors.push_back({l3vni, gw, *rmac});
    }
  }
  dirty_prefixes_.clear();
  dirty_vteps_.clear();
}

}  // namespace closbgp::rib
