// The leaf's kernel side between reads: which notifications are echoes
// of our own writes, which are the local change they tell (no read of the
// kernel: with 100,000 remote MACs a read takes seconds), which links and
// addresses need a read, and what our writes over local entries change.
#include <gtest/gtest.h>

#include "bgpd/evpn/kernel_mirror.h"
#include "tests/unit/evpn/kernel_mirror_fixture.h"

namespace closbgp::evpn {
namespace {

using namespace test;

// The kernel tells of forwarding entries without their writer's port id:
// what we wrote comes back as an echo, which must not make the leaf read
// the whole kernel again (100,000 remote MACs would mean as many reads);
// anyone else's change to them is news.
TEST(KernelMirror, OurOwnForwardingEntriesComeBackAsEchoes) {
  KernelMirror m;
  m.local_changes(kernel());
  Update u;
  u.add_flood = {{100, kOther}};
  u.set_macs = {{100, kRemoteMac, kOther}};
  m.want(u);
  const auto notice = [](bool added, wire::MacAddress mac, std::optional<wire::IpAddress> dst,
                         bool extern_learned = true, uint32_t ifindex = 7) {
    return fib::FdbNotice{ifindex, added, mac, dst, extern_learned};
  };
  EXPECT_TRUE(m.echoes_ours(notice(true, kRemoteMac, kOther)));            // the device's entry
  EXPECT_TRUE(m.echoes_ours(notice(true, kRemoteMac, std::nullopt)));      // the bridge's
  EXPECT_TRUE(m.echoes_ours(notice(true, {}, kOther, false)));             // the flood entry
  EXPECT_FALSE(m.echoes_ours(notice(true, kRemoteMac, kVtep)));            // pointed elsewhere
  EXPECT_FALSE(m.echoes_ours(notice(false, kRemoteMac, kOther)));          // removed by someone
  EXPECT_FALSE(m.echoes_ours(notice(false, {}, kOther, false)));           // the flood entry too
  EXPECT_FALSE(m.echoes_ours(notice(true, kMac, std::nullopt)));           // not ours
  EXPECT_FALSE(m.echoes_ours(notice(true, kRemoteMac, kOther, false)));    // not extern_learn
  EXPECT_FALSE(m.echoes_ours(notice(true, kRemoteMac, kOther, true, 8)));  // not a VNI's device

  // Once we remove them, their removal is the echo.
  std::swap(u.add_flood, u.remove_flood);
  std::swap(u.set_macs, u.remove_macs);
  m.want(u);
  EXPECT_TRUE(m.echoes_ours(notice(false, kRemoteMac, kOther)));
  EXPECT_TRUE(m.echoes_ours(notice(false, {}, kOther, false)));
  EXPECT_FALSE(m.echoes_ours(notice(true, kRemoteMac, kOther)));
}

// A host's neighbour entry changes state every half minute or so, and the
// underlay's come and go on their own links: a notification that changes
// nothing the last read found on a VNI's SVI is no change; one that does
// is the change, taken from it with no read of the kernel (a leaf with
// 100,000 remote MACs takes seconds to read); someone's extern_learn
// entry needs a read.
TEST(KernelMirror, ANeighbourNotificationIsTheChangeItMakesWithoutARead) {
  KernelMirror m;
  m.local_changes(kernel());  // kHost at kMac on SVI 5 (VNI 100)
  const auto notice = [](uint32_t ifindex, wire::IpAddress ip, std::optional<wire::MacAddress> mac,
                         bool router = false, bool extern_learned = false) {
    fib::NeighborNotice n{ifindex, ip, std::nullopt, extern_learned};
    if (mac) n.binding = fib::BridgeNeighbor{ifindex, ip, *mac, router};
    return n;
  };
  const auto nothing = [&](const fib::NeighborNotice& n) {
    const auto c = m.local_notice(n);
    return c && c->empty();
  };
  const auto change = [&](const fib::NeighborNotice& n) {
    const auto c = m.local_notice(n);
    return c && c->neighbors.size() == 1 ? std::optional(c->neighbors[0]) : std::nullopt;
  };
  const auto other_host = wire::IpAddress::v4(0x0a01010b);
  EXPECT_TRUE(nothing(notice(5, kHost, kMac)));               // REACHABLE, STALE, ... again
  EXPECT_TRUE(nothing(notice(5, other_host, std::nullopt)));  // unknown, unresolved
  EXPECT_TRUE(nothing(notice(9, kHost, kRemoteMac)));         // not a VNI's SVI
  EXPECT_TRUE(nothing(notice(5, *wire::IpAddress::parse("fe80::1"), kRemoteMac)));
  EXPECT_FALSE(m.local_notice(notice(5, other_host, std::nullopt, false, true)));  // read
  Update ours;
  ours.set_neighbors = {{100, other_host, kRemoteMac}};
  m.want(ours);
  EXPECT_FALSE(m.local_notice(notice(5, other_host, std::nullopt)));  // ours, removed: read
  ours.remove_neighbors = ours.set_neighbors;
  ours.set_neighbors.clear();
  m.want(ours);
  using N = std::tuple<uint32_t, wire::IpAddress, std::optional<wire::MacAddress>, bool>;
  EXPECT_EQ(change(notice(5, kHost, kRemoteMac)), N(100, kHost, kRemoteMac, false));  // moved
  EXPECT_EQ(change(notice(5, kHost, kRemoteMac, true)), N(100, kHost, kRemoteMac, true));
  EXPECT_TRUE(nothing(notice(5, kHost, kRemoteMac, true)));  // and so it is known now
  EXPECT_EQ(change(notice(5, other_host, kMac)), N(100, other_host, kMac, false));        // new
  EXPECT_EQ(change(notice(5, kHost, std::nullopt)), N(100, kHost, std::nullopt, false));  // gone
  EXPECT_TRUE(nothing(notice(5, kHost, std::nullopt)));
  // What the notifications told, a read finds: no change then.
  fib::VxlanState now = kernel();
  now.neighbors = {{5, other_host, kMac}};
  EXPECT_TRUE(m.local_changes(now).neighbors.empty());
}

// A MAC learned on a host port of a VNI's bridge, or aged out, is the
// change its notification makes; a MAC moving between host ports none;
// entries on no VNI's segment, or the bridge's own, are none either; an
// entry on a VXLAN device needs a read (unless it echoes our writes).
TEST(KernelMirror, ALearnedMacNotificationIsTheChangeItMakesWithoutARead) {
  KernelMirror m;
  m.local_changes(kernel());  // kMac learned on swp2 (6) of br100 (5): VNI 100
  const auto notice = [](bool added, uint32_t port, wire::MacAddress mac, bool learned = true,
                         uint32_t bridge = 5) {
    fib::FdbNotice n{port, added, mac, std::nullopt, false};
    n.learned = learned;
    n.bridge = learned ? bridge : 0;
    return n;
  };
  const auto macs = [&](const fib::FdbNotice& n) {
    const auto c = m.local_notice(n);
    return c ? std::optional(c->macs) : std::nullopt;
  };
  using Macs = std::vector<std::tuple<uint32_t, wire::MacAddress, bool>>;
  EXPECT_EQ(macs(notice(true, 6, kMac)), Macs{});                  // known
  EXPECT_EQ(macs(notice(true, 9, kMac)), Macs{});                  // moved to another host port
  EXPECT_EQ(macs(notice(true, 6, kRemoteMac, false)), Macs{});     // static: the bridge's own
  EXPECT_EQ(macs(notice(true, 6, kRemoteMac, true, 11)), Macs{});  // another bridge
  EXPECT_EQ(macs(notice(true, 6, kRemoteMac)), (Macs{{100, kRemoteMac, true}}));
  EXPECT_EQ(macs(notice(false, 6, kMac)), (Macs{{100, kMac, false}}));  // aged out
  EXPECT_EQ(macs(notice(false, 6, kMac)), Macs{});
  EXPECT_FALSE(macs(notice(true, 7, kRemoteMac)));  // on vxlan100: read
  EXPECT_FALSE(macs(notice(true, 8, kRemoteMac)));  // on vxlan200 (no VNI of ours) too
}

// Only links and addresses that can change a VNI need the kernel read:
// not the underlay's ports nor the hosts' (nor their addresses).
TEST(KernelMirror, OnlyLinksAndAddressesOfVnisNeedARead) {
  KernelMirror m;
  m.local_changes(kernel());  // vxlan100 (7) in br100 (5, its SVI); vxlan200 (8) in none
  const auto link = [&](uint32_t ifindex, std::string_view kind = "") {
    return m.changes_vnis({ifindex, false, kind, std::nullopt});
  };
  EXPECT_TRUE(link(7) && link(5) && link(8));  // the VXLAN devices, the bridge
  EXPECT_TRUE(link(30, "vxlan") && link(31, "bridge") && link(32, "vlan") && link(33, "vrf"));
  EXPECT_FALSE(link(6));                               // a host's port (swp2)
  EXPECT_FALSE(link(34, "veth"));                      // an underlay port
  EXPECT_FALSE(link(35, "dummy"));                     // a loopback
  EXPECT_TRUE(m.changes_vnis({5, true, {}, kHost}));   // an SVI's address
  EXPECT_FALSE(m.changes_vnis({6, true, {}, kHost}));  // another's
  EXPECT_FALSE(m.changes_vnis({5, true, {}, wire::IpAddress::parse("fe80::1")}));  // link-local
}

// Our remote entries written over local ones: those are no longer local.
TEST(KernelMirror, OurEntriesDisplaceLocalOnes) {
  KernelMirror m;
  m.local_changes(kernel());  // kMac learned, kHost resolved, on VNI 100
  Update u;
  u.set_macs = {{100, kMac, kOther}, {100, kRemoteMac, kOther}};
  u.set_neighbors = {{100, kHost, kMac}};
  const auto displaced = m.local_displaced(u);
  using Macs = std::vector<std::tuple<uint32_t, wire::MacAddress, bool>>;
  EXPECT_EQ(displaced.macs, (Macs{{100, kMac, false}}));
  ASSERT_EQ(displaced.neighbors.size(), 1u);
  EXPECT_EQ(displaced.neighbors[0], std::make_tuple(100u, kHost, std::nullopt, false));
  EXPECT_FALSE(m.local_mac(100, kMac));
  EXPECT_TRUE(m.local_displaced(u).empty());
}

}  // namespace
}  // namespace closbgp::evpn
