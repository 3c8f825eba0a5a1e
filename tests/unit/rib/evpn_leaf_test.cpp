// A leaf's VNIs in the engine (RFC 7432, RFC 8365): its own type 3 and
// type 2 routes, remote routes imported by route target into what the
// kernel should hold, MAC mobility between leaves.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kOurVtep = wire::IpAddress::v4(0x0a0000fe);  // 10.0.0.254
const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);    // 10.0.0.1
const wire::MacAddress kHost{0xaa, 0xbb, 0xcc, 0, 0, 1};
const wire::IpAddress kHostIp = wire::IpAddress::v4(0x0a01010a);  // 10.1.1.10
const uint64_t kAutoRt = 0x0002fe4d00000064;                      // rt:65101:100 (ours)
const uint64_t kRtOfA = 0x0002fde900000064;                       // rt:65001:100
const uint64_t kRtOfAFor200 = 0x0002fde9000000c8;                 // rt:65001:200
const std::string kOurImet = "10.0.0.254:100:[3]:[0]:[32]:[10.0.0.254]";
const std::string kOurMac = "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01] vni 100";
// A withdrawal carries a zero label.
const std::string kOurMacWithdrawn = "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01] vni 0";
const std::string kOurMacIp =
    "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 100";

wire::EvpnRoute remote_imet() {
  return imet_route({1, {10, 0, 0, 1, 0, 2}}, kVtepA);
}
wire::EvpnRoute remote_mac(std::optional<wire::IpAddress> ip) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = {1, {10, 0, 0, 1, 0, 2}};
  r.mac = kHost;
  r.ip = ip;
  r.labels = {100};
  return r;
}

class EvpnLeafTest : public Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    leaf().set_vnis({{100, kOurVtep}});
    flush();
    out_.take(kA.id);
    kernel();
  }
  EvpnLeaf& leaf() { return rib_.evpn_leaf(); }
  EvpnKernelUpdate kernel() { return leaf().take_kernel_update(); }
  // A's UPDATE with `routes`, the route target `rt` and MAC mobility `sequence`.
  void a_announces(std::vector<wire::EvpnRoute> routes, uint64_t rt = kRtOfA,
                   uint32_t sequence = 0) {
    wire::UpdateMessage u = evpn_update(kA, std::move(routes), kVtepA, {rt, wire::kEncapVxlan});
    if (sequence) u.attributes.ext_communities.push_back(wire::mac_mobility_community({sequence}));
    rib_.apply(kA.id, u);
    flush();
  }
  void a_withdraws(std::vector<wire::EvpnRoute> routes) {
    wire::UpdateMessage u;
    u.mp_unreach = wire::MpUnreach{wire::Family::L2vpnEvpn, {}, std::move(routes)};
    rib_.apply(kA.id, u);
    flush();
  }
};

TEST_F(EvpnLeafTest, AVniIsAdvertisedAsType3WithItsVtepAndRouteTarget) {
  leaf().set_vnis({{100, kOurVtep}, {200, kOurVtep}});
  flush();
  const auto sent = out_.take(kA.id);
  ASSERT_EQ(sent.evpn_announced.size(), 1u);  // 100's went at SetUp
  EXPECT_EQ(leaf().vnis().at(100).export_rt, kAutoRt);
  const auto& [attrs, next_hop] =
      sent.evpn_announced.at("10.0.0.254:200:[3]:[0]:[32]:[10.0.0.254]");
  EXPECT_EQ(next_hop, kOurVtep);
  EXPECT_EQ(as_path(attrs), std::vector<uint32_t>{kLocalAs});
  EXPECT_EQ(attrs.ext_communities, (std::vector<uint64_t>{0x0002fe4d000000c8, wire::kEncapVxlan}));
  ASSERT_EQ(attrs.unknown.size(), 1u);  // PMSI tunnel: ingress replication, VNI, VTEP
  EXPECT_EQ(attrs.unknown[0].type, wire::kAttrPmsiTunnel);
  EXPECT_EQ(attrs.unknown[0].value, (std::vector<uint8_t>{0, 6, 0, 0, 200, 10, 0, 0, 254}));

  leaf().set_vnis({{200, kOurVtep}});  // 100's bridge went
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn, std::vector<std::string>{kOurImet});
}

TEST_F(EvpnLeafTest, ANewVtepAddressKeepsTheVnisMacsAndSendsThemFromIt) {
  leaf().set_mac(100, kHost, true);
  flush();
  out_.take(kA.id);
  const wire::IpAddress moved = wire::IpAddress::v4(0x0a0000fd);  // 10.0.0.253
  leaf().set_vnis({{100, moved}});
  flush();
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(sent.evpn_announced.at(kOurMac).second, moved);
  EXPECT_TRUE(sent.evpn_announced.contains("10.0.0.254:100:[3]:[0]:[32]:[10.0.0.253]"));
  EXPECT_EQ(sent.evpn_withdrawn, std::vector<std::string>{kOurImet});  // the old VTEP's type 3
  EXPECT_EQ(leaf().vnis().at(100).macs.size(), 1u);
}

TEST_F(EvpnLeafTest, ARemoteType3PutsItsVtepInTheFloodListOfTheVniItsTargetSelects) {
  a_announces({remote_imet()});
  EXPECT_EQ(kernel().add_flood, (std::vector<EvpnKernelUpdate::Flood>{{100, kVtepA}}));
  a_announces({remote_imet()}, kRtOfAFor200);  // now for a VNI we do not have
  EXPECT_EQ(kernel().remove_flood, (std::vector<EvpnKernelUpdate::Flood>{{100, kVtepA}}));
  a_announces({remote_imet()});
  kernel();
  a_withdraws({remote_imet()});
  EXPECT_EQ(kernel().remove_flood, (std::vector<EvpnKernelUpdate::Flood>{{100, kVtepA}}));
}

TEST_F(EvpnLeafTest, LocalMacsAndTheirAddressesAreAdvertised) {
  leaf().set_neighbor(100, kHostIp, kHost);  // ARP before the bridge learned it
  flush();
  EXPECT_TRUE(out_.nothing_for(kA.id));
  leaf().set_mac(100, kHost, true);
  flush();
  auto sent = out_.take(kA.id);
  EXPECT_EQ(sent.evpn_announced.size(), 2u);
  EXPECT_EQ(sent.evpn_announced.at(kOurMac).second, kOurVtep);
  EXPECT_TRUE(sent.evpn_announced.contains(kOurMacIp));
  EXPECT_TRUE(kernel().empty());  // nothing remote

  leaf().set_neighbor(100, kHostIp, std::nullopt);
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn,
            std::vector<std::string>{
                "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10] vni 0"});
  leaf().set_mac(100, kHost, false);
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn, std::vector<std::string>{kOurMacWithdrawn});
}

// A host that is an IPv6 router (its NAs say so: the kernel's
// NTF_ROUTER) has that address advertised with the ARP/ND community's
// Router flag; its other routes without it.
TEST_F(EvpnLeafTest, ALocalIpv6RoutersAddressIsAdvertisedWithTheRouterFlag) {
  const auto v6 = *wire::IpAddress::parse("2001:db8:1::10");
  const std::string v6_route =
      "10.0.0.254:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[128]:[2001:db8:1::10] vni 100";
  const auto flagged = [](const auto& sent, const std::string& route) {
    return std::ranges::count(sent.evpn_announced.at(route).first.ext_communities,
                              wire::kNdRouter) == 1;
  };
  leaf().set_mac(100, kHost, true);
  leaf().set_neighbor(100, kHostIp, kHost);
  leaf().set_neighbor(100, v6, kHost, true);
  flush();
  auto sent = out_.take(kA.id);
  ASSERT_EQ(sent.evpn_announced.size(), 3u);
  EXPECT_TRUE(flagged(sent, v6_route));
  EXPECT_FALSE(flagged(sent, kOurMac));
  EXPECT_FALSE(flagged(sent, kOurMacIp));
  // No longer a router: sent again without it.
  leaf().set_neighbor(100, v6, kHost, false);
  flush();
  sent = out_.take(kA.id);
  ASSERT_TRUE(sent.evpn_announced.contains(v6_route));
  EXPECT_FALSE(flagged(sent, v6_route));
}

TEST_F(EvpnLeafTest, RemoteMacsAndAddressesAreInstalledBehindTheirVtep) {
  a_announces({remote_mac(std::nullopt), remote_mac(kHostIp)});
  auto k = kernel();
  EXPECT_EQ(k.set_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, kVtepA}}));
  EXPECT_EQ(k.set_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{{100, kHostIp, kHost}}));
  using Counts = std::map<uint32_t, EvpnImport::InstalledCounts>;
  EXPECT_EQ(leaf().remote().installed_per_vni(), (Counts{{100, {1, 1}}}));
  a_withdraws({remote_mac(kHostIp)});
  k = kernel();
  EXPECT_TRUE(k.remove_macs.empty());  // the MAC-only route still stands
  EXPECT_EQ(k.remove_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{{100, kHostIp, {}}}));
  EXPECT_EQ(leaf().remote().installed_per_vni(), (Counts{{100, {1, 0}}}));
  a_withdraws({remote_mac(std::nullopt)});
  kernel();
  EXPECT_TRUE(leaf().remote().installed_per_vni().empty());
}

// A remote IPv6 address is a router's when its route says so (the ARP/ND
// community's Router flag, RFC 9047) or is a default gateway's: it goes
// into the kernel with the router flag. IPv4 addresses have none.
TEST_F(EvpnLeafTest, ARemoteRoutersIpv6AddressIsInstalledWithTheRouterFlag) {
  const auto nd = *wire::IpAddress::parse("2001:db8:1::1");
  const auto gateway = *wire::IpAddress::parse("2001:db8:1::2");
  const auto host = *wire::IpAddress::parse("2001:db8:1::3");
  const auto announce = [&](const wire::IpAddress& ip, std::vector<uint64_t> ext) {
    ext.push_back(kRtOfA);
    rib_.apply(kA.id, evpn_update(kA, {remote_mac(ip)}, kVtepA, std::move(ext)));
    flush();
  };
  announce(nd, {wire::kNdRouter});
  announce(gateway, {wire::kDefaultGateway});
  announce(host, {});
  announce(kHostIp, {wire::kDefaultGateway, wire::kNdRouter});
  auto k = kernel();
  std::ranges::sort(k.set_neighbors, {}, [](const auto& n) { return n.ip; });
  EXPECT_EQ(k.set_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{{100, kHostIp, kHost, false},
                                                                      {100, nd, kHost, true},
                                                                      {100, gateway, kHost, true},
                                                                      {100, host, kHost, false}}));
  // A router no more: written again without the flag.
  announce(nd, {});
  EXPECT_EQ(kernel().set_neighbors,
            (std::vector<EvpnKernelUpdate::Neighbor>{{100, nd, kHost, false}}));
}

// A neighbour's graceful restart leaves the kernel alone: its routes stay,
// stale, until its End-of-RIB (or its restart ends) takes what it did not
// send again.
TEST_F(EvpnLeafTest, ARestartingNeighboursRoutesStayInTheKernelUntilSwept) {
  a_announces({remote_imet(), remote_mac(kHostIp)});
  kernel();
  rib_.session_down(kA.id, DownKind::Graceful);
  flush();
  EXPECT_TRUE(kernel().empty());
  up_evpn(kA);
  a_announces({remote_imet()});
  EXPECT_TRUE(kernel().empty());
  rib_.sweep_stale(kA.id, wire::Family::L2vpnEvpn);
  flush();
  const auto k = kernel();
  EXPECT_EQ(k.remove_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, {}}}));
  EXPECT_EQ(k.remove_neighbors, (std::vector<EvpnKernelUpdate::Neighbor>{{100, kHostIp, {}}}));
  EXPECT_TRUE(k.remove_flood.empty());
}

TEST_F(EvpnLeafTest, AHostMovingHereIsAdvertisedWithTheNextSequenceAndMovingAwayWithdrawn) {
  a_announces({remote_mac(std::nullopt)});
  kernel();
  leaf().set_mac(100, kHost, true);  // the host is here now
  flush();
  auto sent = out_.take(kA.id);
  const auto& attrs = sent.evpn_announced.at(kOurMac).first;
  EXPECT_EQ(wire::mac_mobility_of(attrs.ext_communities), (wire::MacMobility{1, false}));
  EXPECT_EQ(kernel().remove_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, {}}}));

  // The other leaf withdraws, then learns it again: sequence 2 beats ours.
  a_withdraws({remote_mac(std::nullopt)});
  a_announces({remote_mac(std::nullopt)}, kRtOfA, 2);
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn, std::vector<std::string>{kOurMacWithdrawn});
  EXPECT_EQ(kernel().set_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, kVtepA}}));
  EXPECT_EQ(leaf().vnis().at(100).macs.at(kHost).advertised, false);

  // The bridge moves the MAC to the tunnel: no longer local.
  leaf().set_mac(100, kHost, false);
  flush();
  EXPECT_TRUE(out_.nothing_for(kA.id));
  EXPECT_TRUE(kernel().empty());
}

TEST_F(EvpnLeafTest, AFrozenMacIsNotAdvertisedAndClaimedAgainWhenThawed) {
  a_announces({remote_mac(std::nullopt)});
  kernel();
  leaf().set_mac(100, kHost, true);
  flush();
  out_.take(kA.id);
  kernel();
  leaf().set_frozen(100, kHost, true);  // a duplicate: it kept moving
  flush();
  EXPECT_EQ(out_.take(kA.id).evpn_withdrawn, std::vector<std::string>{kOurMacWithdrawn});
  EXPECT_EQ(kernel().set_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, kVtepA}}));
  // Learned here again while frozen: nothing is sent.
  leaf().set_mac(100, kHost, false);
  leaf().set_mac(100, kHost, true);
  flush();
  EXPECT_TRUE(out_.nothing_for(kA.id));
  // Thawed while still here: claimed with the next sequence after A's.
  leaf().set_frozen(100, kHost, false);
  flush();
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(wire::mac_mobility_of(sent.evpn_announced.at(kOurMac).first.ext_communities),
            (wire::MacMobility{1, false}));
  EXPECT_EQ(kernel().remove_macs, (std::vector<EvpnKernelUpdate::Mac>{{100, kHost, {}}}));
}

TEST_F(EvpnLeafTest, AConfiguredRouteTargetIsExportedAndTheOnlyOneImported) {
  const uint64_t rt = 0x0002fde800000064;  // rt:65000:100
  leaf().set_route_targets({{100, rt}});
  flush();
  const auto sent = out_.take(kA.id);
  EXPECT_EQ(sent.evpn_announced.at(kOurImet).first.ext_communities,
            (std::vector<uint64_t>{rt, wire::kEncapVxlan}));
  a_announces({remote_imet()});  // rt:65001:100
  EXPECT_TRUE(kernel().empty());
  a_announces({remote_imet()}, rt);
  EXPECT_EQ(kernel().add_flood, (std::vector<EvpnKernelUpdate::Flood>{{100, kVtepA}}));
}

TEST_F(EvpnLeafTest, WhatCouldNotBeAKernelEntryIsNotImported) {
  wire::EvpnRoute zero = remote_mac(std::nullopt);
  zero.mac = wire::MacAddress{};  // would be a flood-list entry
  zero.rd.value[5] = 3;
  wire::EvpnRoute group = remote_mac(std::nullopt);
  group.mac = wire::MacAddress{0x01, 0, 0x5e, 0, 0, 1};
  a_announces({zero, group});
  EXPECT_TRUE(kernel().empty());
  EXPECT_EQ(leaf().remote().unusable(), 2u);
  // Nor a VTEP no tunnel can go to.
  rib_.apply(kA.id,
             evpn_update(kA, {remote_imet()}, wire::IpAddress::v4(0), {kRtOfA, wire::kEncapVxlan}));
  flush();
  EXPECT_TRUE(kernel().empty());
  EXPECT_EQ(leaf().remote().unusable(), 3u);
  // Each kept for the log with its neighbour and why.
  const auto refused = leaf().take_findings().refused;
  ASSERT_EQ(refused.first.size(), 3u);
  EXPECT_EQ(refused.first[0].peer_id, kA.id);
  EXPECT_EQ(refused.first[0].why, "its MAC 01:00:5e:00:00:01 is zero or multicast");
  EXPECT_EQ(refused.first[2].route, "10.0.0.1:2:[3]:[0]:[32]:[10.0.0.1]");
  EXPECT_EQ(refused.first[2].why, "its VTEP (next hop) 0.0.0.0 is not a unicast IPv4 address");
  EXPECT_TRUE(leaf().take_findings().refused.first.empty());
}

TEST_F(EvpnLeafTest, OurOwnRoutesAreNeverInstalledAsRemote) {
  leaf().set_mac(100, kHost, true);
  flush();
  EXPECT_TRUE(kernel().empty());
  EXPECT_TRUE(leaf().remote().installed_macs().empty());
  EXPECT_EQ(rib_.evpn().size(), 2u);  // our type 3 and MAC
}

}  // namespace
}  // namespace closbgp::rib::test
