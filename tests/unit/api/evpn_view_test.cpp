// A leaf's VNIs as the API shows them: a duplicate address (claimed here
// and behind another VTEP with another MAC) flagged in the neighbour
// list and counted per VNI for the metrics.
#include "bgpd/api/evpn_view.h"

#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::api {
namespace {

using rib::test::kA;

class EvpnView : public rib::test::Engine {};

TEST_F(EvpnView, ADuplicateAddressIsFlaggedAndCounted) {
  const wire::MacAddress ours{0xaa, 0, 0, 0, 0, 1}, theirs{0xcc, 0, 0, 0, 0, 2};
  const auto ip = wire::IpAddress::v4(0x0a01010a);  // 10.1.1.10
  auto& leaf = rib_.evpn_leaf();
  up_evpn(kA);
  leaf.set_vnis({{100, wire::IpAddress::v4(0x0a0000fe)}});
  leaf.set_mac(100, ours, true);
  leaf.set_neighbor(100, ip, ours);
  rib_.apply(kA.id, rib::test::evpn_update(kA, {rib::test::mac_ip_route(1, theirs, ip)},
                                           wire::IpAddress::v4(0x0a000001),
                                           {0x0002fde900000064, wire::kEncapVxlan}));
  flush();
  leaf.take_kernel_update();
  const auto views = evpn_vni_view(leaf, 100);
  ASSERT_EQ(views.size(), 1u);
  ASSERT_EQ(views[0].neighbors.size(), 1u);  // ours: the other is not installed here
  EXPECT_TRUE(views[0].neighbors[0].local);
  EXPECT_TRUE(views[0].neighbors[0].duplicate);
  const auto counts = evpn_vni_counts(leaf);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].duplicate_ips, 1u);
}

}  // namespace
}  // namespace closbgp::api
