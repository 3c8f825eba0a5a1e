// A link bandwidth worked out from the ECMP set a route is sent from
// (route-map-out `link-bandwidth: cumulative | num-multipaths`): sent
// again whenever that set changes, even when the best path does not.
#include "bgpd/wire/link_bandwidth.h"
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const Neighbor kD{4, 65004};

PeerPolicy sending(policy::BandwidthFrom from) {
  policy::RouteMapEntry e;
  e.seq = 10;
  e.action = policy::Action::Permit;
  e.set.bandwidth_from = from;
  e.set.bandwidth_as = kLocalAs;
  PeerPolicy p;
  p.out = std::make_shared<policy::RouteMap>(std::vector{e});
  return p;
}

wire::UpdateMessage with_bandwidth(const Neighbor& n, float bytes_per_second) {
  auto u = n.announce({kP1}, {65100});
  u.attributes.ext_communities = {wire::link_bandwidth_community(n.as, bytes_per_second)};
  return u;
}

std::vector<uint64_t> bandwidth(float bytes_per_second) {
  return {wire::link_bandwidth_community(kLocalAs, bytes_per_second)};
}

TEST_F(Engine, ALinkBandwidthFromTheEcmpSetFollowsTheSet) {
  up(kA);
  up(kB);
  up(kC, sending(policy::BandwidthFrom::Cumulative));
  up(kD, sending(policy::BandwidthFrom::NumMultipaths));
  rib_.apply(kA.id, with_bandwidth(kA, 25e6f));  // 200 Mbps
  flush();
  EXPECT_EQ(out_.take(kC.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(25e6f));
  EXPECT_EQ(out_.take(kD.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(125e3f));

  // B joins the set; A stays best. Both are sent P1 again, with the sum
  // (300 Mbps) and two paths' worth (2 Mbps).
  rib_.apply(kB.id, with_bandwidth(kB, 12.5e6f));
  flush();
  EXPECT_EQ(out_.take(kC.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(37.5e6f));
  EXPECT_EQ(out_.take(kD.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(250e3f));
  // The Adj-RIB-Out says what was sent.
  EXPECT_EQ(sent_to(kC.id).at(0).second.ext_communities, bandwidth(37.5e6f));

  // A path without a bandwidth in the set: no sum, the best path's own
  // community goes on (FRR's behaviour); the count still counts.
  rib_.apply(kB.id, kB.announce({kP1}, {65100}));
  flush();
  EXPECT_EQ(out_.take(kC.id).announced.at("10.1.0.0/24").ext_communities,
            (std::vector<uint64_t>{wire::link_bandwidth_community(kA.as, 25e6f)}));
  EXPECT_EQ(out_.take(kD.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(250e3f));

  // A goes: B alone, best, without a bandwidth.
  rib_.apply(kA.id, kA.withdraw({kP1}));
  flush();
  EXPECT_TRUE(out_.take(kC.id).announced.at("10.1.0.0/24").ext_communities.empty());
  EXPECT_EQ(out_.take(kD.id).announced.at("10.1.0.0/24").ext_communities, bandwidth(125e3f));
}

}  // namespace
}  // namespace closbgp::rib::test
