// The leaf's kernel side of EVPN, without the kernel: what the engine wants
// the kernel to hold of the remote VNIs' state, and what changed on the
// local side between two reads (VNIs, learned MACs, resolved neighbours;
// a routed tenant's routes too).
// Both are compared with what the kernel holds as read (fib/vxlan_state.h):
// an entry a previous run installed that is still wanted is adopted, not
// written again; one someone removed is put back; one nobody wants any more
// is removed once the first tables are in (a restart does not flush what
// still forwards).
// A read may take seconds (the kernel's FDB dump is quadratic), so it is
// made on another thread while the loop goes on writing and taking
// notifications: what changed on the loop since the read began is newer
// than what the read may have found, and the mirror keeps it over the read.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>

#include "fib/vxlan_state.h"
#include "rib/evpn_leaf.h"

namespace closbgp::evpn {

// Each keyed kind of entry of ours as key and value (what differs in the
// kernel when it changes), and back.
inline auto key_value(const rib::EvpnKernelUpdate::Mac& m) {
  return std::pair{std::pair{m.vni, m.mac}, m.vtep};
}
inline auto key_value(const rib::EvpnKernelUpdate::Neighbor& n) {
  return std::pair{std::pair{n.vni, n.ip}, std::pair{n.mac, n.router}};
}
inline auto key_value(const rib::EvpnKernelUpdate::Route& r) {
  return std::pair{std::pair{r.l3vni, r.prefix}, r.vteps};
}
inline rib::EvpnKernelUpdate::Mac entry_of(const std::pair<uint32_t, wire::MacAddress>& k,
                                           const wire::IpAddress& vtep) {
  return {k.first, k.second, vtep};
}
inline rib::EvpnKernelUpdate::Neighbor entry_of(const std::pair<uint32_t, wire::IpAddress>& k,
                                                const std::pair<wire::MacAddress, bool>& at) {
  return {k.first, k.second, at.first, at.second};
}
inline rib::EvpnKernelUpdate::Route entry_of(const std::pair<uint32_t, wire::Prefix>& k,
                                             const std::vector<wire::IpAddress>& vteps) {
  return {k.first, k.second, vteps};
}

class KernelMirror {
 public:
  using Update = rib::EvpnKernelUpdate;

  // The engine's deltas: from now on this is wanted. Returns the part of
  // `u` the kernel, as last read, does not hold already.
  Update want(const Update& u);
  // What to write so that the kernel, as read in `kernel`, holds what is
  // wanted; with `sweep`, what of ours it holds unwanted goes too.
  Update repair(const fib::VxlanState& kernel, bool sweep);
  // A read begins that ends with local_changes() and repair() of what it
  // found: until then, the keys our writes (want(), local_displaced())
  // and the notifications taken (local_notice()) change keep what the
  // mirror knows over what the read finds for them.
  void read_begins() { reading_ = true; }
  bool reading() const { return reading_; }
  // The read failed: nothing to compare, nothing more to keep for it.
  void read_failed();

  // The local side of `kernel` against the last read.
  struct LocalChanges {
    std::optional<std::vector<rib::LocalVni>> vnis;                  // set when they changed
    std::vector<std::tuple<uint32_t, wire::MacAddress, bool>> macs;  // VNI, MAC, present
    // VNI, address, its MAC (none: gone), whether it is an IPv6 router's.
    std::vector<std::tuple<uint32_t, wire::IpAddress, std::optional<wire::MacAddress>, bool>>
        neighbors;
    bool empty() const { return !vnis && macs.empty() && neighbors.empty(); }
  };
  LocalChanges local_changes(const fib::VxlanState& kernel);

  // Whether the engine wants `mac` installed as remote; whether it is
  // known learned here.
  bool remote_mac(uint32_t vni, const wire::MacAddress& mac) const {
    auto it = macs_.entries.find({vni, mac});
    return it != macs_.entries.end() && it->second.wanted;
  }
  bool local_mac(uint32_t vni, const wire::MacAddress& mac) const {
    return local_macs_.contains({vni, mac});
  }
  // Whether `n` only tells what we last wrote or removed (a remote MAC, a
  // flood-list entry): nothing to read again for it.
  bool echoes_ours(const fib::FdbNotice& n) const;
  // The local change notification `n` makes, taken from it as a read
  // would take the entry, with no read of the kernel (with 100,000 remote
  // MACs a read costs seconds): a MAC a VNI's bridge learned on a host port
  // or aged out, an address a VNI's SVI resolved, moved or lost. Empty when
  // it changes nothing read before: a host's entry going REACHABLE, STALE,
  // DELAY and back (each host's does every half minute or so), an entry on
  // no VNI's segment or SVI (the underlay's). nullopt when only a read can
  // tell: an entry on a VXLAN device, someone's extern_learn binding, or
  // any change to an address of ours (someone removed it).
  std::optional<LocalChanges> local_notice(const fib::FdbNotice& n);
  std::optional<LocalChanges> local_notice(const fib::NeighborNotice& n);
  // Whether a link or address notification may change the VNIs as a read
  // finds them: a device of a kind VNIs are made of (VXLAN, bridge, VLAN,
  // VRF), any change to a VXLAN device, its bridge or SVI, an address on
  // an SVI (not a link-local one: a read leaves those out). Not the underlay's ports, not hosts'
  // ports (what a bridge learns on them comes as forwarding entries), not their addresses.
  bool changes_vnis(const fib::LinkNotice& n) const;
  // Our entries in `u` (the engine's, about to be written) take the place
  // of local MACs and addresses in the kernel: those are gone from the
  // local side, as a read after the writes would find (their notifications
  // are echoes of our writes).
  LocalChanges local_displaced(const Update& u);
  // The node's VNIs: their usable VXLAN devices.
  const std::map<uint32_t, fib::VxlanDevice>& devices() const { return devices_; }

 private:
  // One keyed kind (remote MACs, addresses, tenant routes): per key, what
  // the engine wants, and what of ours the kernel holds as last read (and
  // written since). One B-tree for both: a leaf may hold a hundred
  // thousand (rib::EvpnImport::Table says why B-trees).
  template <class Entry>
  struct Kind {
    using KeyValue = decltype(key_value(std::declval<Entry>()));
    using Value = typename KeyValue::second_type;
    struct Both {
      std::optional<Value> wanted, kernel;
    };
    using Key = typename KeyValue::first_type;
    absl::btree_map<Key, Both> entries;
    // Keys written since the read in flight began (read_begins()).
    absl::btree_set<Key> since_read;
    // The kernel's value for `k` as last read, if it holds one of ours.
    const Value* in_kernel(const Key& k) const {
      auto it = entries.find(k);
      return it == entries.end() || !it->second.kernel ? nullptr : &*it->second.kernel;
    }
    // The engine's deltas; what of them the kernel lacks goes to `out_*`.
    // `reading`: a read is in flight.
    void want(const std::vector<Entry>& remove, const std::vector<Entry>& set,
              std::vector<Entry>& out_remove, std::vector<Entry>& out_set, bool reading);
    // What a read found of ours, but for the keys written since it began.
    void read(const std::vector<Entry>& ours);
    // What to write so the kernel holds what is wanted (and, with
    // `sweep`, nothing else of ours).
    void repair(bool sweep, std::vector<Entry>& out_remove, std::vector<Entry>& out_set);
  };

  std::set<Update::Flood> floods_;         // wanted
  std::set<Update::Flood> kernel_floods_;  // ours in the kernel
  Kind<Update::Mac> macs_;
  Kind<Update::Neighbor> neighbors_;
  Kind<Update::Route> routes_;
  // The local side as last read.
  std::map<uint32_t, fib::VxlanDevice> devices_;  // usable, by VNI
  std::map<uint32_t, uint32_t> vni_of_device_;    // their ifindex -> VNI
  std::map<uint32_t, uint32_t> vni_of_svi_;       // their SVIs' ifindex -> VNI
  // Their segments (bridge, VLAN) -> VNI; every VXLAN device's ifindex.
  std::map<std::pair<uint32_t, uint16_t>, uint32_t> vni_of_segment_;
  std::set<uint32_t> vxlan_ports_;
  std::set<uint32_t> vni_links_;  // every VXLAN device's ifindex, bridge, SVI
  absl::btree_set<std::pair<uint32_t, wire::MacAddress>> local_macs_;
  absl::btree_map<std::pair<uint32_t, wire::IpAddress>, std::pair<wire::MacAddress, bool>>
      local_neighbors_;  // MAC, router
  // While a read is in flight, the keys changed on the loop since it began
  // (each Kind keeps its own).
  bool reading_ = false;
  std::set<Update::Flood> floods_since_read_;
  absl::btree_set<std::pair<uint32_t, wire::MacAddress>> local_macs_since_read_;
  absl::btree_set<std::pair<uint32_t, wire::IpAddress>> local_neighbors_since_read_;
};

}  // namespace closbgp::evpn
