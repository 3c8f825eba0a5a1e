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
}

TEST(EvpnConfig, DuplicateDetection) {
  const std::string head = "asn: 65101\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n";
  EXPECT_EQ(parsed(head).evpn.duplicates, (EvpnDuplicates{true, 5, 180, 180}));  // FRR's
  EXPECT_EQ(parsed(head + "  duplicate-detection: {max-moves: 3, time: 60, freeze: 600}\n")
                .evpn.duplicates,
            (EvpnDuplicates{true, 3, 60, 600}));
  EXPECT_FALSE(parsed(head + "  duplicate-detection: false\n").evpn.duplicates.enabled);
}

TEST(EvpnConfig, ReadsBackFromTheRunningConfig) {
  const Config first = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn: {advertise-all-vni: true, "
      "vnis: [{vni: 100, route-target: 65000:100}, {vni: 200}], "
      "vrfs: [{name: default, vni: 4001, advertise: [ipv6-unicast]}], "
      "duplicate-detection: {max-moves: 3, time: 60, freeze: 600}}\n");
  EXPECT_EQ(parsed(running_config_yaml(first)).evpn, first.evpn);
  const Config off = parsed(
      "asn: 65101\nrouter-id: 10.0.0.1\nevpn: {advertise-all-vni: true, "
      "duplicate-detection: false}\n");
  EXPECT_EQ(parsed(running_config_yaml(off)).evpn, off.evpn);
  EXPECT_EQ(parsed(running_config_yaml(first)).evpn, first.evpn);
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
      {"a VRF device",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  advertise-all-vni: true\n"
       "  vrfs:\n    - {name: blue, vni: 4001}\n",
       6, "evpn.vrfs[0].name", "only 'default'"},
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
      {"without the VNIs",
       "asn: 1\nrouter-id: 10.0.0.1\nevpn:\n  vrfs:\n    - {name: default, vni: 4001}\n", 5,
       "evpn.vrfs", "advertise-all-vni"},
  };
  for (const auto& c : cases) expect_refused(c);
}

}  // namespace
}  // namespace closbgp::config
