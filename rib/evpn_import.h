// A leaf's import of remote EVPN routes into its VNIs (RFC 7432 sec. 9.2,
// RFC 8365 sec. 5.1.2): which VNIs a route's route targets select, and
// what the kernel should then hold for each VNI: remote VTEPs in the
// flood list (type 3), remote MACs behind their VTEPs (type 2) and remote
// MAC/IP bindings for ARP/ND suppression (type 2 with an IP). Several
// routes may name one MAC (it moved, or two leaves claim it): the highest
// MAC mobility sequence wins, then the lowest VTEP address (RFC 7432 sec.
// 15.1). What the kernel should hold comes out as deltas
// (EvpnKernelUpdate); the MACs and addresses the node has itself are never
// installed as remote ones.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>
#include <boost/container/small_vector.hpp>

#include "bgpd/wire/evpn.h"
#include "rib/evpn_kernel_update.h"
#include "rib/evpn_rejections.h"
#include "rib/evpn_table.h"

namespace closbgp::rib {

// What may become a kernel entry: a VTEP a tunnel can go to (unicast IPv4,
// as our VXLAN devices' local addresses are), a host's or router's MAC
// (unicast, not zero: a zero MAC is a flood-list entry).
bool usable_vtep(const wire::IpAddress& a);
bool usable_mac(const wire::MacAddress& m);
// Why `vtep` or `mac` could be no kernel entry, for the log; empty if they can.
std::string unusable_because(const wire::IpAddress& vtep,
                             const std::optional<wire::MacAddress>& mac);
// Whether route targets `ext` select a VNI that imports `rt`, or with 0
// any two-octet-AS route target AS:`vni`, whatever the AS (each leaf of an
// eBGP fabric has its own AS, and so its own automatic route targets).
bool selects(std::span<const uint64_t> ext, uint64_t rt, uint32_t vni);

class EvpnImport {
 public:
  // A table per MAC or address: B-trees, which hold their entries in
  // arrays (about 47 bytes for a MAC's VTEP, against a tree node's 80),
  // ordered for the listings. They move entries as they grow: nothing
  // keeps a pointer into one across a change.
  template <class K, class V>
  using Table = absl::btree_map<K, V>;
  template <class K>
  using Keys = absl::btree_set<K>;
  using MacKey = std::pair<uint32_t, wire::MacAddress>;  // VNI, MAC
  using IpKey = std::pair<uint32_t, wire::IpAddress>;    // VNI, address
  struct Remote {
    wire::IpAddress vtep;
    wire::MacMobility mobility;
    bool gateway = false;  // a Default Gateway's route (RFC 7432 sec. 7.8)
  };
  // Where a remote address is: its MAC, and whether it is an IPv6
  // router's (an ARP/ND community with the Router flag, or a Default
  // Gateway's route).
  struct Binding {
    wire::MacAddress mac{};
    bool router = false;
    friend bool operator==(const Binding&, const Binding&) = default;
  };
  // The VNIs a route is imported into: mostly one, held inline.
  using Vnis = boost::container::small_vector<uint32_t, 1>;
  // What one route brings into the VNIs it is imported into.
  // (Fields by alignment: no padding, in a table of a hundred thousand.)
  struct Contribution {
    Vnis vnis;
    wire::MacMobility mobility;
    wire::IpAddress vtep;
    std::optional<wire::IpAddress> ip;
    std::optional<wire::MacAddress> mac;
    bool router = false;   // `ip` is an IPv6 router's
    bool gateway = false;  // a Default Gateway's route
    Remote remote() const { return {vtep, mobility, gateway}; }
    // Where it puts `ip` (a MAC/IP route's).
    Binding binding() const { return {mac.value_or(wire::MacAddress{}), router}; }
  };
  // An imported route: its key, and what it brings.
  using Imported = std::pair<const EvpnTable::Key, Contribution>;

  // The route target each local VNI imports: `rt`, or with 0 any
  // two-octet-AS route target AS:VNI, whatever the AS (each leaf of an eBGP
  // fabric has its own AS, and so its own automatic route targets).
  void set_vnis(std::map<uint32_t, uint64_t> import_rts, const EvpnTable& table);
  // Route `key` changed in the table (`entry` null: gone). Paths of our own
  // (the local source) are not imported.
  void update(const EvpnTable::Key& key, const EvpnTable::Entry* entry);

  // The winning remote claim on a MAC, or on an address; nullopt if none.
  std::optional<Remote> mac(const MacKey& k) const;
  std::optional<std::pair<Remote, Binding>> neighbor(const IpKey& k) const;
  // VNI -> its remote VTEPs.
  const std::map<uint32_t, std::map<wire::IpAddress, int>>& floods() const { return floods_; }

  // A MAC or address the node has itself (in the VNI's bridge) is not
  // installed as remote; call when that changes.
  void local_changed(const MacKey& k) { dirty_macs_.insert(k); }
  void local_changed(const IpKey& k) { dirty_neighbors_.insert(k); }
  // Every remote claim on one address (the winner's or not): the routes
  // that make them.
  using IpClaims = std::span<const Imported* const>;
  // The MAC the node has an address at itself; nullopt if it has not.
  using LocalBinding = std::function<std::optional<wire::MacAddress>(const IpKey&)>;
  // Each address whose claims (or the node's own binding) changed.
  using ClaimsSeen =
      std::function<void(const IpKey&, const std::optional<wire::MacAddress>& local, IpClaims)>;
  // What the kernel should now hold differently; `local_mac` /
  // `local_ip` say what the node has itself; `seen` hears of each
  // address whose claims changed first.
  EvpnKernelUpdate take_update(const std::function<bool(const MacKey&)>& local_mac,
                               const LocalBinding& local_ip, const ClaimsSeen& seen = {});
  // Remote routes not imported because their VTEP (next hop) or MAC could
  // not be a kernel entry (a multicast or zero MAC, an unspecified,
  // loopback or multicast VTEP), each time one came; rejected() keeps the
  // latest for the log.
  uint64_t unusable() const { return rejected_.total(); }
  EvpnRejections& rejected() { return rejected_; }
  // The MACs whose claims changed since take_update().
  const Keys<MacKey>& changed_macs() const { return dirty_macs_; }
  bool pending() const {
    return !dirty_floods_.empty() || !dirty_macs_.empty() || !dirty_neighbors_.empty();
  }
  // MACs and addresses in the kernel as remote now.
  const Table<MacKey, wire::IpAddress>& installed_macs() const { return installed_macs_; }
  const Table<IpKey, Binding>& installed_neighbors() const { return installed_neighbors_; }
  // How many of them per VNI, kept as they change: a summary (the API's,
  // the metrics') would walk a hundred thousand entries to count them.
  struct InstalledCounts {
    size_t macs = 0, neighbors = 0;
    friend bool operator==(const InstalledCounts&, const InstalledCounts&) = default;
  };
  const std::map<uint32_t, InstalledCounts>& installed_per_vni() const {
    return installed_per_vni_;
  }

 private:
  // The routes that claim one MAC or address, each by its entry in
  // `imported_` (a tree node: it stays put while the route does). Mostly
  // one, held inline: a leaf may hold a hundred thousand.
  using Claims = boost::container::small_vector<const Imported*, 1>;

  Vnis vnis_of(const wire::PathAttributes& a) const;
  // `imported` is imported_'s own: the claims point at it.
  void add(const Imported& imported);
  void remove(const Imported& imported);
  static const Imported* winner_of(const Claims& claims);
  // One of `vni`'s installed entries went (`which` counts it).
  void uninstalled(uint32_t vni, size_t InstalledCounts::*which);
  template <class K>
  static const Imported* winner(const Table<K, Claims>& claims, const K& k);

  std::map<uint32_t, uint64_t> import_rts_;
  std::map<EvpnTable::Key, Contribution> imported_;
  EvpnRejections rejected_;
  std::map<uint32_t, std::map<wire::IpAddress, int>> floods_;  // VNI -> VTEP -> routes
  Table<MacKey, Claims> macs_;
  Table<IpKey, Claims> neighbors_;
  std::set<EvpnKernelUpdate::Flood> dirty_floods_;
  Keys<MacKey> dirty_macs_;
  Keys<IpKey> dirty_neighbors_;
  std::set<EvpnKernelUpdate::Flood> installed_floods_;
  Table<MacKey, wire::IpAddress> installed_macs_;
  Table<IpKey, Binding> installed_neighbors_;
  std::map<uint32_t, InstalledCounts> installed_per_vni_;
};

}  // namespace closbgp::rib
