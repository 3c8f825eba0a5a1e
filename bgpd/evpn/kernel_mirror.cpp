#include "bgpd/evpn/kernel_mirror.h"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace closbgp::evpn {
namespace {

// Records `k` as changed since the read in flight began, if one is.
template <class Set, class Key>
void touch(Set& since_read, bool reading, const Key& k) {
  if (reading) since_read.insert(k);
}

}  // namespace

template <class Entry>
void KernelMirror::Kind<Entry>::want(const std::vector<Entry>& remove,
                                     const std::vector<Entry>& set, std::vector<Entry>& out_remove,
                                     std::vector<Entry>& out_set, bool reading) {
  for (const auto& e : remove) {
    const auto k = key_value(e).first;
    auto it = entries.find(k);
    if (it == entries.end()) continue;
    touch(since_read, reading, k);
    if (it->second.kernel) out_remove.push_back(e);
    entries.erase(it);
  }
  for (const auto& e : set) {
    auto [k, v] = key_value(e);
    touch(since_read, reading, k);
    Both& both = entries[k];
    if (both.kernel != v) out_set.push_back(e);
    both.wanted = v;
    both.kernel = std::move(v);
  }
}

template <class Entry>
void KernelMirror::Kind<Entry>::read(const std::vector<Entry>& ours) {
  for (auto& [k, both] : entries)
    if (!since_read.contains(k)) both.kernel.reset();
  for (const auto& e : ours) {
    auto [k, v] = key_value(e);
    if (!since_read.contains(k)) entries[k].kernel = std::move(v);
  }
  since_read.clear();
  absl::erase_if(entries, [](const auto& kv) { return !kv.second.wanted && !kv.second.kernel; });
}

template <class Entry>
void KernelMirror::Kind<Entry>::repair(bool sweep, std::vector<Entry>& out_remove,
                                       std::vector<Entry>& out_set) {
  for (auto it = entries.begin(); it != entries.end();) {
    auto& [k, both] = *it;
    if (both.wanted && both.kernel != both.wanted) {
      out_set.push_back(entry_of(k, *both.wanted));
      both.kernel = both.wanted;  // the kernel holds what is written now
    }
    if (sweep && !both.wanted) {
      out_remove.push_back(entry_of(k, Value{}));
      it = entries.erase(it);
      continue;
    }
    ++it;
  }
}

KernelMirror::Update KernelMirror::want(const Update& u) {
  Update out;
  for (const auto& f : u.remove_flood) {
    touch(floods_since_read_, reading_, f);
    floods_.erase(f);
    if (kernel_floods_.erase(f)) out.remove_flood.push_back(f);
  }
  for (const auto& f : u.add_flood) {
    touch(floods_since_read_, reading_, f);
    floods_.insert(f);
    if (kernel_floods_.insert(f).second) out.add_flood.push_back(f);
  }
  macs_.want(u.remove_macs, u.set_macs, out.remove_macs, out.set_macs, reading_);
  neighbors_.want(u.remove_neighbors, u.set_neighbors, out.remove_neighbors, out.set_neighbors,
                  reading_);
  routes_.want(u.remove_routes, u.set_routes, out.remove_routes, out.set_routes, reading_);
  return out;
}

KernelMirror::Update KernelMirror::repair(const fib::VxlanState& kernel, bool sweep) {
  std::set<Update::Flood> floods(kernel.floods.begin(), kernel.floods.end());
  for (const auto& f : floods_since_read_)
    if (kernel_floods_.contains(f))
      floods.insert(f);
    else
      floods.erase(f);
  kernel_floods_ = std::move(floods);
  floods_since_read_.clear();
  reading_ = false;
  macs_.read(kernel.remote_macs);
  neighbors_.read(kernel.remote_neighbors);
  routes_.read(kernel.routes);
  Update out;
  for (const auto& f : floods_)
    if (kernel_floods_.insert(f).second) out.add_flood.push_back(f);
  if (sweep)
    for (auto it = kernel_floods_.begin(); it != kernel_floods_.end();) {
      if (floods_.contains(*it)) {
        ++it;
        continue;
      }
      out.remove_flood.push_back(*it);
      it = kernel_floods_.erase(it);
    }
  macs_.repair(sweep, out.remove_macs, out.set_macs);
  neighbors_.repair(sweep, out.remove_neighbors, out.set_neighbors);
  routes_.repair(sweep, out.remove_routes, out.set_routes);
  return out;
}

bool KernelMirror::echoes_ours(const fib::FdbNotice& n) const {
  auto vni = vni_of_device_.find(n.ifindex);
  if (vni == vni_of_device_.end()) return false;
  if (n.mac == wire::MacAddress{})
    return n.dst && n.added == kernel_floods_.contains({vni->second, *n.dst});
  if (!n.extern_learned) return false;
  const wire::IpAddress* ours = macs_.in_kernel({vni->second, n.mac});
  if (!n.added) return !ours;
  // The bridge's entry names no destination; the device's must be ours.
  return ours && (!n.dst || *n.dst == *ours);
}

std::optional<KernelMirror::LocalChanges> KernelMirror::local_notice(const fib::FdbNotice& n) {
  if (vxlan_ports_.contains(n.ifindex)) return std::nullopt;
  LocalChanges out;
  auto vni = n.learned ? vni_of_segment_.find({n.bridge, n.vlan}) : vni_of_segment_.end();
  if (vni == vni_of_segment_.end()) return out;  // not learned on a VNI's segment: never read
  const std::pair k{vni->second, n.mac};
  touch(local_macs_since_read_, reading_, k);
  // A MAC moving between host ports is present all along.
  if (n.added ? local_macs_.insert(k).second : local_macs_.erase(k) > 0)
    out.macs.emplace_back(k.first, k.second, n.added);
  return out;
}

std::optional<KernelMirror::LocalChanges> KernelMirror::local_notice(const fib::NeighborNotice& n) {
  LocalChanges out;
  auto vni = vni_of_svi_.find(n.ifindex);
  if (vni == vni_of_svi_.end() || n.ip.is_link_local()) return out;  // never read
  // A remote binding someone else changed (ours come with our port id);
  // an address of ours someone removed (its notification no longer says
  // extern_learn: the kernel marks it FAILED first).
  const std::pair k{vni->second, n.ip};
  if (n.extern_learned || neighbors_.in_kernel(k)) return std::nullopt;
  touch(local_neighbors_since_read_, reading_, k);
  auto known = local_neighbors_.find(k);
  if (!n.binding) {
    if (known == local_neighbors_.end()) return out;
    local_neighbors_.erase(known);
    out.neighbors.emplace_back(k.first, k.second, std::nullopt, false);
    return out;
  }
  const std::pair at{n.binding->mac, n.binding->router};
  if (known != local_neighbors_.end() && known->second == at) return out;
  local_neighbors_[k] = at;
  out.neighbors.emplace_back(k.first, k.second, at.first, at.second);
  return out;
}

void KernelMirror::read_failed() {
  reading_ = false;
  floods_since_read_.clear();
  local_macs_since_read_.clear();
  local_neighbors_since_read_.clear();
  macs_.since_read.clear();
  neighbors_.since_read.clear();
  routes_.since_read.clear();
}

bool KernelMirror::changes_vnis(const fib::LinkNotice& n) const {
  if (n.address) return vni_of_svi_.contains(n.ifindex) && !(n.ip && n.ip->is_link_local());
  static constexpr std::string_view kinds[] = {"vxlan", "bridge", "vlan", "vrf"};
  return vni_links_.contains(n.ifindex) || std::ranges::find(kinds, n.kind) != std::end(kinds);
}

KernelMirror::LocalChanges KernelMirror::local_displaced(const Update& u) {
  LocalChanges out;
  for (const auto& m : u.set_macs) {
    const std::pair k{m.vni, m.mac};
    if (!local_macs_.erase(k)) continue;
    touch(local_macs_since_read_, reading_, k);
    out.macs.emplace_back(m.vni, m.mac, false);
  }
  for (const auto& n : u.set_neighbors) {
    const std::pair k{n.vni, n.ip};
    if (!local_neighbors_.erase(k)) continue;
    touch(local_neighbors_since_read_, reading_, k);
    out.neighbors.emplace_back(n.vni, n.ip, std::nullopt, false);
  }
  return out;
}

KernelMirror::LocalChanges KernelMirror::local_changes(const fib::VxlanState& kernel) {
  LocalChanges out;
  std::map<uint32_t, fib::VxlanDevice> devices;
  // By segment (bridge, VLAN) for learned MACs, by SVI for neighbours;
  // one VNI per segment: the first.
  std::map<std::pair<uint32_t, uint16_t>, uint32_t> vni_of_segment;
  std::map<uint32_t, uint32_t> vni_of_svi;
  for (const auto& d : kernel.devices)
    if (d.usable() && !devices.contains(d.vni) &&
        vni_of_segment.emplace(std::pair{d.bridge, d.vlan}, d.vni).second) {
      devices.emplace(d.vni, d);
      if (d.svi) vni_of_svi.emplace(d.svi, d.vni);
    }
  if (devices != devices_) {
    std::vector<rib::LocalVni> vnis;
    for (const auto& [vni, d] : devices)
      vnis.push_back({vni, d.local, d.bridge_mac, d.subnets, d.vrf, d.addresses});
    out.vnis = std::move(vnis);
    devices_ = std::move(devices);
    vni_of_device_.clear();
    for (const auto& [vni, d] : devices_) vni_of_device_.emplace(d.ifindex, vni);
  }
  decltype(local_macs_) macs;
  for (const auto& m : kernel.macs)
    if (auto vni = vni_of_segment.find({m.bridge, m.vlan}); vni != vni_of_segment.end())
      macs.emplace(vni->second, m.mac);
  // Changed since the read began, on a VNI still there: as last known.
  for (const auto& k : local_macs_since_read_)
    if (!devices_.contains(k.first))
      continue;
    else if (local_macs_.contains(k))
      macs.insert(k);
    else
      macs.erase(k);
  local_macs_since_read_.clear();
  for (const auto& k : local_macs_)
    if (!macs.contains(k)) out.macs.emplace_back(k.first, k.second, false);
  for (const auto& k : macs)
    if (!local_macs_.contains(k)) out.macs.emplace_back(k.first, k.second, true);
  local_macs_ = std::move(macs);
  decltype(local_neighbors_) neighbors;
  for (const auto& n : kernel.neighbors)
    if (auto vni = vni_of_svi.find(n.svi); vni != vni_of_svi.end())
      neighbors[{vni->second, n.ip}] = {n.mac, n.router};
  for (const auto& k : local_neighbors_since_read_)
    if (!devices_.contains(k.first))
      continue;
    else if (auto known = local_neighbors_.find(k); known != local_neighbors_.end())
      neighbors[k] = known->second;
    else
      neighbors.erase(k);
  local_neighbors_since_read_.clear();
  for (const auto& [k, at] : local_neighbors_)
    if (!neighbors.contains(k)) out.neighbors.emplace_back(k.first, k.second, std::nullopt, false);
  for (const auto& [k, at] : neighbors)
    if (auto it = local_neighbors_.find(k); it == local_neighbors_.end() || it->second != at)
      out.neighbors.emplace_back(k.first, k.second, at.first, at.second);
  local_neighbors_ = std::move(neighbors);
  vni_of_svi_ = std::move(vni_of_svi);
  vni_of_segment_ = std::move(vni_of_segment);
  vxlan_ports_.clear();
  vni_links_.clear();
  for (const auto& d : kernel.devices) {
    vxlan_ports_.insert(d.ifindex);
    vni_links_.insert({d.ifindex, d.bridge, d.svi});
  }
  vni_links_.erase(0);  // no bridge, no SVI
  return out;
}

}  // namespace closbgp::evpn
