// A leaf's routed tenant (symmetric IRB, RFC 9135; IP prefix routes, RFC
// 9136): its L3 VNI joins the tenant's routing table across VTEPs. Ours:
// each subnet of the tenant's SVIs goes out as a type-5 route carrying the
// L3 VNI and our router MAC (the L3 VNI bridge's MAC); the leaf's MAC/IP
// routes carry the L3 VNI as second label, the tenant's route target and
// the router MAC (EvpnLeaf asks attachment()). Theirs: type-5 prefixes and
// type-2 host addresses whose route targets select the tenant become
// routes of its table through the L3 VNI, ECMP over the VTEPs that claim
// them, and each such VTEP's router MAC a neighbour and FDB entry of the L3
// VNI. What the node has itself (its subnets, its hosts) is not installed,
// nor a route whose prefix holds its own VTEP (the tunnel would lead into
// itself). Nothing of this goes into the unicast tables: the overlay and
// the underlay stay apart.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "policy/route_map.h"
#include "rib/evpn_kernel_update.h"
#include "rib/evpn_rejections.h"
#include "rib/evpn_table.h"

namespace closbgp::rib {

struct TenantConfig {
  uint32_t l3vni = 0;
  bool ipv4 = true, ipv6 = true;  // which of its subnets go out as type 5
  // Of those, what goes, with what attributes (FRR's `advertise ipv4
  // unicast route-map`): each subnet as a unicast prefix; none: all.
  std::shared_ptr<const policy::RouteMap> route_map{};
  std::string vrf{};  // its kernel VRF device; "": the main table
  friend bool operator==(const TenantConfig&, const TenantConfig&) = default;
};

class EvpnTenant {
 public:
  struct Attachment {  // the L3 VNI's VXLAN device here
    wire::IpAddress vtep;
    wire::MacAddress router_mac{};
    friend bool operator==(const Attachment&, const Attachment&) = default;
  };
  struct Identity {  // of our routes, and what we import
    wire::RouteDistinguisher rd;
    uint64_t export_rt = 0;
    uint64_t import_rt = 0;  // 0: any AS:L3VNI
    friend bool operator==(const Identity&, const Identity&) = default;
  };

  EvpnTenant(TenantConfig config, EvpnTable& table) : config_(config), table_(table) {}
  const TenantConfig& config() const { return config_; }

  // The L3 VNI's device is here (or gone: nullopt); `id` names our routes.
  void attach(std::optional<Attachment> a, const Identity& id);
  const Attachment* attachment() const { return attached_ ? &*attached_ : nullptr; }
  const Identity& identity() const { return id_; }
  // The tenant's subnets now: its SVIs' prefixes.
  void set_subnets(std::set<wire::Prefix> subnets);
  const std::set<wire::Prefix>& subnets() const { return subnets_; }
  // Those of the families configured that the route-map permits: what
  // goes out as type 5.
  std::vector<wire::Prefix> advertised_subnets() const;
  // Another route-map for the subnets: what goes out changes.
  void set_route_map(std::shared_ptr<const policy::RouteMap> route_map);

  // Route `key` changed in the table (`entry` null: gone).
  void update(const EvpnTable::Key& key, const EvpnTable::Entry* entry);
  // Whether the node has `ip` itself (a host in one of its VNIs) changed.
  void local_changed(const wire::IpAddress& ip);
  // Appends to `u` what the kernel should now hold differently;
  // `local_host` says whether an address is a host of ours.
  void take_update(const std::function<bool(const wire::IpAddress&)>& local_host,
                   EvpnKernelUpdate& u);
  bool pending() const { return !dirty_prefixes_.empty() || !dirty_vteps_.empty(); }

  // In the kernel now: the tenant's remote prefixes and their VTEPs, each
  // VTEP's router MAC.
  const std::map<wire::Prefix, std::vector<wire::IpAddress>>& routes() const { return installed_; }
  const std::map<wire::IpAddress, wire::MacAddress>& router_macs() const {
    return installed_rmacs_;
  }
  // Remote routes not imported: no router MAC, an unusable VTEP or MAC,
  // a gateway address (recursive type 5), or a prefix holding its VTEP.
  uint64_t unusable() const { return rejected_.total(); }
  EvpnRejections& rejected() { return rejected_; }

 private:
  struct Claim {
    wire::Prefix prefix;
    wire::IpAddress vtep;
    wire::MacAddress router_mac{};
  };
  std::optional<wire::Prefix> prefix_of(const wire::EvpnRoute& route) const;
  // Our type-5 routes' attributes before the route-map: target,
  // encapsulation, router MAC (once attached).
  wire::PathAttributes type5_attributes() const;
  // Each subnet that goes out, with the attributes the route-map gave it
  // (nullopt: type5_attributes() unchanged).
  std::vector<std::pair<wire::Prefix, std::optional<wire::PathAttributes>>> outgoing() const;
  wire::EvpnRoute type5_route(const wire::Prefix& p) const;
  void advertise();
  void withdraw();
  void import_all();
  void drop(const EvpnTable::Key& key);
  // The VTEPs a prefix should go to now; empty: none (or it is ours).
  std::vector<wire::IpAddress> wanted(
      const wire::Prefix& p, const std::function<bool(const wire::IpAddress&)>& local_host) const;

  TenantConfig config_;
  EvpnTable& table_;
  std::optional<Attachment> attached_;
  Identity id_;
  std::set<wire::Prefix> subnets_;
  bool advertised_ = false;  // our type-5 routes are in the table
  std::map<EvpnTable::Key, Claim> imported_;
  std::map<wire::Prefix, std::set<EvpnTable::Key>> claims_;
  // VTEP -> router MAC -> how many claims carry it.
  std::map<wire::IpAddress, std::map<wire::MacAddress, int>> rmacs_;
  std::set<wire::Prefix> dirty_prefixes_;
  std::set<wire::IpAddress> dirty_vteps_;
  std::map<wire::Prefix, std::vector<wire::IpAddress>> installed_;
  std::map<wire::IpAddress, wire::MacAddress> installed_rmacs_;
  EvpnRejections rejected_;
};

}  // namespace closbgp::rib
