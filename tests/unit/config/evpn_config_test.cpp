#include "bgpd/config/evpn_config.h"

#include <gtest/gtest.h>

#include "bgpd/config/config_writer.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

TEST(EvpnConfig, VnisAndTheirRouteTargets) {
  const Config c = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
      "  vnis: [{vni: 100, route-target: 65000:100}, {vni: 200}, "
      "{vni: 300, route-target: 10.0.0.1:7}]\n");
  EXPECT_TRUE(c.evpn.advertise_all_vni);
  ASSERT_EQ(c.evpn.vnis.size(), 3u);
  EXPECT_EQ(c.evpn.vnis[0].route_target, 0x0002fde800000064u);
  EXPECT_EQ(c.evpn.vnis[1].route_target, 0u);  // automatic
  EXPECT_EQ(route_targets(c.evpn),
            (std::map<uint32_t, uint64_t>{{100, 0x0002fde800000064u}, {300, 0x01020a0000010007u}}));
  EXPECT_FALSE(parsed("asn: 1\nrouter-id: 10.0.0.1\n").evpn.advertise_all_vni);  // off by default
}

TEST(EvpnConfig, ARoutedTenant) {
  const Config c = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
      "  vrfs: [{name: default, vni: 4001, route-target: 65000:4001, advertise: ipv4-unicast}]\n");
  ASSERT_EQ(c.evpn.vrfs.size(), 1u);
  EXPECT_EQ(c.evpn.vrfs[0], (EvpnVrf{"default", 4001, 0x0002fde800000fa1u, true, false}));
  EXPECT_EQ(route_targets(c.evpn), (std::map<uint32_t, uint64_t>{{4001, 0x0002fde800000fa1u}}));
  // Both families by default, the target automatic.
  const Config d = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn: {advertise-all-vni: true, "
      "vrfs: [{name: default, vni: 4001}]}\n");
  EXPECT_EQ(d.evpn.vrfs[0], (EvpnVrf{"default", 4001, 0, true, true}));
  // Tenants in VRF devices, beside the main table's.
  const Config e = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn: {advertise-all-vni: true, vrfs: ["
      "{name: red, vni: 4001}, {name: blue, vni: 4002}, {name: default, vni: 4003}]}\n");
  ASSERT_EQ(e.evpn.vrfs.size(), 3u);
  EXPECT_EQ(e.evpn.vrfs[1], (EvpnVrf{"blue", 4002, 0, true, true}));
}

TEST(EvpnConfig, DuplicateDetection) {
  const std::string head = "asn: 65101\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n";
  EXPECT_EQ(parsed(head).evpn.duplicates, (EvpnDuplicates{true, 5, 180, 180}));  // FRR's
  EXPECT_EQ(parsed(head + "  duplicate-detection: {max-moves: 3, time: 60, freeze: 600}\n")
                .evpn.duplicates,
            (EvpnDuplicates{true, 3, 60, 600}));
  EXPECT_FALSE(parsed(head + "  duplicate-detection: false\n").evpn.duplicates.enabled);
  // Frozen until cleared (FRR's `freeze permanent`); it reads back.
  const Config permanent = parsed(head + "  duplicate-detection: {freeze: permanent}\n");
  EXPECT_EQ(permanent.evpn.duplicates, (EvpnDuplicates{true, 5, 180, 0}));
  EXPECT_EQ(parsed(running_config_yaml(permanent)).evpn, permanent.evpn);
}

// FRR's advertise-default-gw and advertise-svi-ip: off by default.
TEST(EvpnConfig, TheSvisAdvertisement) {
  const std::string head = "asn: 65101\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n";
  const Config none = parsed(head);
  EXPECT_FALSE(none.evpn.advertise_default_gw || none.evpn.advertise_svi_ip);
  const Config gw = parsed(head + "  advertise-default-gw: true\n");
  EXPECT_TRUE(gw.evpn.advertise_default_gw);
  EXPECT_EQ(parsed(running_config_yaml(gw)).evpn, gw.evpn);
  const Config svi = parsed(head + "  advertise-svi-ip: true\n");
  EXPECT_TRUE(svi.evpn.advertise_svi_ip);
  EXPECT_EQ(parsed(running_config_yaml(svi)).evpn, svi.evpn);
}

TEST(EvpnConfig, ReadsBackFromTheRunningConfig) {
  const Config first = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nroute-maps: {SUBNETS: [{action: permit}]}\n"
      "evpn: {advertise-all-vni: true, "
      "vnis: [{vni: 100, route-target: 65000:100}, {vni: 200}], "
      "vrfs: [{name: default, vni: 4001, advertise: [ipv6-unicast], route-map: SUBNETS}], "
      "duplicate-detection: {max-moves: 3, time: 60, freeze: 600}}\n");
  EXPECT_EQ(parsed(running_config_yaml(first)).evpn, first.evpn);
  EXPECT_EQ(first.evpn.vrfs.at(0).route_map, "SUBNETS");
  const Config off = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn: {advertise-all-vni: true, "
      "duplicate-detection: false}\n");
  EXPECT_EQ(parsed(running_config_yaml(off)).evpn, off.evpn);
  EXPECT_EQ(parsed(running_config_yaml(first)).evpn, first.evpn);
}

// A neighbour's EVPN routes through route-maps of their own, which may
// match the route type and VNI; they read back from the running config.
TEST(EvpnConfig, ANeighboursOwnRouteMapsForEvpnRoutes) {
  const Config c = parsed(
      "asn: 65100\nrouter-id: 10.0.0.100\n"
      "route-maps:\n"
      "  LEAF-IN:\n"
      "    - {seq: 10, action: deny, match: {evpn-route-type: multicast}}\n"
      "    - {seq: 20, action: permit, match: {evpn-route-type: macip, evpn-vni: 100}}\n"
      "  LEAF-OUT: [{action: permit, match: {evpn-route-type: prefix}}]\n"
      "neighbors:\n"
      "  - {interface: swp1, remote-as: external, evpn: {route-map-in: LEAF-IN, "
      "route-map-out: LEAF-OUT}}\n"
      "  - {interface: swp2, remote-as: external, evpn: true}\n");
  const Neighbor& n = c.neighbors.at(0);
  EXPECT_TRUE(n.evpn);
  EXPECT_EQ(n.evpn_route_map_in, "LEAF-IN");
  EXPECT_EQ(n.evpn_route_map_out, "LEAF-OUT");
  EXPECT_TRUE(n.route_map_in.empty());  // the unicast ones are others
  EXPECT_TRUE(c.neighbors.at(1).evpn && c.neighbors.at(1).evpn_route_map_in.empty());
  const auto& entries = c.policies.route_map("LEAF-IN")->entries();
  EXPECT_EQ(entries.at(0).match.evpn_route_type, wire::EvpnType::InclusiveMulticast);
  EXPECT_EQ(entries.at(1).match.evpn_route_type, wire::EvpnType::MacIp);
  EXPECT_EQ(entries.at(1).match.evpn_vni, 100u);
  const Config back = parsed(running_config_yaml(c));
  EXPECT_EQ(back.neighbors.at(0).evpn_route_map_in, "LEAF-IN");
  EXPECT_EQ(back.neighbors.at(0).evpn_route_map_out, "LEAF-OUT");
  EXPECT_TRUE(back.neighbors.at(1).evpn);

  // A limit of its own for its EVPN routes, as max-prefix is written.
  const Config limited = parsed(
      "asn: 65100\nrouter-id: 10.0.0.100\nneighbors:\n"
      "  - {interface: swp1, remote-as: external, max-prefix: 1000, "
      "evpn: {max-prefix: {limit: 200000, action: warn}}}\n");
  const auto& m = limited.neighbors.at(0).evpn_max_prefix;
  EXPECT_EQ(m.limit, 200000u);
  EXPECT_EQ(m.action, MaxPrefix::Action::Warn);
  EXPECT_EQ(limited.neighbors.at(0).max_prefix.limit, 1000u);
  EXPECT_TRUE(limited.neighbors.at(0).evpn);
  EXPECT_EQ(parsed(running_config_yaml(limited)).neighbors.at(0).evpn_max_prefix, m);

  const BadCase cases[] = {
      {"an unknown route-map",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n"
       "  - {address: 10.0.1.2, remote-as: 2, evpn: {route-map-in: NOPE}}\n",
       4, "neighbors[0].evpn.route-map-in", "route-map 'NOPE' is not defined"},
      {"a key of its own",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n"
       "  - {address: 10.0.1.2, remote-as: 2, evpn: {route-map: X}}\n",
       4, "neighbors[0].evpn.route-map", ""},
      {"a route type",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n"
       "  M: [{action: permit, match: {evpn-route-type: type2}}]\n",
       4, "route-maps.M[0].match.evpn-route-type", "ead, macip, multicast, es or prefix"},
      {"a VNI",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n"
       "  M: [{action: permit, match: {evpn-vni: 0}}]\n",
       4, "route-maps.M[0].match.evpn-vni", "outside"},
  };
  for (const auto& bad : cases) expect_refused(bad);
}

TEST(EvpnConfig, MistakesAreRefusedWithTheirLine) {
  const BadCase cases[] = {
      {"no vni", "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vnis:\n    - {route-target: 1:1}\n", 5,
       "evpn.vnis[0].vni", "is required"},
      {"VNI beyond 24 bits", "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vnis:\n    - {vni: 16777216}\n",
       5, "evpn.vnis[0].vni", ""},
      {"twice", "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vnis:\n    - {vni: 5}\n    - {vni: 5}\n", 6,
       "evpn.vnis[1].vni", "listed twice"},
      {"bad target",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vnis:\n    - {vni: 5, route-target: x:1}\n", 5,
       "evpn.vnis[0].route-target", "AS:N or IPv4:N"},
      {"unknown key", "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vnis: true\n", 4,
       "evpn.advertise-all-vnis", ""},
      {"no interface name",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  vrfs:\n    - {name: tenant-of-the-blue-team, vni: 4001}\n",
       6, "evpn.vrfs[0].name", "no interface name"},
      {"a VRF twice",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  vrfs:\n    - {name: blue, vni: 4001}\n    - {name: blue, vni: 4002}\n",
       7, "evpn.vrfs[1].name", "'blue' is listed twice"},
      {"an L3 VNI bridged too",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n  vnis: [{vni: 4001}]\n"
       "  vrfs:\n    - {name: default, vni: 4001}\n",
       7, "evpn.vrfs[0].vni", "listed twice"},
      {"a family",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  vrfs:\n    - {name: default, vni: 4001, advertise: [l2vpn-evpn]}\n",
       6, "evpn.vrfs[0].advertise", "ipv4-unicast or ipv6-unicast"},
      {"one move", "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  duplicate-detection:\n    max-moves: 1\n",
       5, "evpn.duplicate-detection.max-moves", ""},
      {"an unknown route-map",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  vrfs:\n    - {name: default, vni: 4001, route-map: NOPE}\n",
       6, "evpn.vrfs[0].route-map", "route-map 'NOPE' is not defined"},
      {"without the VNIs",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vrfs:\n    - {name: default, vni: 4001}\n", 5,
       "evpn.vrfs", "advertise-all-vni"},
      {"a gateway without the VNIs",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-svi-ip: true\n", 4, "evpn.advertise-svi-ip",
       "needs advertise-all-vni: true"},
      {"the SVIs both ways",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  advertise-default-gw: true\n  advertise-svi-ip: true\n",
       6, "evpn.advertise-svi-ip", "choose one"},
  };
  for (const auto& c : cases) expect_refused(c);
}

}  // namespace
}  // namespace closbgp::config
