#include "bgpd/cli/frr_convert.h"

#include <gtest/gtest.h>

#include "bgpd/config/config.h"
#include "bgpd/wire/link_bandwidth.h"

namespace closbgp::cli {
namespace {

// A Cumulus-style leaf, as vtysh's show running-config writes it.
constexpr const char* kLeaf = R"(frr version 8.4.4
frr defaults datacenter
hostname leaf1
!
interface swp1
 ipv6 nd ra-interval 3
 no ipv6 nd suppress-ra
exit
!
router bgp 65101
 bgp router-id 10.0.0.11
 bgp bestpath as-path multipath-relax
 bgp long-lived-graceful-restart stale-time 3600
 no bgp ebgp-requires-policy
 neighbor fabric peer-group
 neighbor fabric remote-as external
 neighbor fabric bfd
 neighbor swp1 interface peer-group fabric
 neighbor swp2 interface peer-group fabric
 neighbor swp3 interface remote-as internal
 neighbor 192.0.2.1 remote-as 65100
 neighbor 192.0.2.1 description border router
 neighbor 192.0.2.1 ebgp-multihop 2
 bgp listen range 10.1.0.0/24 peer-group SERVERS
 neighbor SERVERS peer-group
 neighbor SERVERS remote-as external
 !
 address-family ipv4 unicast
  network 10.0.0.11/32
  aggregate-address 10.1.0.0/16 summary-only
  redistribute connected route-map CONNECTED
  neighbor fabric route-map FROM-FABRIC in
  neighbor SERVERS maximum-prefix 100
 exit-address-family
 !
 address-family ipv6 unicast
  network 2001:db8::/64
  neighbor fabric activate
  neighbor fabric route-map FROM-FABRIC in
 exit-address-family
 !
 address-family l2vpn evpn
  advertise-all-vni
 exit-address-family
exit
!
ip prefix-list LOOPBACKS seq 5 permit 10.0.0.0/24 ge 32
ipv6 prefix-list LOOPBACKS seq 5 permit 2001:db8::/32 le 128
bgp community-list standard TAGGED seq 5 permit 65000:1 65000:2
bgp as-path access-list SPINES seq 5 permit ^65000_
!
route-map FROM-FABRIC permit 10
 match ip address prefix-list LOOPBACKS
 set community 65101:1 additive
exit
route-map FROM-FABRIC deny 20
 match community TAGGED
exit
route-map FROM-FABRIC permit 30
exit
route-map CONNECTED permit 10
 set metric 10
 set extcommunity bandwidth 300
 set ip next-hop 10.0.0.1
exit
route-map CONNECTED permit 20
 set extcommunity bandwidth num-multipaths
exit
)";

config::Config loaded(const FrrConversion& c) {
  auto cfg = config::parse_config(c.yaml, "converted.yaml", config::Files::Leave);
  EXPECT_TRUE(cfg) << cfg.error().to_string() << "\n" << c.yaml;
  return cfg ? *cfg : config::Config{};
}

TEST(ConvertFrr, ALeafBecomesAValidConfigurationThatBehavesAlike) {
  const FrrConversion c = convert_frr(kLeaf, "leaf.conf");
  const config::Config cfg = loaded(c);
  EXPECT_EQ(cfg.asn, 65101u);
  EXPECT_EQ(cfg.router_id.to_string(), "10.0.0.11");
  EXPECT_TRUE(cfg.multipath.as_path_relax);
  EXPECT_EQ(cfg.graceful_restart.long_lived_stale_time, 3600u);
  EXPECT_FALSE(cfg.ebgp_requires_policy);
  EXPECT_EQ(cfg.timers, config::Timers{});  // the datacenter profile's are ours
  ASSERT_EQ(cfg.neighbors.size(), 5u);
  const auto& swp1 = cfg.neighbors[0];
  EXPECT_EQ(swp1.interface, "swp1");
  EXPECT_TRUE(swp1.bfd);  // the peer-group's `bfd`
  EXPECT_EQ(swp1.route_map_in, "FROM-FABRIC");
  EXPECT_EQ(cfg.neighbors[2].interface, "swp3");
  EXPECT_FALSE(cfg.neighbors[2].bfd);  // FRR runs BFD only where asked
  EXPECT_EQ(cfg.neighbors[2].remote_as.kind, config::RemoteAs::Kind::Internal);
  EXPECT_EQ(cfg.neighbors[3].address->to_string(), "192.0.2.1");
  EXPECT_EQ(cfg.neighbors[3].description, "border router");
  EXPECT_EQ(cfg.neighbors[3].ebgp_multihop, 2);
  EXPECT_EQ(cfg.neighbors[4].listen_range->to_string(), "10.1.0.0/24");
  EXPECT_EQ(cfg.neighbors[4].max_prefix.limit, 100u);
  EXPECT_EQ(cfg.neighbors[4].max_prefix.action, config::MaxPrefix::Action::Idle);
  ASSERT_EQ(cfg.networks.size(), 2u);
  EXPECT_EQ(cfg.networks[1].prefix.to_string(), "2001:db8::/64");
  ASSERT_EQ(cfg.aggregates.size(), 1u);
  EXPECT_TRUE(cfg.aggregates[0].summary_only);
  EXPECT_EQ(cfg.redistribute.connected_route_map, "CONNECTED");
  EXPECT_EQ(cfg.policies.prefix_lists.at("LOOPBACKS")->entries.size(), 2u);
  EXPECT_EQ(cfg.policies.route_maps.count("FROM-FABRIC"), 1u);
  EXPECT_EQ(cfg.policies.community_lists.count("TAGGED"), 1u);
  EXPECT_EQ(cfg.policies.as_path_lists.count("SPINES"), 1u);
  EXPECT_TRUE(cfg.evpn.advertise_all_vni);
  // Each line it could not translate is named with its line number.
  EXPECT_EQ(c.untranslated, (std::vector<std::string>{
                                "leaf.conf:3: hostname leaf1",
                                "leaf.conf:64: set ip next-hop 10.0.0.1",
                            }));
  // FRR's fixed link bandwidth (Mbps) is ours, and so is one from the ECMP set.
  const auto& connected = cfg.policies.route_maps.at("CONNECTED")->entries();
  EXPECT_EQ(connected[0].set.link_bandwidth, wire::link_bandwidth_community(65101, 37.5e6f));
  EXPECT_EQ(connected[1].set.bandwidth_from, policy::BandwidthFrom::NumMultipaths);
  EXPECT_EQ(connected[1].set.bandwidth_as, 65101u);
}

TEST(ConvertFrr, FrrDefaultsAreWrittenWhereOursDiffer) {
  // The traditional profile: slow timers and RFC 8212, no multipath-relax.
  const FrrConversion c = convert_frr(
      "router bgp 65001\n bgp router-id 10.0.0.1\n neighbor 192.0.2.2 remote-as 65002\n"
      " address-family ipv4 unicast\n  neighbor 192.0.2.2 maximum-prefix 10 warning-only\n",
      "r.conf");
  const config::Config cfg = loaded(c);
  EXPECT_EQ(cfg.timers, (config::Timers{60, 180, 120}));
  EXPECT_TRUE(cfg.ebgp_requires_policy);
  EXPECT_FALSE(cfg.multipath.as_path_relax);
  EXPECT_EQ(cfg.neighbors.at(0).max_prefix.action, config::MaxPrefix::Action::Warn);
  EXPECT_TRUE(c.untranslated.empty());
  EXPECT_FALSE(c.notes.empty());  // says why the timers are there
}

TEST(ConvertFrr, ARouteReflectorKeepsItsClusterAndClients) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nrouter bgp 65000\n bgp router-id 10.0.0.1\n bgp cluster-id 7\n"
      " neighbor 10.0.0.2 remote-as internal\n neighbor 10.0.0.3 remote-as internal\n"
      " address-family ipv4 unicast\n  neighbor 10.0.0.2 route-reflector-client\n"
      "  neighbor 10.0.0.3 addpath-tx-all-paths\n  neighbor 10.0.0.2 next-hop-self\n"
      "  neighbor 10.0.0.3 next-hop-self force\n",
      "rr.conf");
  const config::Config cfg = loaded(c);
  EXPECT_EQ(cfg.cluster_id, wire::IpAddress::parse("0.0.0.7"));  // FRR's number, as an address
  ASSERT_EQ(cfg.neighbors.size(), 2u);
  EXPECT_TRUE(cfg.neighbors[0].route_reflector_client);
  EXPECT_FALSE(cfg.neighbors[1].route_reflector_client);
  EXPECT_EQ(cfg.neighbors[1].add_path.send, config::AddPath::Send::All);
  EXPECT_FALSE(cfg.neighbors[0].evpn);
  // Plain next-hop-self is what we do anyway; `force` takes reflected routes too.
  EXPECT_FALSE(cfg.neighbors[0].next_hop_self);
  EXPECT_TRUE(cfg.neighbors[1].next_hop_self);
  EXPECT_TRUE(c.untranslated.empty());
}

// EVPN is `activate` under `address-family l2vpn evpn`; a leaf's
// advertise-all-vni, SVI advertisement and VNI route targets become the
// evpn section (an SVI advertisement for one VNI has no equivalent).
TEST(ConvertFrr, EvpnNeighboursAndALeafsVnis) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nrouter bgp 65101\n bgp router-id 10.0.0.1\n"
      " neighbor swp1 interface remote-as external\n neighbor swp2 interface remote-as external\n"
      " address-family l2vpn evpn\n  neighbor swp1 activate\n  advertise-all-vni\n"
      "  vni 100\n   route-target import 65000:100\n   route-target export 65000:100\n"
      "  exit-vni\n  vni 200\n   route-target both 65000:200\n  exit-vni\n"
      "  vni 300\n   route-target import 65000:300\n   advertise-default-gw\n  exit-vni\n"
      "  advertise-svi-ip\n exit-address-family\n",
      "leaf.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.neighbors.size(), 2u);
  EXPECT_TRUE(cfg.neighbors[0].evpn);
  EXPECT_FALSE(cfg.neighbors[1].evpn);
  EXPECT_TRUE(cfg.evpn.advertise_all_vni);
  ASSERT_EQ(cfg.evpn.vnis.size(), 3u);
  EXPECT_EQ(cfg.evpn.vnis[0].route_target, 0x0002fde800000064u);  // 65000:100
  EXPECT_EQ(cfg.evpn.vnis[1].vni, 200u);
  EXPECT_EQ(cfg.evpn.vnis[2].route_target, 0x0002fde80000012cu);  // import only: noted
  EXPECT_TRUE(cfg.evpn.advertise_svi_ip);
  EXPECT_FALSE(cfg.evpn.advertise_default_gw);
  EXPECT_EQ(c.untranslated, std::vector<std::string>{"leaf.conf:18: advertise-default-gw"});
  EXPECT_EQ(c.notes.size(), 1u);
}

TEST(ConvertFrr, ARoutedTenantInTheDefaultVrf) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nvrf default\n vni 4001\nexit-vrf\n!\nvrf RED\n vni 4002\n"
      "exit-vrf\n!\nrouter bgp 65101\n bgp router-id 10.0.0.1\n"
      " neighbor swp1 interface remote-as external\n"
      " address-family l2vpn evpn\n  neighbor swp1 activate\n  advertise-all-vni\n"
      "  advertise ipv4 unicast route-map TENANT\n  dup-addr-detection max-moves 3 time 60\n"
      "  dup-addr-detection freeze 600\n  dup-addr-detection freeze permanent\n"
      " exit-address-family\n",
      "leaf.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.evpn.vrfs.size(), 1u);
  EXPECT_EQ(cfg.evpn.vrfs[0], (config::EvpnVrf{"default", 4001, 0, true, false}));
  EXPECT_EQ(cfg.evpn.duplicates, (config::EvpnDuplicates{true, 3, 60, 0}));  // the last freeze
  EXPECT_TRUE(c.untranslated.empty());
  ASSERT_EQ(c.notes.size(), 2u);  // RED has no BGP instance; the route-map does not exist
  EXPECT_NE(c.notes[1].find("route-map TENANT: the route-map is not defined"), std::string::npos)
      << c.notes[1];
  EXPECT_EQ(c.notes[0],
            "vrf RED: an L3 VNI but no `router bgp ASN vrf RED`: FRR routes no tenant there, "
            "none is written");
  // Defined, it filters the tenant's subnets.
  const FrrConversion d = convert_frr(
      "frr defaults datacenter\nvrf default\n vni 4001\nexit-vrf\n!\n"
      "route-map TENANT permit 10\n!\nrouter bgp 65101\n bgp router-id 10.0.0.1\n"
      " address-family l2vpn evpn\n  advertise-all-vni\n"
      "  advertise ipv4 unicast route-map TENANT\n exit-address-family\n",
      "leaf.conf");
  EXPECT_EQ(loaded(d).evpn.vrfs.at(0).route_map, "TENANT");
  EXPECT_TRUE(d.notes.empty()) << d.notes.at(0);
}

// `neighbor X route-map M in|out` and `maximum-prefix` under
// `address-family l2vpn evpn` are the neighbour's EVPN route-maps and
// limit, apart from its unicast ones; `match evpn route-type | vni` carry
// over.
TEST(ConvertFrr, EvpnRouteMapsOfTheirOwn) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nroute-map FROM-LEAF permit 10\n match evpn route-type macip\n"
      " match evpn vni 100\n!\nroute-map FROM-LEAF deny 20\n match evpn route-type multicast\n"
      "!\nroute-map ANY permit 10\n!\nrouter bgp 65100\n bgp router-id 10.0.0.100\n"
      " neighbor swp1 interface remote-as external\n"
      " address-family ipv4 unicast\n  neighbor swp1 route-map ANY in\n exit-address-family\n"
      " address-family l2vpn evpn\n  neighbor swp1 route-map FROM-LEAF in\n"
      "  neighbor swp1 activate\n  neighbor swp1 route-map ANY out\n"
      "  neighbor swp1 maximum-prefix 50000 warning-only\n exit-address-family\n",
      "spine.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.neighbors.size(), 1u);
  const auto& n = cfg.neighbors[0];
  EXPECT_TRUE(n.evpn);
  EXPECT_EQ(n.route_map_in, "ANY");
  EXPECT_EQ(n.evpn_route_map_in, "FROM-LEAF");
  EXPECT_EQ(n.evpn_route_map_out, "ANY");
  EXPECT_EQ(n.evpn_max_prefix, (config::MaxPrefix{50000, config::MaxPrefix::Action::Warn}));
  EXPECT_EQ(n.max_prefix.limit, 0u);  // the EVPN family's own
  const auto& entries = cfg.policies.route_map("FROM-LEAF")->entries();
  EXPECT_EQ(entries.at(0).match.evpn_route_type, wire::EvpnType::MacIp);
  EXPECT_EQ(entries.at(0).match.evpn_vni, 100u);
  EXPECT_EQ(entries.at(1).match.evpn_route_type, wire::EvpnType::InclusiveMulticast);
  EXPECT_TRUE(c.untranslated.empty()) << c.untranslated.at(0);
}

TEST(ConvertFrr, SenderSideLoopDetectionUpdateSourceAndMultihop) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nrouter bgp 65101\n bgp router-id 10.0.0.11\n"
      " neighbor swp1 interface remote-as external\n"
      " neighbor swp1 sender-as-path-loop-detection\n"
      " neighbor 10.255.0.2 remote-as 65002\n neighbor 10.255.0.2 update-source lo\n"
      " neighbor 10.255.0.2 ebgp-multihop\n",
      "leaf.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.neighbors.size(), 2u);
  EXPECT_TRUE(cfg.neighbors[0].sender_loop_check);
  EXPECT_EQ(cfg.neighbors[1].update_source, "lo");
  EXPECT_EQ(cfg.neighbors[1].ebgp_multihop, 255);  // FRR's bare ebgp-multihop
  EXPECT_TRUE(c.untranslated.empty());
}

// Tenants in VRF devices: zebra's `vrf NAME` / ` vni N` and the EVPN
// family of `router bgp ASN vrf NAME`; sessions inside a VRF are left out.
TEST(ConvertFrr, RoutedTenantsInVrfDevices) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nvrf blue\n vni 4002\nexit-vrf\n!\nvrf red\n vni 4003\n"
      "exit-vrf\n!\nroute-map BLUE-NETS permit 10\n!\nrouter bgp 65101\n"
      " bgp router-id 10.0.0.1\n neighbor swp1 interface remote-as external\n"
      " address-family l2vpn evpn\n  neighbor swp1 activate\n  advertise-all-vni\n"
      " exit-address-family\n!\nrouter bgp 65101 vrf blue\n address-family ipv4 unicast\n"
      "  redistribute connected\n exit-address-family\n address-family l2vpn evpn\n"
      "  advertise ipv4 unicast route-map BLUE-NETS\n  advertise ipv6 unicast\n"
      "  route-target both 65000:4002\n exit-address-family\n!\nrouter bgp 65101 vrf red\n"
      " neighbor 192.0.2.1 remote-as 65500\n address-family l2vpn evpn\n"
      "  advertise ipv4 unicast\n exit-address-family\n!\n",
      "leaf.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.evpn.vrfs.size(), 2u);
  EXPECT_EQ(cfg.evpn.vrfs[0],
            (config::EvpnVrf{"blue", 4002, 0x0002fde800000fa2u, true, true, "BLUE-NETS"}));
  EXPECT_EQ(cfg.evpn.vrfs[1], (config::EvpnVrf{"red", 4003, 0, true, false}));
  ASSERT_EQ(c.untranslated.size(), 1u);
  EXPECT_TRUE(
      c.untranslated[0].starts_with("leaf.conf:31: neighbor 192.0.2.1 remote-as 65500 "
                                    "(a tenant's VRF instance"))
      << c.untranslated[0];
  EXPECT_TRUE(c.notes.empty()) << c.notes.at(0);
}

TEST(ConvertFrr, HandWrittenFilesWithoutIndentationAndVrfSessionsLeftOut) {
  const FrrConversion c = convert_frr(
      "frr defaults datacenter\nrouter bgp 65001\nbgp router-id 10.0.0.1\n!\n"
      "neighbor swp1 interface remote-as external\n!\nroute-map RM permit 10\n"
      "set local-preference 50\n!\nrouter bgp 65001 vrf RED\n neighbor swp9 interface "
      "remote-as external\n",
      "h.conf");
  const config::Config cfg = loaded(c);
  ASSERT_EQ(cfg.neighbors.size(), 1u);
  EXPECT_EQ(cfg.neighbors[0].interface, "swp1");
  EXPECT_EQ(cfg.policies.route_maps.count("RM"), 1u);
  ASSERT_EQ(c.untranslated.size(), 1u);
  EXPECT_TRUE(c.untranslated[0].starts_with("h.conf:11: neighbor swp9 interface"))
      << c.untranslated[0];
}

}  // namespace
}  // namespace closbgp::cli
