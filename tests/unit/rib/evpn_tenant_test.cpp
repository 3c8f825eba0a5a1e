// A leaf's routed tenant in the engine (symmetric IRB, RFC 9135; IP prefix
// routes, RFC 9136): its subnets out as type 5 with our router MAC, its
// hosts' MAC/IP routes with the L3 VNI, and the other VTEPs' prefixes and
// hosts as routes through the L3 VNI.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kOurVtep = wire::IpAddress::v4(0x0a0000fe);  // 10.0.0.254
const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);    // 10.0.0.1
const wire::IpAddress kVtepB = wire::IpAddress::v4(0x0a000002);    // 10.0.0.2
const wire::MacAddress kOurRmac{0x02, 0, 0, 0, 0, 0xfe}, kRmacA{0x02, 0, 0, 0, 0, 1},
    kRmacB{0x02, 0, 0, 0, 0, 2};
const wire::MacAddress kHost{0xaa, 0xbb, 0xcc, 0, 0, 1};
const wire::IpAddress kHostIp = wire::IpAddress::v4(0x0a01010a);  // 10.1.1.10
const wire::Prefix kOurSubnet = *wire::Prefix::parse("10.1.1.0/24");
const wire::Prefix kTheirSubnet = *wire::Prefix::parse("10.2.2.0/24");
const uint64_t kTenantRt = 0x0002fe4d00000fa1;   // rt:65101:4001 (ours)
const uint64_t kTenantRtA = 0x0002fde900000fa1;  // rt:65001:4001
const std::string kOurType5 = "10.0.0.254:4001:[5]:[0]:[24]:[10.1.1.0] vni 4001";
const std::string kOurMacIp =
    "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 100 vni 4001";

// VNI 100 bridged (its SVI in 10.1.1.0/24), L3 VNI 4001 routed.
std::vector<LocalVni> our_vnis() {
  return {{100, kOurVtep, {}, {kOurSubnet}}, {4001, kOurVtep, kOurRmac, {}}};
}

// Each VTEP's route has its own RD (router-id:N): `vtep` its last octet.
wire::EvpnRoute type5(const wire::Prefix& p, uint8_t vtep = 1) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::IpPrefix);
  r.rd = {1, {10, 0, 0, vtep, 0x0f, 0xa1}};
  r.ip = p.address();
  r.prefix_length = p.length();
  r.gateway = wire::IpAddress::v4(0);
  r.labels = {4001};
  return r;
}

wire::EvpnRoute host_route(const wire::IpAddress& ip) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = {1, {10, 0, 0, 1, 0, 200}};
  r.mac = wire::MacAddress{0xaa, 0xbb, 0xcc, 0, 0, 2};
  r.ip = ip;
  r.labels = {200, 4001};
  return r;
}

class EvpnTenantTest : public Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    up_evpn(kB);
    leaf().set_tenants({{4001, true, true}});
    leaf().set_vnis(our_vnis());
    flush();
  }
  EvpnLeaf& leaf() { return rib_.evpn_leaf(); }
  const EvpnTenant& tenant() { return leaf().tenants().at(4001); }
  EvpnKernelUpdate kernel() { return leaf().take_kernel_update(); }
  // `from` (A or B) sends `routes` from `vtep` with the tenant's target and `rmac`.
  void announce(const Neighbor& from, const wire::IpAddress& vtep,
                std::vector<wire::EvpnRoute> routes, std::optional<wire::MacAddress> rmac,
                uint64_t rt = kTenantRtA) {
    wire::UpdateMessage u = evpn_update(from, std::move(routes), vtep, {rt, wire::kEncapVxlan});
    if (rmac) u.attributes.ext_communities.push_back(wire::router_mac_community(*rmac));
    rib_.apply(from.id, u);
    flush();
  }
};

TEST_F(EvpnTenantTest, OurSubnetsGoOutAsType5WithTheL3VniAndRouterMac) {
  const auto sent = out_.take(kA.id);
  const auto& [attrs, next_hop] = sent.evpn_announced.at(kOurType5);
  EXPECT_EQ(next_hop, kOurVtep);
  auto ext = attrs.ext_communities;
  EXPECT_EQ(ext, (std::vector<uint64_t>{kTenantRt, wire::kEncapVxlan,
                                        wire::router_mac_community(kOurRmac)}));
  // The L3 VNI is routed, not bridged: no type 3 for it.
  EXPECT_TRUE(sent.evpn_announced.contains("10.0.0.254:100:[3]:[0]:[32]:[10.0.0.254]"));
  EXPECT_FALSE(sent.evpn_announced.contains("10.0.0.254:4001:[3]:[0]:[32]:[10.0.0.254]"));
  EXPECT_TRUE(leaf().vnis().contains(100));
  EXPECT_FALSE(leaf().vnis().contains(4001));

  // The subnet's address goes: its type 5 is withdrawn.
  leaf().set_vnis({{100, kOurVtep}, {4001, kOurVtep, kOurRmac, {}}});
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn,
            std::vector<std::string>{"10.0.0.254:4001:[5]:[0]:[24]:[10.1.1.0] vni 0"});
}

TEST_F(EvpnTenantTest, OurHostsMacIpRoutesCarryTheL3VniItsTargetAndTheRouterMac) {
  out_.take(kA.id);
  leaf().set_mac(100, kHost, true);
  leaf().set_neighbor(100, kHostIp, kHost);
  flush();
  const auto sent = out_.take(kA.id);
  const auto& attrs = sent.evpn_announced.at(kOurMacIp).first;
  EXPECT_EQ(attrs.ext_communities,
            (std::vector<uint64_t>{0x0002fe4d00000064, kTenantRt, wire::kEncapVxlan,
                                   wire::router_mac_community(kOurRmac)}));
  // The MAC-only route stays a layer-2 one.
  const auto& mac_only =
      sent.evpn_announced.at("10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01] vni 100");
  EXPECT_EQ(mac_only.first.ext_communities,
            (std::vector<uint64_t>{0x0002fe4d00000064, wire::kEncapVxlan}));

  // The L3 VNI's device goes: the MAC/IP route loses its second label.
  leaf().set_vnis({our_vnis()[0]});
  flush();
  EXPECT_TRUE(out_.take(kA.id).evpn_announced.contains(
      "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 100"));
}

TEST_F(EvpnTenantTest, TheirPrefixesAndHostsAreRoutedThroughTheL3Vni) {
  announce(kA, kVtepA, {type5(kTheirSubnet), host_route(wire::IpAddress::v4(0x0a020202))}, kRmacA);
  auto k = kernel();
  EXPECT_EQ(k.set_routes, (std::vector<EvpnKernelUpdate::Route>{
                              {4001, kTheirSubnet, {kVtepA}},
                              {4001, *wire::Prefix::parse("10.2.2.2/32"), {kVtepA}}}));
  // The VTEP's router MAC: an FDB entry and a neighbour of the L3 VNI.
  EXPECT_EQ(k.set_macs, (std::vector<EvpnKernelUpdate::Mac>{{4001, kRmacA, kVtepA}}));
  // As the gateway of IPv4 routes and, IPv4-mapped, of IPv6 ones.
  EXPECT_EQ(k.set_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{
                                 {4001, kVtepA, kRmacA}, {4001, kVtepA.v4_mapped(), kRmacA}}));

  // B advertises the subnet too: ECMP over both VTEPs.
  announce(kB, kVtepB, {type5(kTheirSubnet, 2)}, kRmacB);
  k = kernel();
  EXPECT_EQ(k.set_routes,
            (std::vector<EvpnKernelUpdate::Route>{{4001, kTheirSubnet, {kVtepA, kVtepB}}}));
  EXPECT_EQ(k.set_macs, (std::vector<EvpnKernelUpdate::Mac>{{4001, kRmacB, kVtepB}}));

  // A goes: its host route and router MAC go; the subnet stays through B.
  rib_.session_down(kA.id, DownKind::Hard);
  flush();
  k = kernel();
  EXPECT_EQ(k.set_routes, (std::vector<EvpnKernelUpdate::Route>{{4001, kTheirSubnet, {kVtepB}}}));
  EXPECT_EQ(
      k.remove_routes,
      (std::vector<EvpnKernelUpdate::Route>{{4001, *wire::Prefix::parse("10.2.2.2/32"), {}}}));
  EXPECT_EQ(k.remove_macs, (std::vector<EvpnKernelUpdate::Mac>{{4001, kRmacA, {}}}));
  EXPECT_EQ(k.remove_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{
                                    {4001, kVtepA, {}}, {4001, kVtepA.v4_mapped(), {}}}));
  EXPECT_EQ(tenant().routes().size(), 1u);
}

TEST_F(EvpnTenantTest, WhatIsOursOrUnusableIsNotInstalled) {
  // Our own subnet (stretched to A) and one of our hosts: not routed away.
  leaf().set_mac(100, kHost, true);
  leaf().set_neighbor(100, kHostIp, kHost);
  flush();
  kernel();
  announce(kA, kVtepA, {type5(kOurSubnet), host_route(kHostIp)}, kRmacA);
  EXPECT_TRUE(kernel().set_routes.empty());
  // Without a router MAC; another tenant's target; a prefix holding the
  // VTEP; a gateway address (recursive).
  announce(kB, kVtepB, {type5(kTheirSubnet)}, std::nullopt);
  announce(kB, kVtepB, {type5(*wire::Prefix::parse("10.3.3.0/24"))}, kRmacB, 0x0002fde900000fa2);
  announce(kB, kVtepB, {type5(*wire::Prefix::parse("10.0.0.0/24"))}, kRmacB);
  wire::EvpnRoute recursive = type5(*wire::Prefix::parse("10.4.4.0/24"));
  recursive.gateway = wire::IpAddress::v4(0x0a040401);
  announce(kB, kVtepB, {recursive}, kRmacB);
  EXPECT_TRUE(kernel().set_routes.empty());
  EXPECT_EQ(tenant().unusable(), 3u);  // the other tenant's is simply not ours
  std::vector<std::string> why;
  for (const auto& e : leaf().take_findings().refused.first) why.push_back(e.why);
  EXPECT_EQ(why, (std::vector<std::string>{
                     "it carries no router MAC", "its prefix holds its own VTEP 10.0.0.2",
                     "its gateway address 10.4.4.1 (recursive) is not supported"}));

  // Our host leaves: A's claim on its address is installed.
  leaf().set_neighbor(100, kHostIp, std::nullopt);
  flush();
  EXPECT_EQ(kernel().set_routes, (std::vector<EvpnKernelUpdate::Route>{
                                     {4001, *wire::Prefix::parse("10.1.1.10/32"), {kVtepA}}}));
}

TEST_F(EvpnTenantTest, TheSameTenantAgainIsKeptAsItIs) {
  announce(kA, kVtepA, {type5(kTheirSubnet)}, kRmacA);
  kernel();
  leaf().set_tenants({{4001, true, true}});  // a reload: the same tenant
  EXPECT_EQ(tenant().routes().size(), 1u);
  EXPECT_NE(tenant().attachment(), nullptr);
}

// FRR's `advertise ipv4 unicast route-map`: what of the subnets goes out
// as type 5, and with what; a reload that changes only the route-map keeps
// the tenant's routes.
TEST_F(EvpnTenantTest, TheSubnetsGoOutThroughTheTenantsRouteMap) {
  const wire::Prefix lab = *wire::Prefix::parse("10.9.9.0/24");
  leaf().set_vnis({{100, kOurVtep, {}, {kOurSubnet, lab}}, {4001, kOurVtep, kOurRmac, {}}});
  announce(kA, kVtepA, {type5(kTheirSubnet)}, kRmacA);
  out_.take(kA.id);
  kernel();
  auto only_lab = std::make_shared<policy::PrefixList>();
  only_lab->entries.push_back(*policy::make_prefix_list_entry(policy::Action::Permit, lab, {}, {}));
  policy::RouteMapEntry no_lab, tagged;
  no_lab.seq = 10;
  no_lab.action = policy::Action::Deny;
  no_lab.match.prefix_list = only_lab;
  tagged.seq = 20;
  tagged.set.communities.add = {0xfe4d0007};  // 65101:7
  leaf().set_tenants(
      {{4001, true, true, std::make_shared<const policy::RouteMap>(std::vector{no_lab, tagged})}});
  flush();
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(sent.evpn_withdrawn,
            std::vector<std::string>{"10.0.0.254:4001:[5]:[0]:[24]:[10.9.9.0] vni 0"});
  const auto& attrs = sent.evpn_announced.at(kOurType5).first;
  EXPECT_EQ(attrs.communities, std::vector<uint32_t>{0xfe4d0007});
  EXPECT_EQ(attrs.ext_communities, (std::vector<uint64_t>{kTenantRt, wire::kEncapVxlan,
                                                          wire::router_mac_community(kOurRmac)}));
  EXPECT_EQ(tenant().advertised_subnets(), std::vector<wire::Prefix>{kOurSubnet});
  EXPECT_EQ(tenant().routes().size(), 1u);  // the tenant kept its state
  EXPECT_TRUE(kernel().empty());
  // Without it again: both subnets, as they were.
  leaf().set_tenants({{4001, true, true}});
  flush();
  const auto again = out_.take(kA.id);
  EXPECT_TRUE(again.evpn_announced.contains("10.0.0.254:4001:[5]:[0]:[24]:[10.9.9.0] vni 4001"));
  EXPECT_TRUE(again.evpn_announced.at(kOurType5).first.communities.empty());
}

TEST_F(EvpnTenantTest, AConfiguredTargetIsExportedAndTheOnlyOneImported) {
  const uint64_t rt = 0x0002fde800000fa1;  // rt:65000:4001
  out_.take(kA.id);
  leaf().set_route_targets({{4001, rt}});
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_announced.at(kOurType5).first.ext_communities,
            (std::vector<uint64_t>{rt, wire::kEncapVxlan, wire::router_mac_community(kOurRmac)}));
  announce(kA, kVtepA, {type5(kTheirSubnet)}, kRmacA);  // rt:65001:4001
  EXPECT_TRUE(kernel().set_routes.empty());
  announce(kA, kVtepA, {type5(kTheirSubnet)}, kRmacA, rt);
  EXPECT_EQ(kernel().set_routes,
            (std::vector<EvpnKernelUpdate::Route>{{4001, kTheirSubnet, {kVtepA}}}));
}

TEST_F(EvpnTenantTest, TheL3VniGoingTakesTheTenantsRoutesOut) {
  announce(kA, kVtepA, {type5(kTheirSubnet)}, kRmacA);
  kernel();
  out_.take(kA.id);
  leaf().set_vnis({our_vnis()[0]});
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn,
            std::vector<std::string>{"10.0.0.254:4001:[5]:[0]:[24]:[10.1.1.0] vni 0"});
  const auto k = kernel();
  EXPECT_EQ(k.remove_routes, (std::vector<EvpnKernelUpdate::Route>{{4001, kTheirSubnet, {}}}));
  EXPECT_EQ(k.remove_macs, (std::vector<EvpnKernelUpdate::Mac>{{4001, kRmacA, {}}}));
  // Back: installed again.
  leaf().set_vnis(our_vnis());
  flush();
  EXPECT_EQ(kernel().set_routes,
            (std::vector<EvpnKernelUpdate::Route>{{4001, kTheirSubnet, {kVtepA}}}));
}

// Tenants in VRF devices beside the main table's: each VNI belongs to the
// tenant whose VRF its bridge is in; addresses may overlap between them.
TEST_F(EvpnTenantTest, TenantsInVrfsKeepTheirSubnetsHostsAndRoutesApart) {
  const wire::MacAddress blue_rmac{0x02, 0, 0, 0, 0, 0xbb};
  leaf().set_tenants({{4001, true, true}, {4002, true, true, nullptr, "blue"}});
  // VNI 200 and L3 VNI 4002 bridged in VRF blue; VNI 200's subnet is VNI
  // 100's too.
  leaf().set_vnis({our_vnis()[0],
                   our_vnis()[1],
                   {200, kOurVtep, {}, {kOurSubnet}, "blue"},
                   {4002, kOurVtep, blue_rmac, {}, "blue"}});
  leaf().set_mac(200, kHost, true);
  leaf().set_neighbor(200, kHostIp, kHost);
  flush();
  const auto sent = out_.take(kA.id);
  const auto& blue5 = sent.evpn_announced.at("10.0.0.254:4002:[5]:[0]:[24]:[10.1.1.0] vni 4002");
  EXPECT_EQ(blue5.first.ext_communities,
            (std::vector<uint64_t>{0x0002fe4d00000fa2, wire::kEncapVxlan,
                                   wire::router_mac_community(blue_rmac)}));
  EXPECT_TRUE(sent.evpn_announced.contains(kOurType5));  // the main table's, as before
  // A host of VNI 200 carries blue's L3 VNI, target and router MAC.
  const auto& host = sent.evpn_announced.at(
      "10.0.0.254:200:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 200 vni 4002");
  EXPECT_EQ(host.first.ext_communities,
            (std::vector<uint64_t>{0x0002fe4d000000c8, 0x0002fe4d00000fa2, wire::kEncapVxlan,
                                   wire::router_mac_community(blue_rmac)}));
  EXPECT_FALSE(leaf().vnis().contains(4002));  // routed, not bridged
  EXPECT_EQ(leaf().tenants().at(4001).subnets(), std::set{kOurSubnet});
  EXPECT_EQ(leaf().tenants().at(4002).subnets(), std::set{kOurSubnet});
  kernel();

  // A's prefix for blue goes to blue's L3 VNI only; A's host 10.1.1.10 in
  // the main table's tenant is installed there although blue has a host
  // of that address itself.
  auto blue_route = type5(kTheirSubnet);
  blue_route.rd.value[5] = 0xa2;  // 10.0.0.1:4002
  blue_route.labels = {4002};
  announce(kA, kVtepA, {blue_route}, kRmacA, 0x0002fde900000fa2);  // rt:65001:4002
  auto main_host = host_route(kHostIp);
  main_host.labels = {100, 4001};
  announce(kA, kVtepA, {main_host}, kRmacA);
  const auto k = kernel();
  EXPECT_EQ(k.set_routes, (std::vector<EvpnKernelUpdate::Route>{
                              {4001, *wire::Prefix::parse("10.1.1.10/32"), {kVtepA}},
                              {4002, kTheirSubnet, {kVtepA}}}));
  EXPECT_EQ(k.set_macs,
            (std::vector<EvpnKernelUpdate::Mac>{{4001, kRmacA, kVtepA}, {4002, kRmacA, kVtepA}}));

  // VNI 200's bridge leaves VRF blue for the main table: its host's route
  // carries 4001 now, and A's host of that address is ours in 4001.
  out_.take(kA.id);
  leaf().set_vnis({our_vnis()[0],
                   our_vnis()[1],
                   {200, kOurVtep, {}, {kOurSubnet}},
                   {4002, kOurVtep, blue_rmac, {}, "blue"}});
  flush();
  EXPECT_TRUE(out_.take(kA.id).evpn_announced.contains(
      "10.0.0.254:200:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 200 vni 4001"));
  EXPECT_EQ(
      kernel().remove_routes,
      (std::vector<EvpnKernelUpdate::Route>{{4001, *wire::Prefix::parse("10.1.1.10/32"), {}}}));
  EXPECT_TRUE(leaf().tenants().at(4002).subnets().empty());
}

}  // namespace
}  // namespace closbgp::rib::test
