// The leaf's role in EVPN over VXLAN (RFC 7432, RFC 8365): the node's own
// VNIs, found in the kernel, become routes of the EVPN table: a type 3
// (inclusive multicast, "send me the VNI's flooded traffic") per VNI, a
// type 2 per MAC learned on the VNI's bridge and per IP/MAC binding of its
// neighbour table. Remote routes are imported into the VNIs their route
// targets select (rib/evpn_import.h) and come out as what the kernel
// should hold. MAC mobility (RFC 7432 sec. 15): a MAC learned here that
// another VTEP claims is advertised with the next sequence number; a
// remote claim that beats ours takes our route out (the host moved). A
// routed tenant (symmetric IRB) is rib/evpn_tenant.h: its L3 VNI is one
// of the kernel's VNIs, not bridged but routed. Several tenants, each in
// a VRF (the main table for one): a VNI belongs to the tenant whose VRF
// its bridge is enslaved to; tenants' addresses may overlap.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "rib/evpn_duplicate_ips.h"
#include "rib/evpn_import.h"
#include "rib/evpn_table.h"
#include "rib/evpn_tenant.h"
#include "rib/evpn_tenants.h"

namespace closbgp::rib {

struct PathExtras;  // rib/evpn_own_routes.h

// A VNI of this node: a VXLAN device in a bridge.
struct LocalVni {
  uint32_t vni = 0;
  wire::IpAddress vtep;                 // the VXLAN device's local address: where tunnels end here
  wire::MacAddress bridge_mac{};        // the bridge's own: an L3 VNI's router MAC
  std::vector<wire::Prefix> subnets{};  // the bridge's (its SVI's) addresses' prefixes
  std::string vrf{};                    // the VRF device its bridge is in; "": the main table
  std::vector<wire::IpAddress> addresses{};  // the SVI's own (no link-local), sorted
  friend bool operator==(const LocalVni&, const LocalVni&) = default;
};

// Whether a VNI's SVI (its bridge's own MAC and addresses) goes out as
// MAC/IP routes, as FRR's `advertise-svi-ip` and `advertise-default-gw`
// do: not at all (an anycast gateway is on every leaf anyway), as a host
// (a gateway with addresses of its own, reachable across the fabric), or
// as the segment's default gateway (RFC 7432 sec. 10.1: the Default
// Gateway community, for a gateway on some leaves only).
enum class SviAdvertisement : uint8_t { None, Addresses, DefaultGateway };

class EvpnLeaf {
 public:
  // `router_id` (host order) makes the route distinguishers; `local_as`
  // the automatic route targets (AS:VNI, RFC 8365 sec. 5.1.2.1).
  EvpnLeaf(uint32_t local_as, uint32_t router_id, EvpnTable& table)
      : local_as_(local_as), router_id_(router_id), table_(table) {}

  // Route targets given per VNI (imported and exported); the others are
  // automatic: AS:VNI exported, any AS with our VNI imported.
  void set_route_targets(std::map<uint32_t, uint64_t> route_targets);
  // The routed tenants (at start, before the VNIs come), each with its
  // L3 VNI and VRF: an L3 VNI among the kernel's is routed (while its
  // bridge is in the tenant's VRF), the subnets of the other VNIs whose
  // bridges are in that VRF are the tenant's. A tenant given again (a
  // reload) keeps its state and takes its new route-map.
  void set_tenants(const std::vector<TenantConfig>& configs) { tenants_.set(configs); }
  // By L3 VNI.
  const std::map<uint32_t, EvpnTenant>& tenants() const { return tenants_.all(); }
  void set_svi_advertisement(SviAdvertisement a);
  // The node's VNIs now: new ones are advertised, gone ones withdrawn.
  void set_vnis(const std::vector<LocalVni>& vnis);
  // A MAC learned on (or gone from) a port of the VNI's bridge.
  void set_mac(uint32_t vni, const wire::MacAddress& mac, bool present);
  // An address of the VNI's SVI's neighbour table at `mac`, or gone;
  // `router`: an IPv6 router's (NTF_ROUTER), advertised with the Router flag.
  void set_neighbor(uint32_t vni, const wire::IpAddress& ip, std::optional<wire::MacAddress> mac,
                    bool router = false);
  // A duplicate MAC (it keeps moving: bgpd/evpn/duplicate_macs.h) is
  // frozen: not advertised by us, another VTEP's claim installed. Thawed,
  // a MAC still here is claimed again with the next sequence number.
  void set_frozen(uint32_t vni, const wire::MacAddress& mac, bool frozen);
  bool frozen(uint32_t vni, const wire::MacAddress& mac) const {
    return frozen_.contains({vni, mac});
  }

  // The table's routes `keys` changed (EvpnTable::take_changes).
  void table_changed(std::span<const EvpnTable::Key> keys);
  // What the kernel should hold differently since the last call.
  EvpnKernelUpdate take_kernel_update();
  bool pending() const { return import_.pending() || tenants_.pending(); }
  // What to tell the operator since the last call: remote routes refused
  // as kernel entries, duplicate addresses found or over.
  struct Findings {
    EvpnRejections::Taken refused;
    std::vector<EvpnDuplicateIps::Change> duplicate_ips;
    bool empty() const { return refused.first.empty() && duplicate_ips.empty(); }
  };
  Findings take_findings();
  // Addresses that hosts with different MACs claim, as of the last
  // take_kernel_update() (rib/evpn_duplicate_ips.h).
  const EvpnDuplicateIps& duplicate_ips() const { return duplicate_ips_; }

  struct LocalMac {
    uint32_t sequence = 0;    // MAC mobility
    bool advertised = false;  // false while a remote claim beats ours
  };
  struct Vni {
    LocalVni local;
    wire::RouteDistinguisher rd;
    uint64_t export_rt = 0;
    uint64_t import_rt = 0;  // 0: any AS:VNI
    std::map<wire::MacAddress, LocalMac> macs;
    std::map<wire::IpAddress, wire::MacAddress> neighbors;
    std::set<wire::IpAddress> routers;  // of the neighbours: IPv6 routers' addresses
  };
  const std::map<uint32_t, Vni>& vnis() const { return vnis_; }
  const EvpnImport& remote() const { return import_; }

 private:
  wire::RouteDistinguisher allocate_rd(uint32_t vni) const;
  uint64_t auto_route_target(uint32_t vni) const;
  // `v`'s route targets, configured or automatic; whether its export one changed.
  bool assign_targets(Vni& v) const;
  // Our routes of `v`: its type 3, a MAC's type 2 (with its addresses), all.
  void advertise_flood(const Vni& v);
  // The SVI's MAC/IP routes (set_svi_advertisement), each of its addresses.
  std::vector<wire::EvpnRoute> svi_routes(const Vni& v) const;
  void advertise_svi(const Vni& v);
  // Every advertised MAC of `v` (with its addresses), then its SVI.
  void advertise_hosts(const Vni& v);
  void advertise_all(const Vni& v);
  void advertise_mac(const Vni& v, const wire::MacAddress& mac);
  // MAC/IP routes of `v` with `x`, those of a router's address with the
  // Router flag.
  void announce_hosts(const Vni& v, std::vector<wire::EvpnRoute> routes, const PathExtras& x,
                      const std::function<bool(const wire::IpAddress&)>& router);
  void withdraw_mac(const Vni& v, const wire::MacAddress& mac);
  void withdraw_all(const Vni& v);
  // The type 2 routes of `mac` in `v`: MAC only, then one per address.
  std::vector<wire::EvpnRoute> mac_routes(const Vni& v, const wire::MacAddress& mac) const;
  // `mac` is here: claimed (the next sequence after a remote claim) and
  // advertised, unless frozen.
  void claim(Vni& v, const wire::MacAddress& mac);
  // The kernel's view of `mac` and its addresses is to be worked out again.
  void local_changed(const Vni& v, const wire::MacAddress& mac);
  // After a change of remote claims on `mac`: ours is advertised or not.
  void reconsider(Vni& v, const wire::MacAddress& mac);
  bool beaten(const Vni& v, const LocalMac& ours, const EvpnImport::Remote& remote) const;
  // Whether the kernel has `k` itself (so it is not installed as remote):
  // a MAC learned here and advertised (with its addresses), or the SVI's.
  bool has_local(const EvpnImport::MacKey& k) const;
  bool has_local(const EvpnImport::IpKey& k) const { return local_binding(k).has_value(); }
  // The MAC of an address the kernel has itself (has_local()).
  std::optional<wire::MacAddress> local_binding(const EvpnImport::IpKey& k) const;
  void import_again();
  // The tenants' attachments, identities and subnets from the kernel's
  // VNIs now; MAC/IP routes go again when what they carry for one changed.
  void update_tenants();
  // What the kernel says of a VNI we have changed (its VTEP, its bridge's
  // VRF, subnets, MAC): what depends on it goes again.
  void kernel_vni_changed(Vni& v, const LocalVni& now);
  // The VNI's own MAC and addresses (its SVI's) are to be looked at again:
  // no remote claim on them is installed.
  void svi_changed(const Vni& v);
  // Whether `ip` is a host of ours in one of `t`'s VNIs.
  bool local_host(const EvpnTenant& t, const wire::IpAddress& ip) const;
  // Whether `ip` is a host of ours changed.
  void host_changed(const Vni& v, const wire::IpAddress& ip);

  uint32_t local_as_;
  uint32_t router_id_;
  EvpnTable& table_;
  std::map<uint32_t, uint64_t> route_targets_;
  std::map<uint32_t, Vni> vnis_;
  EvpnImport import_;
  std::set<EvpnImport::MacKey> frozen_;
  EvpnDuplicateIps duplicate_ips_;
  SviAdvertisement svi_ = SviAdvertisement::None;
  EvpnTenants tenants_{table_};
  std::vector<LocalVni> kernel_vnis_;  // as last set, the L3 VNIs included
};

}  // namespace closbgp::rib
