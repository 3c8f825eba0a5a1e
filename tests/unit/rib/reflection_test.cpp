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
