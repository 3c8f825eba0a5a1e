// Route reflection (RFC 4456): a client's paths go to every iBGP
// neighbour, a non-client's to clients only, with ORIGINATOR_ID and our
// cluster id in CLUSTER_LIST; a path that carries our router-id or
// cluster id has come back to us and is refused.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

constexpr uint32_t kRouterId = 0x0a0000fe;  // the fixture's router-id, 10.0.0.254
// Two clients and a non-client, all in our AS; an eBGP neighbour.
const Neighbor kClient1{11, kLocalAs}, kClient2{12, kLocalAs}, kOther{13, kLocalAs},
    kExternal{14, 65014};

PeerPolicy client() {
  PeerPolicy p;
  p.route_reflector_client = true;
  return p;
}

class Reflection : public Engine {
 protected:
  void SetUp() override {
    up(kClient1, client());
    up(kClient2, client());
    up(kOther);
    up(kExternal);
    for (const auto& n : {kClient1, kClient2, kOther, kExternal}) out_.take(n.id);
  }
};

TEST_F(Reflection, AClientsPathGoesToEveryIbgpNeighbourButItself) {
  rib_.apply(kClient1.id, kClient1.announce({kP1}));
  flush();
  EXPECT_TRUE(out_.nothing_for(kClient1.id));
  for (const auto& n : {kClient2, kOther}) {
    const auto sent = out_.take(n.id);
    ASSERT_EQ(sent.announced.size(), 1u) << n.id;
    const auto& a = sent.announced.at("10.1.0.0/24");
    EXPECT_EQ(a.originator_id, kClient1.router_id());
    EXPECT_EQ(a.cluster_list, std::vector<uint32_t>{kRouterId});  // the router-id by default
  }
  // Towards eBGP nothing of reflection stays.
  const auto e = out_.take(kExternal.id).announced.at("10.1.0.0/24");
  EXPECT_FALSE(e.originator_id);
  EXPECT_TRUE(e.cluster_list.empty());
}

TEST_F(Reflection, ANonClientsPathGoesToClientsOnly) {
  rib_.apply(kOther.id, kOther.announce({kP1}));
  flush();
  EXPECT_EQ(out_.take(kClient1.id).announced.size(), 1u);
  EXPECT_EQ(out_.take(kClient2.id).announced.size(), 1u);
  EXPECT_TRUE(out_.nothing_for(kOther.id));
  EXPECT_EQ(out_.take(kExternal.id).announced.size(), 1u);
}

TEST_F(Reflection, AReflectedPathKeepsItsOriginatorAndGrowsItsClusterList) {
  auto u = kClient1.announce({kP1});
  u.attributes.originator_id = 0x0a000063;
  u.attributes.cluster_list = {0x0a000064};
  rib_.apply(kClient1.id, u);
  flush();
  const auto a = out_.take(kOther.id).announced.at("10.1.0.0/24");
  EXPECT_EQ(a.originator_id, 0x0a000063u);
  EXPECT_EQ(a.cluster_list, (std::vector<uint32_t>{kRouterId, 0x0a000064}));
}

TEST_F(Reflection, PathsOfTwoClientsWithEqualAttributesKeepTheirOwnOriginators) {
  rib_.apply(kClient1.id, kClient1.announce({kP1}));
  rib_.apply(kClient2.id, kClient2.announce({kP2}));
  flush();
  const auto sent = out_.take(kOther.id);
  EXPECT_EQ(sent.announced.at("10.1.0.0/24").originator_id, kClient1.router_id());
  EXPECT_EQ(sent.announced.at("10.2.0.0/24").originator_id, kClient2.router_id());
}

// A client that announces from its loopback (iBGP between loopbacks): its
// next hop is a global address, reachable through the underlay.
wire::UpdateMessage from_loopback(const Neighbor& n, const wire::Prefix& p, uint32_t loopback) {
  auto u = n.announce({p});
  u.mp_reach->next_hop = {wire::IpAddress::v4(loopback), std::nullopt};
  return u;
}
constexpr uint32_t kLoopback1 = 0x0a00010b, kLoopback2 = 0x0a00010c;  // 10.0.1.11, .12

// RFC 4456 sec. 10: the reflector is not in the forwarding path; each
// client forwards to the other's loopback through the underlay.
TEST_F(Reflection, AReflectedPathKeepsItsGlobalNextHop) {
  rib_.set_connected({{wire::IpAddress::v4(0x0a000101), 24, 21, false}});  // 10.0.1.0/24
  rib_.apply(kClient1.id, from_loopback(kClient1, kP1, kLoopback1));
  flush();
  for (const auto& n : {kClient2, kOther})
    EXPECT_EQ(out_.take(n.id).next_hops.at("10.1.0.0/24"), wire::IpAddress::v4(kLoopback1)) << n.id;
  // Not reflected: towards eBGP, the next hop is the session's own.
  EXPECT_EQ(out_.take(kExternal.id).next_hops.at("10.1.0.0/24"), std::nullopt);
}

TEST_F(Reflection, ALinkLocalOrExternalNextHopIsReplacedByOurs) {
  rib_.apply(kClient1.id, kClient1.announce({kP1}));  // fe80::11: only on its link
  rib_.apply(kExternal.id, kExternal.announce({kP2}));
  flush();
  const auto sent = out_.take(kClient2.id);
  EXPECT_EQ(sent.next_hops.at("10.1.0.0/24"), std::nullopt);
  EXPECT_EQ(sent.next_hops.at("10.2.0.0/24"), std::nullopt);
}

TEST_F(Reflection, NextHopSelfForcesOursOnReflectedPaths) {
  PeerPolicy forced = client();
  forced.next_hop_self = true;
  rib_.set_policy(kClient2.id, forced, out_);
  out_.take(kClient2.id);
  rib_.set_connected({{wire::IpAddress::v4(0x0a000101), 24, 21, false}});
  rib_.apply(kClient1.id, from_loopback(kClient1, kP1, kLoopback1));
  flush();
  EXPECT_EQ(out_.take(kClient2.id).next_hops.at("10.1.0.0/24"), std::nullopt);
  EXPECT_EQ(out_.take(kOther.id).next_hops.at("10.1.0.0/24"), wire::IpAddress::v4(kLoopback1));
}

// Two clients announce one anycast prefix with equal attributes: when the
// best path moves from one to the other, what was sent changes (next hop
// and ORIGINATOR_ID) and goes again, though the attributes are one object.
TEST_F(Reflection, ABestPathMovingToAnotherClientIsSentAgain) {
  rib_.set_connected({{wire::IpAddress::v4(0x0a000101), 24, 21, false}});
  rib_.apply(kClient1.id, from_loopback(kClient1, kP1, kLoopback1));
  rib_.apply(kClient2.id, from_loopback(kClient2, kP1, kLoopback2));
  flush();
  const auto first = out_.take(kOther.id);
  EXPECT_EQ(first.next_hops.at("10.1.0.0/24"), wire::IpAddress::v4(kLoopback1));  // lower router-id
  rib_.apply(kClient1.id, kClient1.withdraw({kP1}));
  flush();
  const auto moved = out_.take(kOther.id);
  ASSERT_EQ(moved.announced.size(), 1u);
  EXPECT_EQ(moved.next_hops.at("10.1.0.0/24"), wire::IpAddress::v4(kLoopback2));
  EXPECT_EQ(moved.announced.at("10.1.0.0/24").originator_id, kClient2.router_id());
}

// The session layer writes a kept next hop as it is, the others with its own.
TEST(ReflectedNextHop, IsEncodedInPlaceOfTheSessionsOwn) {
  wire::PathAttributes attrs;
  attrs.origin = wire::Origin::Igp;
  attrs.as_path = wire::AsPath{};
  attrs.local_pref = 100;
  const Variant variants[] = {{attrs, wire::Family::Ipv4Unicast, wire::IpAddress::v4(kLoopback1)},
                              {attrs, wire::Family::Ipv4Unicast, std::nullopt}};
  Advertisement a;
  a.variants = variants;
  a.announce = {{{kP1, 0}}, {{kP2, 0}}};
  const auto ours = wire::IpAddress::v4(0x0a0000fe);
  std::vector<uint8_t> bytes;
  ASSERT_EQ(encode(
                a,
                [&](wire::Family) {
                  return wire::MpNextHop{ours, std::nullopt};
                },
                {}, bytes),
            2u);
  std::vector<wire::IpAddress> next_hops;
  wire::for_each_message(bytes, [&](std::span<const uint8_t> m) {
    auto u = wire::decode(m, {});
    ASSERT_TRUE(u.has_value());
    next_hops.push_back(*std::get<wire::UpdateMessage>(*u).attributes.next_hop);
  });
  EXPECT_EQ(next_hops, (std::vector<wire::IpAddress>{wire::IpAddress::v4(kLoopback1), ours}));
}

TEST_F(Reflection, OurRouterIdOrClusterIdInAPathIsALoop) {
  auto ours = kOther.announce({kP1});
  ours.attributes.originator_id = kRouterId;
  auto through_us = kOther.announce({kP2});
  through_us.attributes.cluster_list = {0x0a000001, kRouterId};
  rib_.apply(kOther.id, ours);
  rib_.apply(kOther.id, through_us);
  EXPECT_EQ(rib_.adj_rib_in(kOther.id)->received(), 2u);  // kept, as received
  EXPECT_EQ(rib_.adj_rib_in(kOther.id)->accepted(), 0u);
  EXPECT_EQ(rib_.prefixes(), 0u);
}

TEST(ReflectionClusterId, AConfiguredClusterIdIsTheOneChecked) {
  RibOptions o;
  o.local_as = kLocalAs;
  o.router_id = kRouterId;
  o.cluster_id = 0x01010101;
  Rib rib(o);
  mocks::AdvertisementRecorder out;
  rib.session_up(kClient1.source(), kClient1.member(), client(), out);
  rib.session_up(kOther.source(), kOther.member(), {}, out);
  auto looped = kOther.announce({kP1});
  looped.attributes.cluster_list = {0x01010101};
  rib.apply(kOther.id, looped);
  rib.apply(kClient1.id, kClient1.announce({kP2}));
  rib.flush(nullptr, out);
  EXPECT_EQ(rib.entry(kP1), nullptr);
  EXPECT_EQ(out.take(kOther.id).announced.at("10.2.0.0/24").cluster_list,
            std::vector<uint32_t>{0x01010101});
}

}  // namespace
}  // namespace closbgp::rib::test
