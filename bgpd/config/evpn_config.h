// The `evpn` section of the config file: a leaf's VNIs (docs/evpn.md).
#pragma once

#include <map>

#include "bgpd/config/config.h"
#include "bgpd/config/yaml_reader.h"

namespace closbgp::config {

// evpn: {advertise-all-vni: BOOL, vnis: [{vni: N, route-target: AS:N}],
//        vrfs: [{name: default, vni: L3VNI, route-target: AS:N,
//                advertise: [ipv4-unicast, ipv6-unicast], route-map: NAME}],
//        duplicate-detection: false | {max-moves: 5, time: 180, freeze: 180}}
Evpn parse_evpn(const YAML::Node& n, const policy::Policies& policies);
// The route targets given, by VNI, L3 VNIs included
// (rib::EvpnLeaf::set_route_targets).
std::map<uint32_t, uint64_t> route_targets(const Evpn& e);

}  // namespace closbgp::config
