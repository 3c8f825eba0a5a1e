#include "rib/evpn_leaf.h"

#include <algorithm>
#include <utility>

#include "rib/evpn_own_routes.h"

namespace closbgp::rib {

wire::RouteDistinguisher EvpnLeaf::allocate_rd(uint32_t vni) const {
  // router-id:N (type 1), N the VNI's low 16 bits unless another VNI of
  // ours has that: stable across restarts, unique among our VNIs.
  uint16_t n = uint16_t(vni);
  const auto low = [](const wire::RouteDistinguisher& rd) {
    return uint16_t(rd.value[4] << 8 | rd.value[5]);
  };
  const auto taken = [&](uint16_t candidate) {
    if (std::ranges::any_of(tenants_.all(), [&](const auto& kv) {
          const auto& rd = kv.second.identity().rd;
          return kv.first != vni && rd.type == 1 && low(rd) == candidate;
        }))
      return true;
    return std::ranges::any_of(
        vnis_, [&](const auto& kv) { return kv.first != vni && low(kv.second.rd) == candidate; });
  };
  while (taken(n)) ++n;
  wire::RouteDistinguisher rd{1, {}};
  for (int i = 0; i < 4; ++i) rd.value[size_t(i)] = uint8_t(router_id_ >> (24 - 8 * i));
  rd.value[4] = uint8_t(n >> 8);
  rd.value[5] = uint8_t(n);
  return rd;
}

uint64_t EvpnLeaf::auto_route_target(uint32_t vni) const {
  // A four-octet AS lends its low 16 bits, as FRR's automatic targets do.
  return uint64_t(0x0002) << 48 | uint64_t(local_as_ & 0xFFFF) << 32 | vni;
}

bool EvpnLeaf::assign_targets(Vni& v) const {
  auto rt = route_targets_.find(v.local.vni);
  const uint64_t export_rt =
      rt == route_targets_.end() ? auto_route_target(v.local.vni) : rt->second;
  v.import_rt = rt == route_targets_.end() ? 0 : rt->second;
  return std::exchange(v.export_rt, export_rt) != export_rt;
}

void EvpnLeaf::set_route_targets(std::map<uint32_t, uint64_t> route_targets) {
  if (route_targets == route_targets_) return;
  route_targets_ = std::move(route_targets);
  for (auto& [vni, v] : vnis_)
    if (assign_targets(v)) advertise_all(v);
  update_tenants();
  import_again();
}

void EvpnLeaf::set_svi_advertisement(SviAdvertisement a) {
  if (a == svi_) return;
  for (const auto& [vni, v] : vnis_) table_.withdraw(kOwnEvpnRoutes, svi_routes(v));
  svi_ = a;
  for (const auto& [vni, v] : vnis_) advertise_svi(v);
}

void EvpnLeaf::update_tenants() {
  const auto identity = [this](uint32_t l3vni) {
    auto rt = route_targets_.find(l3vni);
    return EvpnTenant::Identity{allocate_rd(l3vni),
                                rt == route_targets_.end() ? auto_route_target(l3vni) : rt->second,
                                rt == route_targets_.end() ? 0 : rt->second};
  };
  // Our MAC/IP routes carry their tenant's label, target and router MAC.
  for (const auto& vrf : tenants_.update(kernel_vnis_, identity))
    for (const auto& [vni, v] : vnis_)
      if (v.local.vrf == vrf) advertise_hosts(v);
}

bool EvpnLeaf::local_host(const EvpnTenant& t, const wire::IpAddress& ip) const {
  return std::ranges::any_of(vnis_, [&](const auto& kv) {
    return kv.second.local.vrf == t.config().vrf && has_local(EvpnImport::IpKey{kv.first, ip});
  });
}

void EvpnLeaf::set_vnis(const std::vector<LocalVni>& all) {
  kernel_vnis_ = all;
  // A routed tenant's L3 VNI is not bridged: no MACs, no flooding.
  std::vector<LocalVni> vnis;
  for (const auto& l : all)
    if (!tenants_.is_l3vni(l.vni)) vnis.push_back(l);
  for (auto it = vnis_.begin(); it != vnis_.end();) {
    const auto next = std::next(it);
    const auto now =
        std::ranges::find_if(vnis, [&](const LocalVni& l) { return l.vni == it->first; });
    if (now == vnis.end()) {
      withdraw_all(it->second);
      vnis_.erase(it);
    } else {
      kernel_vni_changed(it->second, *now);
    }
    it = next;
  }
  for (const auto& l : vnis) {
    if (vnis_.contains(l.vni)) continue;
    Vni& v = vnis_[l.vni];
    v.local = l;
    v.rd = allocate_rd(l.vni);
    assign_targets(v);
    advertise_flood(v);
    advertise_svi(v);
  }
  update_tenants();
  import_again();
}

void EvpnLeaf::kernel_vni_changed(Vni& v, const LocalVni& now) {
  const bool vtep_moved = now.vtep != v.local.vtep, vrf_moved = now.vrf != v.local.vrf;
  const bool svi_moved = now.bridge_mac != v.local.bridge_mac || now.addresses != v.local.addresses;
  // What is local before and after is looked at again: with its bridge in
  // another VRF its hosts are another tenant's; the SVI's own MAC and
  // addresses are never installed as remote.
  const auto look_again = [&] {
    if (vrf_moved)
      for (const auto& [ip, mac] : v.neighbors) host_changed(v, ip);
    if (vrf_moved || svi_moved) svi_changed(v);
  };
  look_again();
  // A new local address: the same VNI, MACs and addresses, from another VTEP.
  if (vtep_moved) {
    withdraw_all(v);
  } else if (svi_moved) {
    table_.withdraw(kOwnEvpnRoutes, svi_routes(v));
  }
  v.local = now;
  if (vtep_moved) {
    advertise_all(v);
  } else {
    // Its MAC/IP routes carry the other tenant (or none).
    if (vrf_moved)
      advertise_hosts(v);
    else if (svi_moved)
      advertise_svi(v);
  }
  look_again();
}

void EvpnLeaf::svi_changed(const Vni& v) {
  import_.local_changed(EvpnImport::MacKey{v.local.vni, v.local.bridge_mac});
  for (const auto& ip : v.local.addresses) host_changed(v, ip);
}

void EvpnLeaf::import_again() {
  std::map<uint32_t, uint64_t> imports;
  for (const auto& [vni, v] : vnis_) imports.emplace(vni, v.import_rt);
  import_.set_vnis(std::move(imports), table_);
}

void EvpnLeaf::set_mac(uint32_t vni, const wire::MacAddress& mac, bool present) {
  auto vit = vnis_.find(vni);
  if (vit == vnis_.end()) return;
  Vni& v = vit->second;
  auto it = v.macs.find(mac);
  if (!present) {
    if (it == v.macs.end()) return;
    if (it->second.advertised) withdraw_mac(v, mac);
    v.macs.erase(it);
    local_changed(v, mac);
    return;
  }
  if (it != v.macs.end()) return;
  v.macs.emplace(mac, LocalMac{});
  claim(v, mac);
}

void EvpnLeaf::claim(Vni& v, const wire::MacAddress& mac) {
  LocalMac& local = v.macs.at(mac);
  // Learned here while another VTEP has it: the host moved to us (RFC
  // 7432 sec. 15.1), our claim is the next in sequence.
  if (const auto remote = import_.mac({v.local.vni, mac}))
    local.sequence = std::max(local.sequence, remote->mobility.sequence + 1);
  local.advertised = !frozen(v.local.vni, mac);
  if (local.advertised) advertise_mac(v, mac);
  local_changed(v, mac);
}

void EvpnLeaf::local_changed(const Vni& v, const wire::MacAddress& mac) {
  import_.local_changed(EvpnImport::MacKey{v.local.vni, mac});
  for (const auto& [ip, at] : v.neighbors)
    if (at == mac) host_changed(v, ip);
}

void EvpnLeaf::host_changed(const Vni& v, const wire::IpAddress& ip) {
  import_.local_changed(EvpnImport::IpKey{v.local.vni, ip});
  if (auto* t = tenants_.in(v.local.vrf)) t->local_changed(ip);
}

void EvpnLeaf::set_frozen(uint32_t vni, const wire::MacAddress& mac, bool frozen) {
  if (frozen ? !frozen_.insert({vni, mac}).second : !frozen_.erase({vni, mac})) return;
  auto vit = vnis_.find(vni);
  if (vit == vnis_.end()) return;
  Vni& v = vit->second;
  auto it = v.macs.find(mac);
  if (it == v.macs.end()) return;
  if (!frozen) {
    claim(v, mac);
  } else if (it->second.advertised) {
    withdraw_mac(v, mac);
    it->second.advertised = false;
    local_changed(v, mac);
  }
}

void EvpnLeaf::set_neighbor(uint32_t vni, const wire::IpAddress& ip,
                            std::optional<wire::MacAddress> mac, bool router) {
  auto vit = vnis_.find(vni);
  if (vit == vnis_.end()) return;
  Vni& v = vit->second;
  auto it = v.neighbors.find(ip);
  if (it != v.neighbors.end() && mac && it->second == *mac && v.routers.contains(ip) == router)
    return;
  if (mac && router)
    v.routers.insert(ip);
  else
    v.routers.erase(ip);
  const auto advertised = [&](const wire::MacAddress& m) {
    auto local = v.macs.find(m);
    return local != v.macs.end() && local->second.advertised;
  };
  if (it != v.neighbors.end()) {
    if (advertised(it->second))
      table_.withdraw(kOwnEvpnRoutes, std::vector{mac_route(v, it->second, ip)});
    v.neighbors.erase(it);
  }
  if (mac) {
    v.neighbors.emplace(ip, *mac);
    if (advertised(*mac)) advertise_mac(v, *mac);
  }
  host_changed(v, ip);
}

std::vector<wire::EvpnRoute> EvpnLeaf::mac_routes(const Vni& v, const wire::MacAddress& mac) const {
  std::vector<wire::EvpnRoute> routes{mac_route(v, mac, std::nullopt)};
  for (const auto& [ip, at] : v.neighbors)
    if (at == mac) routes.push_back(mac_route(v, mac, ip, tenants_.routed(v.local.vrf)));
  return routes;
}

void EvpnLeaf::advertise_flood(const Vni& v) {
  table_.announce(our_path(v, {.flood = true}), std::vector{flood_route(v)});
}

std::vector<wire::EvpnRoute> EvpnLeaf::svi_routes(const Vni& v) const {
  // As FRR: MAC/IP routes only (what installs the MAC at the other leaves too).
  std::vector<wire::EvpnRoute> routes;
  if (svi_ == SviAdvertisement::None || !usable_mac(v.local.bridge_mac)) return routes;
  for (const auto& ip : v.local.addresses)
    routes.push_back(mac_route(v, v.local.bridge_mac, ip, tenants_.routed(v.local.vrf)));
  return routes;
}

void EvpnLeaf::announce_hosts(const Vni& v, std::vector<wire::EvpnRoute> routes,
                              const PathExtras& x,
                              const std::function<bool(const wire::IpAddress&)>& router) {
  const auto routers =
      std::ranges::partition(routes, [&](const wire::EvpnRoute& r) { return !router(*r.ip); });
  for (const bool flagged : {false, true}) {
    const auto part = flagged ? std::span(routers.begin(), routers.end())
                              : std::span(routes.begin(), routers.begin());
    if (part.empty()) continue;
    PathExtras with = x;
    with.router = flagged;
    table_.announce(our_path(v, with), part);
  }
}

void EvpnLeaf::advertise_svi(const Vni& v) {
  // Its IPv6 addresses are a router's (FRR sends them so too).
  announce_hosts(
      v, svi_routes(v),
      {.gateway = svi_ == SviAdvertisement::DefaultGateway, .routed = tenants_.routed(v.local.vrf)},
      [](const wire::IpAddress& ip) { return !ip.is_v4(); });
}

void EvpnLeaf::advertise_mac(const Vni& v, const wire::MacAddress& mac) {
  const uint32_t sequence = v.macs.at(mac).sequence;
  auto routes = mac_routes(v, mac);
  table_.announce(our_path(v, {.sequence = sequence}), std::span(routes).first(1));
  routes.erase(routes.begin());
  announce_hosts(v, std::move(routes),
                 {.sequence = sequence, .routed = tenants_.routed(v.local.vrf)},
                 [&](const wire::IpAddress& ip) { return v.routers.contains(ip); });
}

void EvpnLeaf::advertise_hosts(const Vni& v) {
  for (const auto& [mac, local] : v.macs)
    if (local.advertised) advertise_mac(v, mac);
  advertise_svi(v);
}

void EvpnLeaf::advertise_all(const Vni& v) {
  advertise_flood(v);
  advertise_hosts(v);
}

void EvpnLeaf::withdraw_mac(const Vni& v, const wire::MacAddress& mac) {
  table_.withdraw(kOwnEvpnRoutes, mac_routes(v, mac));
}

void EvpnLeaf::withdraw_all(const Vni& v) {
  table_.withdraw(kOwnEvpnRoutes, std::vector{flood_route(v)});
  for (const auto& [mac, local] : v.macs)
    if (local.advertised) withdraw_mac(v, mac);
  table_.withdraw(kOwnEvpnRoutes, svi_routes(v));
}

bool EvpnLeaf::beaten(const Vni& v, const LocalMac& ours, const EvpnImport::Remote& remote) const {
  if (remote.mobility.sequence != ours.sequence) return remote.mobility.sequence > ours.sequence;
  return remote.vtep < v.local.vtep;
}

void EvpnLeaf::reconsider(Vni& v, const wire::MacAddress& mac) {
  auto it = v.macs.find(mac);
  if (it == v.macs.end()) return;
  LocalMac& ours = it->second;
  const auto remote = import_.mac({v.local.vni, mac});
  const bool beaten_now = remote && beaten(v, ours, *remote);
  if (beaten_now && ours.advertised) {
    // The host moved away: its new leaf's claim is newer. Ours goes; the
    // kernel is told where the MAC is now.
    withdraw_mac(v, mac);
    ours.advertised = false;
  } else if (!beaten_now && !ours.advertised && !frozen(v.local.vni, mac)) {
    // The other claim went while the MAC is still here: ours again.
    ours.advertised = true;
    advertise_mac(v, mac);
  } else {
    return;
  }
  local_changed(v, mac);
}

void EvpnLeaf::table_changed(std::span<const EvpnTable::Key> keys) {
  for (const auto& key : keys) {
    const auto* entry = table_.find(key);
    import_.update(key, entry);
    tenants_.table_changed(key, entry);
  }
  const auto moved = import_.changed_macs();  // a copy: reconsider() adds to it
  for (const auto& [vni, mac] : moved)
    if (auto v = vnis_.find(vni); v != vnis_.end()) reconsider(v->second, mac);
}

bool EvpnLeaf::has_local(const EvpnImport::MacKey& k) const {
  auto v = vnis_.find(k.first);
  if (v == vnis_.end()) return false;
  if (k.second == v->second.local.bridge_mac) return true;
  auto m = v->second.macs.find(k.second);
  return m != v->second.macs.end() && m->second.advertised;
}

std::optional<wire::MacAddress> EvpnLeaf::local_binding(const EvpnImport::IpKey& k) const {
  auto v = vnis_.find(k.first);
  if (v == vnis_.end()) return std::nullopt;
  if (std::ranges::binary_search(v->second.local.addresses, k.second))
    return v->second.local.bridge_mac;
  auto n = v->second.neighbors.find(k.second);
  if (n == v->second.neighbors.end() || !has_local(EvpnImport::MacKey{k.first, n->second}))
    return std::nullopt;
  return n->second;
}

EvpnLeaf::Findings EvpnLeaf::take_findings() {
  Findings f{import_.rejected().take(), duplicate_ips_.take_changes()};
  tenants_.take_rejections(f.refused);
  return f;
}

EvpnKernelUpdate EvpnLeaf::take_kernel_update() {
  auto u = import_.take_update(
      [this](const EvpnImport::MacKey& k) { return has_local(k); },
      [this](const EvpnImport::IpKey& k) { return local_binding(k); },
      [this](const EvpnImport::IpKey& k, const auto& local, EvpnImport::IpClaims claims) {
        duplicate_ips_.check(k, local, claims);
      });
  tenants_.take_update(
      [this](const EvpnTenant& t, const wire::IpAddress& ip) { return local_host(t, ip); }, u);
  return u;
}

}  // namespace closbgp::rib
