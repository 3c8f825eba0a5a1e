// What the kernel mirror's tests read from the kernel: one VNI, a host.
#pragma once

#include "fib/vxlan_state.h"
#include "rib/evpn_kernel_update.h"

namespace closbgp::evpn::test {

using Update = rib::EvpnKernelUpdate;

inline const wire::IpAddress kVtep = wire::IpAddress::v4(0x0a000001);   // 10.0.0.1
inline const wire::IpAddress kOther = wire::IpAddress::v4(0x0a000002);  // 10.0.0.2
inline const wire::MacAddress kMac{2, 0, 0, 0, 0, 1}, kRemoteMac{2, 0, 0, 0, 0, 2};
inline const wire::IpAddress kHost = wire::IpAddress::v4(0x0a01010a);

// VNI 100: vxlan100 (ifindex 7) in br100 (ifindex 5); a host on swp2 (6).
inline fib::VxlanState kernel() {
  fib::VxlanState s;
  s.devices.push_back({7, "vxlan100", 100, kVtep, 5, true});
  s.devices.back().svi = 5;                                   // the bridge
  s.devices.push_back({8, "vxlan200", 200, kVtep, 0, true});  // in no bridge: not a VNI of ours
  s.macs.push_back({5, 6, kMac});
  s.neighbors.push_back({5, kHost, kMac});
  return s;
}

}  // namespace closbgp::evpn::test
