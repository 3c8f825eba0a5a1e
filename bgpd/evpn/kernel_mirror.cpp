#include "bgpd/evpn/kernel_mirror.h"

namespace closbgp::evpn {

KernelMirror::Update KernelMirror::want(const Update& u) {
  Update out;
  for (const auto& f : u.remove_flood) {
    floods_.erase(f);
    if (kernel_floods_.erase(f)) out.remove_flood.push_back(f);
  }
  for (const auto& f : u.add_flood) {
    floods_.insert(f);
    if (kernel_floods_.insert(f).second) out.add_flood.push_back(f);
  }
  for (const auto& m : u.remove_macs) {
    macs_.erase({m.vni, m.mac});
    if (kernel_macs_.erase({m.vni, m.mac})) out.remove_macs.push_back(m);
  }
  for (const auto& m : u.set_macs) {
    macs_[{m.vni, m.mac}] = m.vtep;
    auto [it, added] = kernel_macs_.try_emplace({m.vni, m.mac}, m.vtep);
    if (added || it->second != m.vtep) out.set_macs.push_back(m);
    it->second = m.vtep;
  }
  for (const auto& n : u.remove_neighbors) {
    neighbors_.erase({n.vni, n.ip});
    if (kernel_neighbors_.erase({n.vni, n.ip})) out.remove_neighbors.push_back(n);
  }
  for (const auto& n : u.set_neighbors) {
    neighbors_[{n.vni, n.ip}] = n.mac;
    auto [it, added] = kernel_neighbors_.try_emplace({n.vni, n.ip}, n.mac);
    if (added || it->second != n.mac) out.set_neighbors.push_back(n);
    it->second = n.mac;
  }
  return out;
}

void KernelMirror::remember_ours(const fib::VxlanState& kernel) {
  kernel_floods_ = {kernel.floods.begin(), kernel.floods.end()};
  kernel_macs_.clear();
  for (const auto& m : kernel.remote_macs) kernel_macs_[{m.vni, m.mac}] = m.vtep;
  kernel_neighbors_.clear();
  for (const auto& n : kernel.remote_neighbors) kernel_neighbors_[{n.vni, n.ip}] = n.mac;
}

KernelMirror::Update KernelMirror::repair(const fib::VxlanState& kernel, bool sweep) {
  remember_ours(kernel);
  Update out;
  for (const auto& f : floods_)
    if (!kernel_floods_.contains(f)) out.add_flood.push_back(f);
  for (const auto& [k, vtep] : macs_)
    if (auto it = kernel_macs_.find(k); it == kernel_macs_.end() || it->second != vtep)
      out.set_macs.push_back({k.first, k.second, vtep});
  for (const auto& [k, mac] : neighbors_)
    if (auto it = kernel_neighbors_.find(k); it == kernel_neighbors_.end() || it->second != mac)
      out.set_neighbors.push_back({k.first, k.second, mac});
  if (sweep) {
    for (const auto& f : kernel_floods_)
      if (!floods_.contains(f)) out.remove_flood.push_back(f);
    for (const auto& [k, vtep] : kernel_macs_)
      if (!macs_.contains(k)) out.remove_macs.push_back({k.first, k.second, {}});
    for (const auto& [k, mac] : kernel_neighbors_)
      if (!neighbors_.contains(k)) out.remove_neighbors.push_back({k.first, k.second, {}});
  }
  // The kernel holds what is written now.
  for (const auto& f : out.add_flood) kernel_floods_.insert(f);
  for (const auto& f : out.remove_flood) kernel_floods_.erase(f);
  for (const auto& m : out.set_macs) kernel_macs_[{m.vni, m.mac}] = m.vtep;
  for (const auto& m : out.remove_macs) kernel_macs_.erase({m.vni, m.mac});
  for (const auto& n : out.set_neighbors) kernel_neighbors_[{n.vni, n.ip}] = n.mac;
  for (const auto& n : out.remove_neighbors) kernel_neighbors_.erase({n.vni, n.ip});
  return out;
}

KernelMirror::LocalChanges KernelMirror::local_changes(const fib::VxlanState& kernel) {
  LocalChanges out;
  std::map<uint32_t, fib::VxlanDevice> devices;
  std::map<uint32_t, uint32_t> vni_of_bridge;
  for (const auto& d : kernel.devices)
    if (d.usable() && !devices.contains(d.vni) && !vni_of_bridge.contains(d.bridge)) {
      devices.emplace(d.vni, d);
      vni_of_bridge.emplace(d.bridge, d.vni);
    }
  if (devices != devices_) {
    std::vector<rib::LocalVni> vnis;
    for (const auto& [vni, d] : devices) vnis.push_back({vni, d.local});
    out.vnis = std::move(vnis);
    devices_ = std::move(devices);
  }
  std::set<std::pair<uint32_t, wire::MacAddress>> macs;
  for (const auto& m : kernel.macs)
    if (auto vni = vni_of_bridge.find(m.bridge); vni != vni_of_bridge.end())
      macs.emplace(vni->second, m.mac);
  for (const auto& k : local_macs_)
    if (!macs.contains(k)) out.macs.emplace_back(k.first, k.second, false);
  for (const auto& k : macs)
    if (!local_macs_.contains(k)) out.macs.emplace_back(k.first, k.second, true);
  local_macs_ = std::move(macs);
  std::map<std::pair<uint32_t, wire::IpAddress>, wire::MacAddress> neighbors;
  for (const auto& n : kernel.neighbors)
    if (auto vni = vni_of_bridge.find(n.bridge); vni != vni_of_bridge.end())
      neighbors[{vni->second, n.ip}] = n.mac;
  for (const auto& [k, mac] : local_neighbors_)
    if (!neighbors.contains(k)) out.neighbors.emplace_back(k.first, k.second, std::nullopt);
  for (const auto& [k, mac] : neighbors)
    if (auto it = local_neighbors_.find(k); it == local_neighbors_.end() || it->second != mac)
      out.neighbors.emplace_back(k.first, k.second, mac);
  local_neighbors_ = std::move(neighbors);
  return out;
}

}  // namespace closbgp::evpn
