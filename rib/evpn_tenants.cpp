#include "rib/evpn_tenants.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "rib/evpn_leaf.h"

namespace closbgp::rib {

void EvpnTenants::set(const std::vector<TenantConfig>& configs) {
  for (const auto& config : configs) {
    auto it = tenants_.find(config.l3vni);
    if (it == tenants_.end())
      tenants_.emplace(std::piecewise_construct, std::forward_as_tuple(config.l3vni),
                       std::forward_as_tuple(config, table_));
    else
      it->second.set_route_map(config.route_map);
  }
}

const EvpnTenant* EvpnTenants::in(const std::string& vrf) const {
  auto it =
      std::ranges::find_if(tenants_, [&](const auto& t) { return t.second.config().vrf == vrf; });
  return it == tenants_.end() ? nullptr : &it->second;
}

EvpnTenant* EvpnTenants::in(const std::string& vrf) {
  return const_cast<EvpnTenant*>(std::as_const(*this).in(vrf));
}

const EvpnTenant* EvpnTenants::routed(const std::string& vrf) const {
  const EvpnTenant* t = in(vrf);
  return t && t->attachment() ? t : nullptr;
}

std::vector<std::string> EvpnTenants::update(
    const std::vector<LocalVni>& kernel_vnis,
    const std::function<EvpnTenant::Identity(uint32_t)>& identity) {
  std::vector<std::string> changed;
  for (auto& [l3vni, tenant] : tenants_) {
    const std::string& vrf = tenant.config().vrf;
    std::optional<EvpnTenant::Attachment> attachment;
    std::set<wire::Prefix> subnets;
    for (const auto& l : kernel_vnis) {
      if (l.vrf != vrf) continue;
      if (l.vni == l3vni)
        attachment = EvpnTenant::Attachment{l.vtep, l.bridge_mac};
      else if (!is_l3vni(l.vni))
        subnets.insert(l.subnets.begin(), l.subnets.end());
    }
    const EvpnTenant::Identity id = identity(l3vni);
    const auto* before = tenant.attachment();
    if ((before ? std::optional(*before) : std::nullopt) != attachment ||
        tenant.identity().export_rt != id.export_rt)
      changed.push_back(vrf);
    tenant.attach(attachment, id);
    tenant.set_subnets(std::move(subnets));
  }
  return changed;
}

void EvpnTenants::table_changed(const EvpnTable::Key& key, const EvpnTable::Entry* entry) {
  for (auto& [l3vni, tenant] : tenants_) tenant.update(key, entry);
}

void EvpnTenants::take_update(
    const std::function<bool(const EvpnTenant&, const wire::IpAddress&)>& local_host,
    EvpnKernelUpdate& u) {
  for (auto& [l3vni, tenant] : tenants_)
    tenant.take_update([&](const wire::IpAddress& ip) { return local_host(tenant, ip); }, u);
}

void EvpnTenants::take_rejections(EvpnRejections::Taken& into) {
  for (auto& [l3vni, tenant] : tenants_) {
    auto more = tenant.rejected().take();
    into.first.insert(into.first.end(), more.first.begin(), more.first.end());
    into.more += more.more;
  }
}

bool EvpnTenants::pending() const {
  return std::ranges::any_of(tenants_, [](const auto& t) { return t.second.pending(); });
}

}  // namespace closbgp::rib
