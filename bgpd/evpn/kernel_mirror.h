// The leaf's kernel side of EVPN, without the kernel: what the engine wants
// the kernel to hold of the remote VNIs' state, and what changed on the
// local side between two reads (VNIs, learned MACs, resolved neighbours).
// Both are compared with what the kernel holds as read (fib/vxlan_state.h):
// an entry a previous run installed that is still wanted is adopted, not
// written again; one someone removed is put back; one nobody wants any more
// is removed once the first tables are in (a restart does not flush what
// still forwards).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "fib/vxlan_state.h"
#include "rib/evpn_leaf.h"

namespace closbgp::evpn {

class KernelMirror {
 public:
  using Update = rib::EvpnKernelUpdate;

  // The engine's deltas: from now on this is wanted. Returns the part of
  // `u` the kernel, as last read, does not hold already.
  Update want(const Update& u);
  // What to write so that the kernel, as read in `kernel`, holds what is
  // wanted; with `sweep`, what of ours it holds unwanted goes too.
  Update repair(const fib::VxlanState& kernel, bool sweep);

  // The local side of `kernel` against the last read.
  struct LocalChanges {
    std::optional<std::vector<rib::LocalVni>> vnis;                  // set when they changed
    std::vector<std::tuple<uint32_t, wire::MacAddress, bool>> macs;  // VNI, MAC, present
    std::vector<std::tuple<uint32_t, wire::IpAddress, std::optional<wire::MacAddress>>> neighbors;
    bool empty() const { return !vnis && macs.empty() && neighbors.empty(); }
  };
  LocalChanges local_changes(const fib::VxlanState& kernel);

  // Whether the engine wants `mac` installed as remote; whether the last
  // read found it learned here.
  bool remote_mac(uint32_t vni, const wire::MacAddress& mac) const {
    return macs_.contains({vni, mac});
  }
  bool local_mac(uint32_t vni, const wire::MacAddress& mac) const {
    return local_macs_.contains({vni, mac});
  }
  // The node's VNIs: their usable VXLAN devices.
  const std::map<uint32_t, fib::VxlanDevice>& devices() const { return devices_; }

 private:
  void remember_ours(const fib::VxlanState& kernel);

  // Wanted: the engine's view.
  std::set<Update::Flood> floods_;
  std::map<std::pair<uint32_t, wire::MacAddress>, wire::IpAddress> macs_;
  std::map<std::pair<uint32_t, wire::IpAddress>, wire::MacAddress> neighbors_;
  // Ours in the kernel as last read.
  std::set<Update::Flood> kernel_floods_;
  std::map<std::pair<uint32_t, wire::MacAddress>, wire::IpAddress> kernel_macs_;
  std::map<std::pair<uint32_t, wire::IpAddress>, wire::MacAddress> kernel_neighbors_;
  // The local side as last read.
  std::map<uint32_t, fib::VxlanDevice> devices_;  // usable, by VNI
  std::set<std::pair<uint32_t, wire::MacAddress>> local_macs_;
  std::map<std::pair<uint32_t, wire::IpAddress>, wire::MacAddress> local_neighbors_;
};

}  // namespace closbgp::evpn
