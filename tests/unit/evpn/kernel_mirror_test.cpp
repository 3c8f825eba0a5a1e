// The leaf's kernel side without the kernel: what was read becomes the
// engine's local changes; what the engine wants is written where the
// kernel, as read, differs; a previous run's entries are adopted, and go
// only when swept; a read on another thread does not undo what the loop
// did meanwhile. Notifications between reads: kernel_notice_test.cpp.
#include "bgpd/evpn/kernel_mirror.h"

#include <gtest/gtest.h>

#include "tests/unit/evpn/kernel_mirror_fixture.h"

namespace closbgp::evpn {
namespace {

using namespace test;

TEST(KernelMirror, TheLocalSideComesOutAsChangesBetweenReads) {
  KernelMirror m;
  auto first = m.local_changes(kernel());
  ASSERT_TRUE(first.vnis);
  EXPECT_EQ(*first.vnis, (std::vector<rib::LocalVni>{{100, kVtep}}));
  EXPECT_EQ(first.macs.size(), 1u);
  EXPECT_EQ(first.neighbors.size(), 1u);
  EXPECT_TRUE(m.local_changes(kernel()).empty());  // nothing new

  fib::VxlanState later = kernel();
  later.macs.clear();                   // the host's port went down
  later.neighbors[0].mac = kRemoteMac;  // the address is elsewhere now
  auto second = m.local_changes(later);
  EXPECT_FALSE(second.vnis);
  ASSERT_EQ(second.macs.size(), 1u);
  EXPECT_EQ(second.macs[0], std::make_tuple(100u, kMac, false));
  ASSERT_EQ(second.neighbors.size(), 1u);
  EXPECT_EQ(std::get<2>(second.neighbors[0]), kRemoteMac);
  later.neighbors[0].router = true;  // its NA said it is a router
  const auto flagged = m.local_changes(later);
  ASSERT_EQ(flagged.neighbors.size(), 1u);
  EXPECT_TRUE(std::get<3>(flagged.neighbors[0]));

  later.devices[0].up = false;  // vxlan100 down: VNI 100 is gone
  auto third = m.local_changes(later);
  ASSERT_TRUE(third.vnis);
  EXPECT_TRUE(third.vnis->empty());
  EXPECT_EQ(third.neighbors.size(), 1u);  // its bridge is no VNI's any more
}

// One VLAN-aware bridge (5) for several VNIs: each VXLAN device is the
// access port of a VLAN, whose VLAN device is the VNI's SVI. A MAC is the
// VNI's of its VLAN; a VLAN without a VXLAN device is none of ours.
TEST(KernelMirror, AVlanAwareBridgesVnisAreItsVlans) {
  const wire::MacAddress kElsewhere{2, 0, 0, 0, 0, 3};
  fib::VxlanState s;
  const auto vlan_port = [&](uint32_t ifindex, uint32_t vni, uint16_t vlan, uint32_t svi) {
    s.devices.push_back({ifindex, "vxlan" + std::to_string(vni), vni, kVtep, 5, true});
    s.devices.back().vlan_aware = true;
    s.devices.back().vlan = vlan;
    s.devices.back().svi = svi;
  };
  vlan_port(7, 100, 10, 20);
  vlan_port(8, 200, 20, 0);  // no VLAN device: it only bridges
  vlan_port(9, 300, 0, 0);   // no access VLAN: no segment, no VNI
  s.macs = {{5, 6, kMac, 10}, {5, 6, kRemoteMac, 20}, {5, 6, kElsewhere, 30}};
  s.neighbors = {{20, kHost, kMac}};
  KernelMirror m;
  const auto local = m.local_changes(s);
  ASSERT_TRUE(local.vnis);
  ASSERT_EQ(local.vnis->size(), 2u);
  EXPECT_EQ(local.vnis->at(0).vni, 100u);
  EXPECT_EQ(local.vnis->at(1).vni, 200u);
  EXPECT_EQ(local.macs, (std::vector<std::tuple<uint32_t, wire::MacAddress, bool>>{
                            {100, kMac, true}, {200, kRemoteMac, true}}));
  ASSERT_EQ(local.neighbors.size(), 1u);
  EXPECT_EQ(std::get<0>(local.neighbors[0]), 100u);
  // Two VXLAN devices in one VLAN: the first is its VNI.
  vlan_port(10, 400, 10, 20);
  EXPECT_FALSE(m.local_changes(s).vnis);
}

TEST(KernelMirror, APreviousRunsEntriesAreAdoptedAndStaleOnesGoOnlyWhenSwept) {
  KernelMirror m;
  fib::VxlanState s = kernel();
  m.local_changes(s);
  s.floods.push_back({100, kOther});
  s.remote_macs.push_back({100, kRemoteMac, kOther});
  s.remote_macs.push_back({100, kMac, kOther});  // stale: nobody wants it
  EXPECT_TRUE(m.repair(s, false).empty());       // nothing wanted yet, nothing swept

  // The engine wants what the kernel has: nothing is written again.
  Update u;
  u.add_flood = {{100, kOther}};
  u.set_macs = {{100, kRemoteMac, kOther}};
  EXPECT_TRUE(m.want(u).empty());
  // Once the first tables are in, the stale entry goes.
  const Update swept = m.repair(s, true);
  EXPECT_EQ(swept.remove_macs, (std::vector<Update::Mac>{{100, kMac, {}}}));
  EXPECT_TRUE(swept.add_flood.empty() && swept.set_macs.empty());
}

TEST(KernelMirror, WhatSomeoneElseRemovesIsPutBack) {
  KernelMirror m;
  m.local_changes(kernel());
  m.repair(kernel(), true);
  Update u;
  u.add_flood = {{100, kOther}};
  u.set_neighbors = {{100, kHost, kRemoteMac}};
  EXPECT_EQ(m.want(u), u);  // new: written
  // An operator deleted the neighbour entry; the flood entry is still there.
  fib::VxlanState s = kernel();
  s.floods.push_back({100, kOther});
  const Update repaired = m.repair(s, true);
  EXPECT_EQ(repaired.set_neighbors, u.set_neighbors);
  EXPECT_TRUE(repaired.add_flood.empty());
  // The engine no longer wants the flood entry: it is removed once.
  Update gone;
  gone.remove_flood = {{100, kOther}};
  EXPECT_EQ(m.want(gone), gone);
  EXPECT_TRUE(m.want(gone).empty());
}

TEST(KernelMirror, AMacMovingToAnotherVtepIsWrittenAgain) {
  KernelMirror m;
  Update u;
  u.set_macs = {{100, kRemoteMac, kOther}};
  m.want(u);
  EXPECT_TRUE(m.want(u).empty());
  u.set_macs = {{100, kRemoteMac, kVtep}};
  EXPECT_EQ(m.want(u), u);
}

// The router flag is part of what a remote address is: a kernel entry
// without it (someone rewrote it, or a previous run's) is written again.
TEST(KernelMirror, ARemoteRoutersAddressLosingItsFlagIsWrittenAgain) {
  KernelMirror m;
  fib::VxlanState s = kernel();
  m.local_changes(s);
  const auto v6 = *wire::IpAddress::parse("2001:db8:1::1");
  Update u;
  u.set_neighbors = {{100, v6, kRemoteMac, true}};
  s.remote_neighbors = {{100, v6, kRemoteMac, true}};
  m.repair(s, false);
  EXPECT_TRUE(m.want(u).empty());  // adopted
  s.remote_neighbors[0].router = false;
  EXPECT_EQ(m.repair(s, false).set_neighbors, u.set_neighbors);
}

TEST(KernelMirror, TenantRoutesAreAdoptedPutBackAndSwept) {
  KernelMirror m;
  fib::VxlanState s = kernel();
  s.devices[0].bridge_mac = kMac;
  s.devices[0].subnets = {*wire::Prefix::parse("10.1.1.0/24")};
  s.devices[0].addresses = {wire::IpAddress::v4(0x0a010101)};
  const auto local = m.local_changes(s);
  ASSERT_TRUE(local.vnis);  // the bridge's MAC, addresses and subnets go with the VNI
  EXPECT_EQ(*local.vnis, (std::vector<rib::LocalVni>{{100,
                                                      kVtep,
                                                      kMac,
                                                      {*wire::Prefix::parse("10.1.1.0/24")},
                                                      "",
                                                      {wire::IpAddress::v4(0x0a010101)}}}));
  const Update::Route route{100, *wire::Prefix::parse("10.2.2.0/24"), {kOther}};
  const Update::Route stale{100, *wire::Prefix::parse("10.3.3.0/24"), {kOther}};
  s.routes = {route, stale};  // a previous run's
  m.repair(s, false);
  Update u;
  u.set_routes = {route};
  EXPECT_TRUE(m.want(u).empty());  // adopted
  EXPECT_EQ(m.repair(s, true).remove_routes,
            (std::vector<Update::Route>{{stale.l3vni, stale.prefix, {}}}));
  s.routes.clear();  // someone deleted ours
  EXPECT_EQ(m.repair(s, true).set_routes, u.set_routes);
  // ECMP changes are written again.
  u.set_routes[0].vteps = {kVtep, kOther};
  EXPECT_EQ(m.want(u), u);

  // The bridge enslaved to VRF blue (table 1001): the VNI is blue's now.
  s.devices[0].vrf = "blue";
  s.devices[0].table = 1001;
  const auto moved = m.local_changes(s);
  ASSERT_TRUE(moved.vnis);
  EXPECT_EQ(moved.vnis->at(0).vrf, "blue");
  EXPECT_EQ(m.devices().at(100).table, 1001u);  // where VxlanPort writes its tenant's routes
}

// A read on another thread may predate what the loop did meanwhile: the
// local changes notifications told and the entries we wrote or removed
// since it began are kept over it; the rest is taken from it as always.
TEST(KernelMirror, WhatChangedDuringAReadIsKeptOverIt) {
  KernelMirror m;
  m.local_changes(kernel());  // kMac learned, kHost resolved
  Update before;
  before.set_macs = {{100, kMac, kOther}};
  before.set_neighbors = {{100, kHost, kRemoteMac}};
  m.repair(kernel(), true);
  m.want(before);

  const fib::VxlanState read = [] {  // as the kernel was when the read began
    fib::VxlanState s = kernel();
    s.remote_macs = {{100, kMac, kOther}};  // the neighbour entry: someone removed it
    return s;
  }();
  m.read_begins();
  const auto other_host = wire::IpAddress::v4(0x0a01010b);
  fib::FdbNotice learned{6, true, kRemoteMac, std::nullopt, false};
  learned.learned = true;
  learned.bridge = 5;
  ASSERT_EQ(m.local_notice(learned)->macs.size(), 1u);  // learned while reading
  ASSERT_EQ(m.local_notice(
                 fib::NeighborNotice{5, other_host, fib::BridgeNeighbor{5, other_host, kRemoteMac}})
                ->neighbors.size(),
            1u);
  Update during;
  during.remove_macs = {{100, kMac, kOther}};
  during.add_flood = {{100, kOther}};
  during.set_macs = {{100, kRemoteMac, kOther}};
  EXPECT_EQ(m.want(during), during);

  // The local side: what the notifications told stands; kMac, kHost as read.
  const auto local = m.local_changes(read);
  EXPECT_TRUE(local.macs.empty());
  EXPECT_TRUE(local.neighbors.empty());
  EXPECT_TRUE(m.local_mac(100, kRemoteMac));
  // Ours: only the neighbour entry someone removed is written again; the
  // MAC removed and the entries written since are not touched.
  Update put_back;
  put_back.set_neighbors = before.set_neighbors;
  EXPECT_EQ(m.repair(read, true), put_back);

  // The read after it is compared in full again: the new MAC is missing.
  EXPECT_EQ(m.repair(read, true).set_macs, during.set_macs);
}

// A read that failed keeps nothing over the next: that one is compared in
// full (our entry it lacks is written again).
TEST(KernelMirror, AFailedReadKeepsNothingOverTheNext) {
  KernelMirror m;
  m.local_changes(kernel());
  m.repair(kernel(), true);
  m.read_begins();
  Update u;
  u.set_macs = {{100, kRemoteMac, kOther}};
  EXPECT_EQ(m.want(u), u);
  m.read_failed();
  EXPECT_EQ(m.repair(kernel(), true).set_macs, u.set_macs);
}

}  // namespace
}  // namespace closbgp::evpn
