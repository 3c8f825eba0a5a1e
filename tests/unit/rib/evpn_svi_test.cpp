// A VNI's SVI in the engine: its own MAC and addresses go out as MAC/IP
// routes when asked (FRR's advertise-svi-ip, advertise-default-gw with the
// Default Gateway community, RFC 7432 sec. 10.1), and another leaf's claim
// on them (an anycast gateway has one MAC and address on every leaf) is
// never installed here.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kOurVtep = wire::IpAddress::v4(0x0a0000fe);  // 10.0.0.254
const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);    // 10.0.0.1
const wire::MacAddress kGatewayMac{0x00, 0x00, 0x5e, 0, 1, 1}, kOurRmac{0x02, 0, 0, 0, 0, 0xfe};
const wire::IpAddress kGatewayIp = wire::IpAddress::v4(0x0a010101);  // 10.1.1.1
const wire::IpAddress kOtherIp = wire::IpAddress::v4(0x0a010102);    // 10.1.1.2
const uint64_t kRtOfA = 0x0002fde900000064;                          // rt:65001:100
const uint64_t kTenantRt = 0x0002fe4d00000fa1;                       // rt:65101:4001 (ours)
const std::string kOurSvi =
    "10.0.0.254:100:[2]:[0]:[48]:[00:00:5e:00:01:01]:[32]:[10.1.1.1] vni 100 vni 4001";
const std::string kOurSviWithdrawn =
    "10.0.0.254:100:[2]:[0]:[48]:[00:00:5e:00:01:01]:[32]:[10.1.1.1] vni 0";

// VNI 100 bridged, its SVI 10.1.1.1/24 at the gateway MAC; L3 VNI 4001.
std::vector<LocalVni> our_vnis(std::vector<wire::IpAddress> svi = {kGatewayIp}) {
  return {{100, kOurVtep, kGatewayMac, {*wire::Prefix::parse("10.1.1.0/24")}, "", std::move(svi)},
          {4001, kOurVtep, kOurRmac, {}}};
}

wire::EvpnRoute gateway_route(const wire::MacAddress& mac, const wire::IpAddress& ip) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = {1, {10, 0, 0, 1, 0, 100}};
  r.mac = mac;
  r.ip = ip;
  r.labels = {100};
  return r;
}

class EvpnSviTest : public Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    leaf().set_tenants({{4001, true, true}});
    leaf().set_vnis(our_vnis());
    flush();
    out_.take(kA.id);
    kernel();
  }
  EvpnLeaf& leaf() { return rib_.evpn_leaf(); }
  EvpnKernelUpdate kernel() { return leaf().take_kernel_update(); }
  void a_announces(std::vector<wire::EvpnRoute> routes) {
    rib_.apply(kA.id, evpn_update(kA, std::move(routes), kVtepA,
                                  {kRtOfA, wire::kEncapVxlan, wire::kDefaultGateway}));
    flush();
  }
};

TEST_F(EvpnSviTest, TheSviGoesOutAsDefaultGatewayOrAsAHostOnlyWhenAsked) {
  EXPECT_TRUE(rib_.evpn_leaf().vnis().contains(100));
  EXPECT_EQ(rib_.evpn().size(), 2u);  // VNI 100's type 3, the tenant's type 5: no SVI by default

  leaf().set_svi_advertisement(SviAdvertisement::DefaultGateway);
  flush();
  auto sent = out_.take(kA.id);
  ASSERT_EQ(sent.evpn_announced.size(), 1u);  // the MAC/IP route only, as FRR's
  const auto& [attrs, next_hop] = sent.evpn_announced.at(kOurSvi);
  EXPECT_EQ(next_hop, kOurVtep);
  // Its VNI's target, the tenant's (the second label is its L3 VNI) and router MAC.
  EXPECT_EQ(attrs.ext_communities,
            (std::vector<uint64_t>{0x0002fe4d00000064, kTenantRt, wire::kEncapVxlan,
                                   wire::kDefaultGateway, wire::router_mac_community(kOurRmac)}));

  leaf().set_svi_advertisement(SviAdvertisement::Addresses);
  flush();
  sent = out_.take(kA.id);
  ASSERT_EQ(sent.evpn_announced.size(), 1u);
  EXPECT_EQ(std::ranges::count(sent.evpn_announced.at(kOurSvi).first.ext_communities,
                               wire::kDefaultGateway),
            0);

  leaf().set_svi_advertisement(SviAdvertisement::None);
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn, std::vector<std::string>{kOurSviWithdrawn});
}

// An IPv6 address of the SVI is a router's: its route carries the ARP/ND
// community with the Router flag (RFC 9047), so that the other leaves'
// kernels answer NAs for it with the R flag; an IPv4 one does not.
TEST_F(EvpnSviTest, TheSvisIpv6AddressesGoOutWithTheRouterFlag) {
  const auto v6 = *wire::IpAddress::parse("2001:db8:1::1");
  leaf().set_svi_advertisement(SviAdvertisement::Addresses);
  leaf().set_vnis(our_vnis({kGatewayIp, v6}));
  flush();
  const auto sent = out_.take(kA.id);
  const std::string v6_route =
      "10.0.0.254:100:[2]:[0]:[48]:[00:00:5e:00:01:01]:[128]:[2001:db8:1::1] vni 100 vni 4001";
  ASSERT_TRUE(sent.evpn_announced.contains(v6_route));
  EXPECT_EQ(
      std::ranges::count(sent.evpn_announced.at(v6_route).first.ext_communities, wire::kNdRouter),
      1);
  EXPECT_EQ(
      std::ranges::count(sent.evpn_announced.at(kOurSvi).first.ext_communities, wire::kNdRouter),
      0);
}

TEST_F(EvpnSviTest, AnAddressOfTheSviComingAndGoingIsAdvertisedAndWithdrawn) {
  leaf().set_svi_advertisement(SviAdvertisement::DefaultGateway);
  flush();
  out_.take(kA.id);
  leaf().set_vnis(our_vnis({kOtherIp}));
  flush();
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(sent.evpn_withdrawn, std::vector<std::string>{kOurSviWithdrawn});
  EXPECT_TRUE(sent.evpn_announced.contains(
      "10.0.0.254:100:[2]:[0]:[48]:[00:00:5e:00:01:01]:[32]:[10.1.1.2] vni 100 vni 4001"));
  // A new VNI's SVI goes out at once.
  auto vnis = our_vnis({kOtherIp});
  vnis.push_back({200,
                  kOurVtep,
                  kGatewayMac,
                  {*wire::Prefix::parse("10.2.2.0/24")},
                  "",
                  {wire::IpAddress::v4(0x0a020201)}});
  leaf().set_vnis(vnis);
  flush();
  EXPECT_TRUE(out_.take(kA.id).evpn_announced.contains(
      "10.0.0.254:200:[2]:[0]:[48]:[00:00:5e:00:01:01]:[32]:[10.2.2.1] vni 200 vni 4001"));
  // The VNIs gone take theirs along.
  leaf().set_vnis({});
  flush();
  // Types 3 (two) and 5 (two subnets), the SVIs' (two).
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn.size(), 6u);
}

TEST_F(EvpnSviTest, AnotherLeafsClaimOnOurGatewayIsNotInstalled) {
  // An anycast gateway: the same MAC and address on leaf A.
  a_announces({gateway_route(kGatewayMac, kGatewayIp)});
  EXPECT_TRUE(kernel().empty());
  // A gateway of A's own (another address, another MAC) is.
  const wire::MacAddress theirs{0x02, 0, 0, 0, 1, 1};
  a_announces({gateway_route(theirs, kOtherIp)});
  auto k = kernel();
  EXPECT_EQ(k.set_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, theirs, kVtepA}}));
  EXPECT_EQ(k.set_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{{100, kOtherIp, theirs}}));
  // Our SVI without 10.1.1.1: A's binding of it is installed (its MAC stays ours).
  leaf().set_vnis(our_vnis({}));
  flush();
  k = kernel();
  EXPECT_TRUE(k.set_macs.empty());
  EXPECT_EQ(k.set_neighbors,
            (std::vector<EvpnKernelUpdate::Neighbor>{{100, kGatewayIp, kGatewayMac}}));
  // And taken out when the SVI has it again.
  leaf().set_vnis(our_vnis());
  flush();
  EXPECT_EQ(kernel().remove_neighbors,
            (std::vector<EvpnKernelUpdate::Neighbor>{{100, kGatewayIp, {}}}));
}

}  // namespace
}  // namespace closbgp::rib::test
