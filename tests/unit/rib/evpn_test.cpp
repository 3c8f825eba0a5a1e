// The EVPN table and what a spine passes on (RFC 7432, RFC 8365): each
// leaf's routes go to the other EVPN neighbours with the VTEP as next hop
// and the extended communities (route targets, encapsulation) as received;
// a route is known by its NLRI without labels, the VNIs going with each
// path; withdrawals and lost sessions take the routes back.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);  // 10.0.0.1
const uint64_t kEncapVxlan = 0x030c000000000008;
const uint64_t kRouteTarget = 0x0002fde800000064;  // rt:65000:100

// A leaf's routes: its type 3 for VNI 100 and a host's MAC/IP.
wire::EvpnRoute imet(uint8_t rd_index, wire::IpAddress vtep) {
  return imet_route({1, {10, 0, 0, rd_index, 0, 2}}, vtep);
}
wire::EvpnRoute mac_ip(uint8_t rd_index, uint32_t vni) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd.type = 1;
  r.rd.value = {10, 0, 0, rd_index, 0, 2};
  r.mac = wire::MacAddress{0xaa, 0xbb, 0xcc, 0, 0, rd_index};
  r.ip = wire::IpAddress::v4(0x0a01010a);
  r.labels = {vni};
  return r;
}
const std::string kImetA = "10.0.0.1:2:[3]:[0]:[32]:[10.0.0.1]";
const std::string kMacA = "10.0.0.1:2:[2]:[0]:[48]:[aa:bb:cc:00:00:01]:[32]:[10.1.1.10]";

// A leaf's UPDATE: its routes with route target and encapsulation.
wire::UpdateMessage evpn_announce(const Neighbor& n, std::vector<wire::EvpnRoute> routes,
                                  wire::IpAddress vtep, std::vector<uint32_t> more = {}) {
  return evpn_update(n, std::move(routes), vtep, {kRouteTarget, kEncapVxlan}, std::move(more));
}
wire::UpdateMessage evpn_withdraw(std::vector<wire::EvpnRoute> routes) {
  wire::UpdateMessage u;
  u.mp_unreach = wire::MpUnreach{wire::Family::L2vpnEvpn, {}, std::move(routes)};
  return u;
}

class EvpnSpine : public Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    up_evpn(kB);
    up(kC);  // IPv4 and IPv6 unicast only
    for (const auto& n : {kA, kB, kC}) out_.take(n.id);
  }
};

TEST_F(EvpnSpine, ALeafsRoutesGoToTheOtherLeafWithTheVtepAsNextHop) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100)}, kVtepA));
  flush();
  const auto sent = out_.take(kB.id);
  ASSERT_EQ(sent.evpn_announced.size(), 2u);
  const auto& [attrs, next_hop] = sent.evpn_announced.at(kMacA + " vni 100");
  EXPECT_EQ(next_hop, kVtepA);  // a spine is not a tunnel end
  EXPECT_EQ(attrs.as_path->segments.at(0).asns, (std::vector<uint32_t>{kLocalAs, 65001}));
  EXPECT_EQ(attrs.ext_communities, (std::vector<uint64_t>{kRouteTarget, kEncapVxlan}));
  EXPECT_TRUE(sent.evpn_announced.contains(kImetA));
  EXPECT_TRUE(out_.nothing_for(kA.id));  // never back to its source
  EXPECT_TRUE(out_.nothing_for(kC.id));  // no EVPN negotiated
  EXPECT_EQ(rib_.evpn().size(), 2u);
  EXPECT_EQ(rib_.evpn_routes_sent(kB.id), 2u);
}

TEST_F(EvpnSpine, ANewVniForAMacGoesAgainAndAWithdrawalTakesItWhateverItsLabel) {
  rib_.apply(kA.id, evpn_announce(kA, {mac_ip(1, 100)}, kVtepA));
  flush();
  out_.take(kB.id);
  rib_.apply(kA.id, evpn_announce(kA, {mac_ip(1, 200)}, kVtepA));
  flush();
  EXPECT_TRUE(out_.take(kB.id).evpn_announced.contains(kMacA + " vni 200"));
  EXPECT_EQ(rib_.evpn().size(), 1u);       // one route: the VNI is the path's
  EXPECT_EQ(rib_.evpn().held(kA.id), 1u);  // A's count, as show bgp neighbors gives it
  EXPECT_EQ(rib_.evpn_routes_sent(kB.id), 1u);
  rib_.apply(kA.id, evpn_withdraw({mac_ip(1, 0)}));
  flush();
  const auto sent = out_.take(kB.id);
  ASSERT_EQ(sent.evpn_withdrawn.size(), 1u);
  EXPECT_EQ(sent.evpn_withdrawn[0].substr(0, kMacA.size()), kMacA);
  EXPECT_EQ(rib_.evpn().size(), 0u);
  EXPECT_EQ(rib_.evpn().held(kA.id), 0u);
}

TEST_F(EvpnSpine, ALostSessionWithdrawsItsRoutesAndANewMemberGetsTheTableThenEndOfRib) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100)}, kVtepA));
  flush();
  out_.take(kB.id);
  EXPECT_EQ(rib_.evpn().held(kA.id), 2u);
  up_evpn(kC);  // C comes back with EVPN
  const auto table = out_.take(kC.id);
  EXPECT_EQ(table.evpn_announced.size(), 2u);
  EXPECT_NE(std::ranges::find(table.end_of_rib, wire::Family::L2vpnEvpn), table.end_of_rib.end());
  rib_.session_down(kA.id, DownKind::Hard);
  flush();
  EXPECT_EQ(out_.take(kB.id).evpn_withdrawn.size(), 2u);
  EXPECT_EQ(rib_.evpn().size(), 0u);
  EXPECT_EQ(rib_.evpn().held(kA.id), 0u);
}

// Graceful restart (RFC 4724): a restarting leaf's routes stay, stale, and
// still go to the others; back, what it sends again is fresh, and what it
// did not send goes at its EVPN End-of-RIB (not at a unicast one).
TEST_F(EvpnSpine, ARestartingLeafsRoutesStayStaleUntilItsEvpnEndOfRib) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100)}, kVtepA));
  flush();
  out_.take(kB.id);
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Graceful), 2u);
  flush();
  EXPECT_TRUE(out_.take(kB.id).evpn_withdrawn.empty());
  EXPECT_EQ(rib_.evpn().size(), 2u);
  EXPECT_EQ(rib_.stale(kA.id), 2u);

  up_evpn(kA);
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA)}, kVtepA));
  flush();
  EXPECT_EQ(rib_.stale(kA.id), 1u);
  EXPECT_EQ(rib_.sweep_stale(kA.id, wire::Family::Ipv4Unicast), 0u);
  EXPECT_EQ(rib_.sweep_stale(kA.id, wire::Family::L2vpnEvpn), 1u);
  flush();
  EXPECT_EQ(out_.take(kB.id).evpn_withdrawn.size(), 1u);  // the MAC/IP route
  EXPECT_EQ(rib_.stale(kA.id), 0u);
  EXPECT_EQ(rib_.evpn().held(kA.id), 1u);
  // Restarting again, then lost for good: nothing of it stays, stale or not.
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Graceful), 1u);
  rib_.session_down(kA.id, DownKind::Hard);
  EXPECT_EQ(rib_.stale(kA.id), 0u);
  EXPECT_EQ(rib_.evpn().size(), 0u);
}

TEST_F(EvpnSpine, OfTwoPathsForOneRouteTheBetterGoesAndTheOtherWhenItLeaves) {
  const wire::IpAddress vtep_b = wire::IpAddress::v4(0x0a000002);
  up_evpn(kC);
  out_.take(kC.id);
  // One type-5 route from two leaves (an anycast prefix under one RD):
  // B's AS path is longer.
  wire::EvpnRoute prefix;
  prefix.type = uint8_t(wire::EvpnType::IpPrefix);
  prefix.rd.value = {0, 0, 0xfd, 0xe8, 0, 100};
  prefix.ip = wire::IpAddress::v4(0x0a630000);
  prefix.prefix_length = 16;
  prefix.gateway = wire::IpAddress::v4(0);
  prefix.labels = {5000};
  rib_.apply(kB.id, evpn_announce(kB, {prefix}, vtep_b, {65020}));
  rib_.apply(kA.id, evpn_announce(kA, {prefix}, kVtepA));
  flush();
  const auto first = out_.take(kC.id);
  ASSERT_EQ(first.evpn_announced.size(), 1u);
  EXPECT_EQ(first.evpn_announced.begin()->second.second, kVtepA);
  rib_.apply(kA.id, evpn_withdraw({prefix}));
  flush();
  const auto then = out_.take(kC.id);
  ASSERT_EQ(then.evpn_announced.size(), 1u);
  EXPECT_EQ(then.evpn_announced.begin()->second.second, vtep_b);
  EXPECT_TRUE(then.evpn_withdrawn.empty());
}

TEST_F(EvpnSpine, ARouteWithOurAsIsALoopAndTreatAsWithdrawTakesTheRouteOut) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA)}, kVtepA, {kLocalAs}));
  flush();
  EXPECT_TRUE(out_.nothing_for(kB.id));
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA)}, kVtepA));
  flush();
  out_.take(kB.id);
  auto bad = evpn_announce(kA, {imet(1, kVtepA)}, kVtepA);
  bad.action = wire::AttrAction::TreatAsWithdraw;
  rib_.apply(kA.id, bad);
  flush();
  EXPECT_EQ(out_.take(kB.id).evpn_withdrawn, std::vector<std::string>{kImetA});
}

TEST_F(EvpnSpine, ARouteRefreshSendsTheTableAgain) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100)}, kVtepA));
  flush();
  out_.take(kB.id);
  rib_.refresh(kB.id, out_);
  EXPECT_EQ(out_.take(kB.id).evpn_announced.size(), 2u);
  EXPECT_EQ(rib_.evpn_routes_sent(kB.id), 2u);
}

TEST_F(EvpnSpine, ADrainedNodeSendsItsEvpnRoutesWithGracefulShutdown) {
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA)}, kVtepA));
  flush();
  out_.take(kB.id);
  rib_.set_node_drain(DrainState::Drained, out_);
  const auto sent = out_.take(kB.id);
  const auto& communities = sent.evpn_announced.at(kImetA).first.communities;
  EXPECT_NE(std::ranges::find(communities, wire::kGracefulShutdown), communities.end());
}

// An iBGP overlay with the spine as route reflector: a client's routes go
// to the other client with ORIGINATOR_ID and CLUSTER_LIST, next hop kept.
TEST_F(EvpnSpine, AReflectorPassesAClientsRoutesToTheOtherClients) {
  const Neighbor c1{21, kLocalAs}, c2{22, kLocalAs};
  PeerPolicy client;
  client.route_reflector_client = true;
  for (const auto& n : {c1, c2}) {
    Member m = n.member();
    m.negotiated.add(wire::Family::L2vpnEvpn);
    m.families.add(wire::Family::L2vpnEvpn);
    PathSource source = n.source();
    source.rr_client = true;
    rib_.session_up(source, m, client, out_);
    out_.take(n.id);
  }
  rib_.apply(c1.id, evpn_announce(c1, {imet(1, kVtepA)}, kVtepA));
  flush();
  const auto sent = out_.take(c2.id);
  const auto& [attrs, next_hop] = sent.evpn_announced.at(kImetA);
  EXPECT_EQ(next_hop, kVtepA);
  EXPECT_EQ(attrs.originator_id, c1.router_id());
  EXPECT_EQ(attrs.cluster_list, std::vector<uint32_t>{0x0a0000fe});
  EXPECT_TRUE(out_.nothing_for(c1.id));
  // And to the eBGP leaves, as an eBGP route of ours.
  const auto to_b = out_.take(kB.id);
  EXPECT_FALSE(to_b.evpn_announced.at(kImetA).first.originator_id);
}

// A neighbour's EVPN route-maps (FRR's per-family `neighbor X route-map`),
// route by route: in, before the table (a denied route is as withdrawn, a
// set clause gives the route a path of its own); out, to that neighbour
// only. The unicast route-maps never touch EVPN routes, and either
// route-map-in satisfies RFC 8212.
std::shared_ptr<const policy::RouteMap> route_map(std::vector<policy::RouteMapEntry> entries) {
  return std::make_shared<const policy::RouteMap>(std::move(entries));
}
policy::RouteMapEntry permit_vni(uint32_t seq, uint32_t vni, uint32_t community) {
  policy::RouteMapEntry e;
  e.seq = seq;
  e.match.evpn_vni = vni;
  e.set.communities.add = {community};
  return e;
}

TEST_F(EvpnSpine, AnEvpnRouteMapInKeepsWhatItPermitsAndSetsRouteByRoute) {
  policy::RouteMapEntry no_floods;
  no_floods.seq = 10;
  no_floods.action = policy::Action::Deny;
  no_floods.match.evpn_route_type = wire::EvpnType::InclusiveMulticast;
  PeerPolicy policy;
  policy.requires_policy = true;
  policy.in = route_map({});  // denies every unicast route
  policy.evpn_in = route_map({no_floods, permit_vni(20, 100, 0xfde80001)});
  rib_.set_policy(kA.id, policy, out_);
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100), mac_ip(2, 200)}, kVtepA));
  flush();
  const auto sent = out_.take(kB.id);
  ASSERT_EQ(sent.evpn_announced.size(), 1u);
  EXPECT_EQ(sent.evpn_announced.at(kMacA + " vni 100").first.communities,
            std::vector<uint32_t>{0xfde80001});
  EXPECT_EQ(rib_.evpn().size(), 1u);
  // A route the route-map denies now goes, as withdrawn.
  rib_.apply(kA.id, evpn_announce(kA, {mac_ip(1, 300)}, kVtepA));
  flush();
  EXPECT_EQ(out_.take(kB.id).evpn_withdrawn, std::vector<std::string>{kMacA + " vni 0"});
  EXPECT_EQ(rib_.evpn().size(), 0u);
}

TEST_F(EvpnSpine, AnEvpnRouteMapOutFiltersWhatOneNeighbourIsSent) {
  up_evpn(kC);
  out_.take(kC.id);
  PeerPolicy policy;
  policy.out = route_map({});  // denies every unicast route
  policy.evpn_out = route_map({permit_vni(10, 100, 0xfde80002)});
  rib_.set_policy(kB.id, policy, out_);
  out_.take(kB.id);
  rib_.apply(kA.id, evpn_announce(kA, {imet(1, kVtepA), mac_ip(1, 100), mac_ip(2, 200)}, kVtepA));
  flush();
  const auto to_b = out_.take(kB.id);
  ASSERT_EQ(to_b.evpn_announced.size(), 1u);
  EXPECT_EQ(to_b.evpn_announced.at(kMacA + " vni 100").first.communities,
            std::vector<uint32_t>{0xfde80002});
  EXPECT_EQ(out_.take(kC.id).evpn_announced.size(), 3u);  // another neighbour: all of them
  // A new route-map-out: what it denies now is withdrawn.
  policy.evpn_out = route_map({permit_vni(10, 200, 0xfde80002)});
  rib_.set_policy(kB.id, policy, out_);
  const auto after = out_.take(kB.id);
  EXPECT_EQ(after.evpn_withdrawn, std::vector<std::string>{kMacA + " vni 0"});
  EXPECT_EQ(after.evpn_announced.size(), 1u);
  EXPECT_EQ(rib_.evpn_routes_sent(kB.id), 1u);
}

TEST(EvpnKeys, ARouteIsKnownWithoutItsLabelsAndReadsBackAsAWithdrawal) {
  const auto key = EvpnTable::key_of(mac_ip(1, 100));
  EXPECT_EQ(key, EvpnTable::key_of(mac_ip(1, 200)));
  EXPECT_NE(key, EvpnTable::key_of(mac_ip(2, 100)));
  const wire::EvpnRoute back = EvpnTable::route_of(key);
  EXPECT_EQ(back.labels, std::vector<uint32_t>{0});
  EXPECT_EQ(back.mac, mac_ip(1, 100).mac);
}

}  // namespace
}  // namespace closbgp::rib::test
