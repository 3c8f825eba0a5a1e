// A leaf's routed tenants (rib/evpn_tenant.h) by L3 VNI, each in a VRF
// (the main table for one, VRF ""): which tenant a VNI belongs to (the one
// whose VRF its bridge is in), each tenant's attachment and subnets from
// the kernel's VNIs, and the EVPN table's changes, kernel updates and
// refusals fanned out to every tenant. EvpnLeaf owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rib/evpn_tenant.h"

namespace closbgp::rib {

struct LocalVni;

class EvpnTenants {
 public:
  explicit EvpnTenants(EvpnTable& table) : table_(table) {}

  // At start; a tenant given again (a reload) takes its new route-map:
  // anything else changes only with a restart (session::needs_daemon_restart).
  void set(const std::vector<TenantConfig>& configs);
  const std::map<uint32_t, EvpnTenant>& all() const { return tenants_; }
  bool is_l3vni(uint32_t vni) const { return tenants_.contains(vni); }
  // The tenant of `vrf`, if one is configured.
  const EvpnTenant* in(const std::string& vrf) const;
  EvpnTenant* in(const std::string& vrf);
  // `vrf`'s tenant while its L3 VNI is here: what MAC/IP routes carry.
  const EvpnTenant* routed(const std::string& vrf) const;

  // Each tenant's attachment (its L3 VNI, while that VNI's bridge is in
  // its VRF) and subnets (its other VNIs' SVIs) from the kernel's VNIs now,
  // its identity from `identity`. Returns the VRFs whose tenant changed
  // what our MAC/IP routes carry for it (label, target, router MAC).
  std::vector<std::string> update(const std::vector<LocalVni>& kernel_vnis,
                                  const std::function<EvpnTenant::Identity(uint32_t)>& identity);
  // Route `key` changed in the table (`entry` null: gone).
  void table_changed(const EvpnTable::Key& key, const EvpnTable::Entry* entry);
  // Appends every tenant's kernel changes to `u`; `local_host` says
  // whether an address is a host of ours in a tenant.
  void take_update(const std::function<bool(const EvpnTenant&, const wire::IpAddress&)>& local_host,
                   EvpnKernelUpdate& u);
  // Appends the remote routes the tenants refused since the last call.
  void take_rejections(EvpnRejections::Taken& into);
  bool pending() const;

 private:
  EvpnTable& table_;
  std::map<uint32_t, EvpnTenant> tenants_;  // by L3 VNI
};

}  // namespace closbgp::rib
