// Duplicate addresses on a leaf: an address hosts with different MACs
// claim (here and behind another VTEP, or behind two) is found when the
// claims are imported, reported once when it starts and once when it
// ends; the same MAC from two VTEPs (a host moving) and Default Gateway
// routes (leaves sharing a gateway address) are no duplicate.
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::IpAddress kOurVtep = wire::IpAddress::v4(0x0a0000fe);  // 10.0.0.254
const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);    // 10.0.0.1
const wire::IpAddress kVtepB = wire::IpAddress::v4(0x0a000002);    // 10.0.0.2
const wire::MacAddress kOurHost{0xaa, 0, 0, 0, 0, 1}, kOtherHost{0xcc, 0, 0, 0, 0, 2};
const wire::IpAddress kIp = wire::IpAddress::v4(0x0a01010a);  // 10.1.1.10
const uint64_t kRt = 0x0002fde900000064;                      // rt:65001:100
const EvpnDuplicateIps::IpKey kKey{100, kIp};

wire::EvpnRoute mac_ip(const wire::MacAddress& mac, uint8_t rd) {
  return mac_ip_route(rd, mac, kIp);
}

class EvpnDuplicateIpsTest : public Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    up_evpn(kB);
    leaf().set_vnis({{100, kOurVtep}});
    turn();
  }
  EvpnLeaf& leaf() { return rib_.evpn_leaf(); }
  // One loop turn as the daemon takes it: the kernel's update, then the findings.
  std::vector<EvpnDuplicateIps::Change> turn() {
    flush();
    leaf().take_kernel_update();
    return leaf().take_findings().duplicate_ips;
  }
  void announce(const Neighbor& n, const wire::IpAddress& vtep, wire::EvpnRoute r,
                std::vector<uint64_t> more = {}) {
    std::vector<uint64_t> ext{kRt, wire::kEncapVxlan};
    ext.insert(ext.end(), more.begin(), more.end());
    rib_.apply(n.id, evpn_update(n, {std::move(r)}, vtep, ext));
  }
  void withdraw(const Neighbor& n, wire::EvpnRoute r) {
    wire::UpdateMessage u;
    u.mp_unreach = wire::MpUnreach{wire::Family::L2vpnEvpn, {}, {std::move(r)}};
    rib_.apply(n.id, u);
  }
};

TEST_F(EvpnDuplicateIpsTest, AnAddressHereAndElsewhereWithAnotherMacIsADuplicateUntilOneGoes) {
  leaf().set_mac(100, kOurHost, true);
  leaf().set_neighbor(100, kIp, kOurHost);
  EXPECT_TRUE(turn().empty());
  announce(kA, kVtepA, mac_ip(kOtherHost, 1));
  const auto found = turn();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key, kKey);
  EXPECT_EQ(found[0].claims,
            (std::vector<EvpnDuplicateIps::Claim>{{kOurHost, std::nullopt}, {kOtherHost, kVtepA}}));
  EXPECT_TRUE(leaf().duplicate_ips().duplicate(kKey));
  // Ours stays the one the kernel has: the other is not installed here.
  EXPECT_FALSE(leaf().remote().installed_neighbors().contains(kKey));
  // Reported once, not at every change of the same conflict.
  announce(kA, kVtepA, mac_ip(kOtherHost, 1), {wire::mac_mobility_community({3})});
  EXPECT_TRUE(turn().empty());
  withdraw(kA, mac_ip(kOtherHost, 1));
  const auto over = turn();
  ASSERT_EQ(over.size(), 1u);
  EXPECT_TRUE(over[0].claims.empty());
  EXPECT_FALSE(leaf().duplicate_ips().duplicate(kKey));
}

TEST_F(EvpnDuplicateIpsTest, TwoOtherVtepsWithDifferentMacsAreADuplicateTooTheWinnerInstalled) {
  announce(kA, kVtepA, mac_ip(kOurHost, 1));
  EXPECT_TRUE(turn().empty());
  announce(kB, kVtepB, mac_ip(kOtherHost, 2));
  const auto found = turn();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].claims.size(), 2u);
  // Equal sequences: the lower VTEP's binding is the kernel's.
  EXPECT_EQ(leaf().remote().installed_neighbors().at(kKey).mac, kOurHost);
  // A's host leaves: the conflict is over, B's binding installed.
  withdraw(kA, mac_ip(kOurHost, 1));
  EXPECT_EQ(turn().size(), 1u);
  EXPECT_EQ(leaf().remote().installed_neighbors().at(kKey).mac, kOtherHost);
}

TEST_F(EvpnDuplicateIpsTest, AHostMovingAndSharedGatewaysAreNoDuplicate) {
  // One MAC behind two VTEPs (it moved; the higher sequence wins).
  announce(kA, kVtepA, mac_ip(kOurHost, 1));
  announce(kB, kVtepB, mac_ip(kOurHost, 2), {wire::mac_mobility_community({1})});
  EXPECT_TRUE(turn().empty());
  // Another leaf's gateway on the address under a MAC of its own.
  withdraw(kB, mac_ip(kOurHost, 2));
  announce(kB, kVtepB, mac_ip(kOtherHost, 2), {wire::kDefaultGateway});
  EXPECT_TRUE(turn().empty());
  EXPECT_TRUE(leaf().duplicate_ips().all().empty());
}

}  // namespace
}  // namespace closbgp::rib::test
