#include "rib/evpn_import.h"

#include <algorithm>

namespace closbgp::rib {
namespace {

constexpr uint64_t kTwoOctetAsRouteTarget = 0x0002;  // type 0x00, subtype 0x02 (RFC 4360)

// RFC 7432 sec. 15.1: the higher sequence number, then the lower VTEP.
bool better(const EvpnImport::Remote& a, const EvpnImport::Remote& b) {
  if (a.mobility.sequence != b.mobility.sequence) return a.mobility.sequence > b.mobility.sequence;
  return a.vtep < b.vtep;
}
}  // namespace

bool usable_vtep(const wire::IpAddress& a) {
  if (!a.is_v4() || a.is_unspecified() || a.is_link_local()) return false;
  const uint8_t first = a.bytes()[0];
  return first != 127 && first < 224;
}

bool usable_mac(const wire::MacAddress& m) {
  return (m[0] & 1) == 0 && m != wire::MacAddress{};
}

std::string unusable_because(const wire::IpAddress& vtep,
                             const std::optional<wire::MacAddress>& mac) {
  if (!usable_vtep(vtep))
    return "its VTEP (next hop) " + vtep.to_string() + " is not a unicast IPv4 address";
  if (mac && !usable_mac(*mac)) return "its MAC " + wire::mac_text(*mac) + " is zero or multicast";
  return "";
}

bool selects(std::span<const uint64_t> ext, uint64_t rt, uint32_t vni) {
  return std::ranges::any_of(ext, [&](uint64_t c) {
    if (rt) return c == rt;
    return c >> 48 == kTwoOctetAsRouteTarget && uint32_t(c) == vni;
  });
}

const EvpnImport::Imported* EvpnImport::winner_of(const Claims& claims) {
  const Imported* best = nullptr;
  for (const Imported* claim : claims) {
    const Remote r = claim->second.remote();
    // Equal claims: the lowest route key, whatever their order here.
    if (!best || better(r, best->second.remote()) ||
        (!better(best->second.remote(), r) && claim->first < best->first))
      best = claim;
  }
  return best;
}

template <class K>
const EvpnImport::Imported* EvpnImport::winner(const Table<K, Claims>& claims, const K& k) {
  auto it = claims.find(k);
  return it == claims.end() ? nullptr : winner_of(it->second);
}

void EvpnImport::set_vnis(std::map<uint32_t, uint64_t> import_rts, const EvpnTable& table) {
  if (import_rts == import_rts_) return;
  import_rts_ = std::move(import_rts);
  // Every remote route is imported again into the VNIs it now selects.
  for (const auto& [key, entry] : table.entries()) update(key, &entry);
}

EvpnImport::Vnis EvpnImport::vnis_of(const wire::PathAttributes& a) const {
  Vnis out;
  for (const auto& [vni, rt] : import_rts_)
    if (selects(a.ext_communities, rt, vni)) out.push_back(vni);
  return out;
}

void EvpnImport::update(const EvpnTable::Key& key, const EvpnTable::Entry* entry) {
  if (auto it = imported_.find(key); it != imported_.end()) {
    remove(*it);
    imported_.erase(it);
  }
  if (!entry) return;
  const auto& best = entry->best_candidate();
  const Path& path = *best.path;
  if (path.source.peer_id == kLocalSource) return;
  const wire::EvpnRoute route = best.route(key);
  const bool flood = route.type == uint8_t(wire::EvpnType::InclusiveMulticast);
  const bool mac = route.type == uint8_t(wire::EvpnType::MacIp) && route.mac;
  if (!flood && !mac) return;  // types 1, 4 and 5 are not a leaf's L2 business
  const auto& ext = path.attributes->ext_communities;
  const bool gateway = std::ranges::find(ext, wire::kDefaultGateway) != ext.end();
  Contribution c{.vnis = vnis_of(*path.attributes),
                 .mobility = wire::mac_mobility_of(ext).value_or(wire::MacMobility{}),
                 .vtep = path.next_hop.address,
                 .ip = route.ip,
                 .mac = route.mac,
                 .router = route.ip && !route.ip->is_v4() && (wire::nd_router(ext) || gateway),
                 .gateway = gateway};
  if (c.vnis.empty()) return;
  if (auto why = unusable_because(c.vtep, c.mac); !why.empty()) {
    rejected_.add(path.source.peer_id, key, std::move(why));
    return;
  }
  add(*imported_.emplace(key, std::move(c)).first);
}

void EvpnImport::add(const Imported& imported) {
  const Contribution& c = imported.second;
  for (uint32_t vni : c.vnis) {
    if (!c.mac) {
      ++floods_[vni][c.vtep];
      dirty_floods_.insert({vni, c.vtep});
      continue;
    }
    const MacKey mk{vni, *c.mac};
    macs_[mk].push_back(&imported);
    dirty_macs_.insert(mk);
    if (c.ip && !c.ip->is_link_local()) {
      const IpKey ik{vni, *c.ip};
      neighbors_[ik].push_back(&imported);
      dirty_neighbors_.insert(ik);
    }
  }
}

void EvpnImport::remove(const Imported& imported) {
  const Contribution& c = imported.second;
  const auto drop = [&](auto& claims, const auto& k) {
    auto it = claims.find(k);
    if (it == claims.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &imported), v.end());
    if (it->second.empty()) claims.erase(it);
  };
  for (uint32_t vni : c.vnis) {
    if (!c.mac) {
      auto& vteps = floods_[vni];
      if (--vteps[c.vtep] == 0) vteps.erase(c.vtep);
      if (vteps.empty()) floods_.erase(vni);
      dirty_floods_.insert({vni, c.vtep});
      continue;
    }
    drop(macs_, MacKey{vni, *c.mac});
    dirty_macs_.insert({vni, *c.mac});
    if (c.ip && !c.ip->is_link_local()) {
      drop(neighbors_, IpKey{vni, *c.ip});
      dirty_neighbors_.insert({vni, *c.ip});
    }
  }
}

std::optional<EvpnImport::Remote> EvpnImport::mac(const MacKey& k) const {
  const Imported* w = winner(macs_, k);
  return w ? std::optional(w->second.remote()) : std::nullopt;
}

std::optional<std::pair<EvpnImport::Remote, EvpnImport::Binding>> EvpnImport::neighbor(
    const IpKey& k) const {
  const Imported* w = winner(neighbors_, k);
  return w ? std::optional(std::pair{w->second.remote(), w->second.binding()}) : std::nullopt;
}

void EvpnImport::uninstalled(uint32_t vni, size_t InstalledCounts::*which) {
  auto it = installed_per_vni_.find(vni);
  if (--(it->second.*which) == 0 && it->second == InstalledCounts{}) installed_per_vni_.erase(it);
}

EvpnKernelUpdate EvpnImport::take_update(const std::function<bool(const MacKey&)>& local_mac,
                                         const LocalBinding& local_ip, const ClaimsSeen& seen) {
  EvpnKernelUpdate u;
  for (const auto& f : dirty_floods_) {
    auto vni = floods_.find(f.vni);
    const bool wanted = vni != floods_.end() && vni->second.contains(f.vtep);
    if (wanted && installed_floods_.insert(f).second) u.add_flood.push_back(f);
    if (!wanted && installed_floods_.erase(f)) u.remove_flood.push_back(f);
  }
  for (const auto& k : dirty_macs_) {
    const std::optional<Remote> r = local_mac(k) ? std::nullopt : mac(k);
    auto at = installed_macs_.find(k);
    if (r && (at == installed_macs_.end() || at->second != r->vtep)) {
      if (at == installed_macs_.end()) {
        installed_macs_.emplace(k, r->vtep);
        ++installed_per_vni_[k.first].macs;
      } else {
        at->second = r->vtep;
      }
      u.set_macs.push_back({k.first, k.second, r->vtep});
    } else if (!r && at != installed_macs_.end()) {
      installed_macs_.erase(at);
      uninstalled(k.first, &InstalledCounts::macs);
      u.remove_macs.push_back({k.first, k.second, {}});
    }
  }
  for (const auto& k : dirty_neighbors_) {
    const auto local = local_ip(k);
    // One lookup serves the winner and whoever looks at every claim.
    auto claims = neighbors_.find(k);
    if (seen)
      seen(k, local,
           claims == neighbors_.end() ? IpClaims{}
                                      : IpClaims(claims->second.data(), claims->second.size()));
    const Imported* w = local || claims == neighbors_.end() ? nullptr : winner_of(claims->second);
    const auto n = w ? std::optional(w->second.binding()) : std::nullopt;
    auto at = installed_neighbors_.find(k);
    if (n && (at == installed_neighbors_.end() || at->second != *n)) {
      if (at == installed_neighbors_.end()) {
        installed_neighbors_.emplace(k, *n);
        ++installed_per_vni_[k.first].neighbors;
      } else {
        at->second = *n;
      }
      u.set_neighbors.push_back({k.first, k.second, n->mac, n->router});
    } else if (!n && at != installed_neighbors_.end()) {
      installed_neighbors_.erase(at);
      uninstalled(k.first, &InstalledCounts::neighbors);
      u.remove_neighbors.push_back({k.first, k.second, {}});
    }
  }
  dirty_floods_.clear();
  dirty_macs_.clear();
  dirty_neighbors_.clear();
  return u;
}

}  // namespace closbgp::rib
