// The VRF-device side of routed tenants in netlink messages, without a
// kernel (this project's kernels have no VRF devices: docs/evpn.md): a VRF
// device and its table read from a link message as the kernel sends it
// (`ip link add blue type vrf table 1001`), and a tenant's route written
// into the table of its L3 VNI's SVI; a VLAN-aware bridge's VNIs as its
// VLANs (nor has it VLAN filtering).
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "fib/vxlan_state.h"
#include "fib/vxlan_state_reader.h"

namespace closbgp::fib {
namespace {

// RTM_NEWLINK of a device `name` of kind `kind` whose IFLA_INFO_DATA `fill`
// writes; `link`: its IFLA_LINK.
template <class Fill>
nl_msg* link_message(uint32_t ifindex, const char* name, const char* kind, uint32_t link,
                     Fill fill) {
  nl_msg* m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_index = int(ifindex);
  nlmsg_append(m, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  nla_put_string(m, IFLA_IFNAME, name);
  if (link) nla_put_u32(m, IFLA_LINK, link);
  nlattr* info = nla_nest_start(m, IFLA_LINKINFO);
  nla_put_string(m, IFLA_INFO_KIND, kind);
  nlattr* data = nla_nest_start(m, IFLA_INFO_DATA);
  fill(m);
  nla_nest_end(m, data);
  nla_nest_end(m, info);
  return m;
}

TEST(VxlanNetlink, AVrfDeviceAndItsTable) {
  nl_msg* vrf =
      link_message(12, "blue", "vrf", 0, [](nl_msg* m) { nla_put_u32(m, IFLA_VRF_TABLE, 1001); });
  EXPECT_EQ(vrf_device(nlmsg_hdr(vrf)), (VrfDevice{12, "blue", 1001}));
  nl_msg* bridge = link_message(13, "br100", "bridge", 0, [](nl_msg*) {});
  EXPECT_FALSE(vrf_device(nlmsg_hdr(bridge)));
  nlmsg_free(vrf);
  nlmsg_free(bridge);
}

// A link or address notification names its interface and a link its
// kind, if it has one; any other message is neither.
TEST(VxlanNetlink, ALinkOrAddressNotificationItsInterfaceAndKind) {
  nl_msg* vrf =
      link_message(12, "blue", "vrf", 0, [](nl_msg* m) { nla_put_u32(m, IFLA_VRF_TABLE, 1001); });
  const auto link = link_notice(nlmsg_hdr(vrf));
  ASSERT_TRUE(link);
  EXPECT_EQ(link->ifindex, 12u);
  EXPECT_FALSE(link->address);
  EXPECT_EQ(link->kind, "vrf");
  nl_msg* port = nlmsg_alloc_simple(RTM_DELLINK, 0);  // a physical port's: no kind
  ifinfomsg ifi{};
  ifi.ifi_index = 3;
  nlmsg_append(port, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  EXPECT_EQ(link_notice(nlmsg_hdr(port))->kind, "");
  nl_msg* address = nlmsg_alloc_simple(RTM_DELADDR, 0);
  ifaddrmsg ifa{};
  ifa.ifa_index = 20;
  nlmsg_append(address, &ifa, sizeof ifa, NLMSG_ALIGNTO);
  const auto ip = wire::IpAddress::v4(0x0a0101fb);
  nla_put(address, IFA_LOCAL, 4, ip.bytes().data());
  const auto gone = link_notice(nlmsg_hdr(address));
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->address);
  EXPECT_EQ(gone->ifindex, 20u);
  EXPECT_EQ(gone->ip, ip);
  nl_msg* neigh = nlmsg_alloc_simple(RTM_NEWNEIGH, 0);
  EXPECT_FALSE(link_notice(nlmsg_hdr(neigh)));
  for (nl_msg* m : {vrf, port, address, neigh}) nlmsg_free(m);
}

// An AF_BRIDGE link message of port `ifindex` with `vlans` (flags, VID).
nl_msg* port_message(uint32_t ifindex, std::initializer_list<bridge_vlan_info> vlans) {
  nl_msg* m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_BRIDGE;
  ifi.ifi_index = int(ifindex);
  nlmsg_append(m, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  nlattr* spec = nla_nest_start(m, IFLA_AF_SPEC);
  for (const auto& v : vlans) nla_put(m, IFLA_BRIDGE_VLAN_INFO, sizeof v, &v);
  nla_nest_end(m, spec);
  return m;
}

// A neighbour message (`family` AF_BRIDGE: a forwarding entry) on `ifindex`.
nl_msg* neigh_message(uint8_t family, uint32_t ifindex, const wire::MacAddress& mac,
                      std::optional<wire::IpAddress> ip, uint32_t master, uint16_t vlan) {
  nl_msg* m = nlmsg_alloc_simple(RTM_NEWNEIGH, 0);
  ndmsg nd{};
  nd.ndm_family = family;
  nd.ndm_ifindex = int(ifindex);
  nd.ndm_state = NUD_REACHABLE;
  nd.ndm_flags = master ? NTF_MASTER : 0;
  nlmsg_append(m, &nd, sizeof nd, NLMSG_ALIGNTO);
  nla_put(m, NDA_LLADDR, 6, mac.data());
  if (ip) nla_put(m, NDA_DST, int(ip->size()), ip->bytes().data());
  if (master) nla_put_u32(m, NDA_MASTER, master);
  if (vlan) nla_put_u16(m, NDA_VLAN, vlan);
  return m;
}

// What the kernel would answer for a leaf whose VNIs are VLANs of one
// VLAN-aware bridge (this project's kernels have neither VLAN filtering
// nor VLAN devices: docs/evpn.md), beside a VLAN-unaware bridge: each VXLAN
// device's segment is its access VLAN (untagged PVID), its SVI the VLAN
// device for it on the bridge; a learned MAC keeps its VLAN, a neighbour
// its SVI.
TEST(VxlanNetlink, AVlanAwareBridgesVxlanDevicesTheirVlansAndSvis) {
  const wire::MacAddress kBridgeMac{2, 0, 0, 0, 0, 5}, kSviMac{2, 0, 0, 0, 0, 20},
      kHost{2, 0, 0, 0, 0, 1};
  const auto vtep = wire::IpAddress::v4(0x0a000001);
  std::vector<nl_msg*> links;
  const auto with_address = [](nl_msg* m, const wire::MacAddress& mac) {
    nla_put(m, IFLA_ADDRESS, 6, mac.data());
    return m;
  };
  links.push_back(
      with_address(link_message(5, "br0", "bridge", 0,
                                [](nl_msg* m) { nla_put_u8(m, IFLA_BR_VLAN_FILTERING, 1); }),
                   kBridgeMac));
  links.push_back(link_message(6, "br1", "bridge", 0,
                               [](nl_msg* m) { nla_put_u8(m, IFLA_BR_VLAN_FILTERING, 0); }));
  const auto vxlan = [&](uint32_t ifindex, uint32_t vni, uint32_t master) {
    const std::string name = "vxlan" + std::to_string(vni);
    nl_msg* m = link_message(ifindex, name.c_str(), "vxlan", 0, [&](nl_msg* d) {
      nla_put_u32(d, IFLA_VXLAN_ID, vni);
      nla_put(d, IFLA_VXLAN_LOCAL, 4, vtep.bytes().data());
    });
    nla_put_u32(m, IFLA_MASTER, master);
    static_cast<ifinfomsg*>(nlmsg_data(nlmsg_hdr(m)))->ifi_flags = IFF_UP;
    links.push_back(m);
  };
  vxlan(7, 100, 5);   // VLAN 10, SVI vlan10
  vxlan(8, 200, 5);   // a tagged PVID: no access VLAN
  vxlan(9, 300, 6);   // the VLAN-unaware bridge: its SVI is the bridge
  vxlan(11, 400, 5);  // VLAN 40, no VLAN device: no SVI
  links.push_back(with_address(
      link_message(20, "vlan10", "vlan", 5, [](nl_msg* m) { nla_put_u16(m, IFLA_VLAN_ID, 10); }),
      kSviMac));

  VxlanStateReader reader;
  for (nl_msg* m : links) reader.link(nlmsg_hdr(m));
  ASSERT_TRUE(reader.vlan_aware_bridges());
  constexpr uint16_t kAccess = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
  std::vector<nl_msg*> ports{port_message(7, {{0, 5}, {kAccess, 10}}),
                             port_message(8, {{BRIDGE_VLAN_INFO_PVID, 20}}),
                             port_message(11, {{kAccess, 40}}), port_message(12, {{kAccess, 10}})};
  for (nl_msg* m : ports) reader.port_vlans(nlmsg_hdr(m));
  reader.index();
  nl_msg* address = nlmsg_alloc_simple(RTM_NEWADDR, 0);
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = 24;
  ifa.ifa_index = 20;
  nlmsg_append(address, &ifa, sizeof ifa, NLMSG_ALIGNTO);
  const auto svi_ip = wire::IpAddress::v4(0x0a0101fb);  // 10.1.1.251
  nla_put(address, IFA_LOCAL, 4, svi_ip.bytes().data());
  reader.address(nlmsg_hdr(address));
  const auto host_ip = wire::IpAddress::v4(0x0a010101);
  nl_msg* learned = neigh_message(AF_BRIDGE, 12, kHost, std::nullopt, 5, 10);
  nl_msg* resolved = neigh_message(AF_INET, 20, kHost, host_ip, 0, 0);
  reader.fdb_entry(nlmsg_hdr(learned));
  reader.neighbor(nlmsg_hdr(resolved));
  const VxlanState state = reader.take();

  ASSERT_EQ(state.devices.size(), 4u);
  const auto& [vni100, vni200, vni300, vni400] =
      std::tie(state.devices[0], state.devices[1], state.devices[2], state.devices[3]);
  EXPECT_TRUE(vni100.vlan_aware && vni100.usable());
  EXPECT_EQ(vni100.vlan, 10);
  EXPECT_EQ(vni100.svi, 20u);
  EXPECT_EQ(vni100.bridge_mac, kSviMac);  // the SVI's MAC, not the bridge's
  EXPECT_EQ(vni100.addresses, std::vector{svi_ip});
  EXPECT_EQ(vni200.vlan, 0);
  EXPECT_FALSE(vni200.usable());  // no segment
  EXPECT_FALSE(vni300.vlan_aware);
  EXPECT_EQ(vni300.svi, 6u);
  EXPECT_EQ(vni400.vlan, 40);
  EXPECT_EQ(vni400.svi, 0u);
  EXPECT_TRUE(vni400.usable());  // it bridges
  EXPECT_EQ(state.macs, (std::vector<BridgeMac>{{5, 12, kHost, 10}}));
  EXPECT_EQ(state.neighbors, (std::vector<BridgeNeighbor>{{20, host_ip, kHost}}));
  for (nl_msg* m : links) nlmsg_free(m);
  for (nl_msg* m : ports) nlmsg_free(m);
  for (nl_msg* m : {address, learned, resolved}) nlmsg_free(m);
}

TEST(VxlanNetlink, ATenantRouteGoesIntoItsSvisTableAndIsRecognisedThere) {
  VxlanDevice l3vni{20, "vxlan4002", 4002, wire::IpAddress::v4(0x0a000001), 21, true};
  l3vni.svi = 21;  // the bridge; a VLAN device on a VLAN-aware one alike
  l3vni.vrf = "blue";
  l3vni.table = 1001;
  const RouteMarks marks{254, 186, 21};  // the main table's, but for the bridge's table
  const rib::EvpnKernelUpdate::Route route{
      4002, *wire::Prefix::parse("10.2.2.0/24"), {wire::IpAddress::v4(0x0a000002)}};
  nl_msg* m = tenant_route_request(route, l3vni, marks, true);
  nlmsghdr* h = nlmsg_hdr(m);
  const auto* rt = static_cast<const rtmsg*>(nlmsg_data(h));
  EXPECT_EQ(rt->rtm_protocol, 186);
  nlattr* tb[RTA_MAX + 1];
  ASSERT_EQ(nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr), 0);
  ASSERT_TRUE(tb[RTA_TABLE]);
  EXPECT_EQ(nla_get_u32(tb[RTA_TABLE]), 1001u);
  EXPECT_EQ(nla_get_u32(tb[RTA_PRIORITY]), 21u);
  ASSERT_TRUE(tb[RTA_MULTIPATH]);
  const auto* hop = static_cast<const rtnexthop*>(nla_data(tb[RTA_MULTIPATH]));
  EXPECT_EQ(hop->rtnh_ifindex, 21);  // through the L3 VNI's SVI
  EXPECT_EQ(hop->rtnh_flags, RTNH_F_ONLINK);
  // Its notification is ours whatever the table; another metric's is not.
  h->nlmsg_type = RTM_NEWROUTE;
  EXPECT_TRUE(tenant_route_message(h, marks));
  EXPECT_FALSE(tenant_route_message(h, RouteMarks{1001, 186, 20}));
  nlmsg_free(m);
}

// A neighbour notification as a read would take the entry: a host's
// resolved entry on its SVI is a binding (with the IPv6 router flag);
// being resolved again, failed or deleted it is none; extern_learn is said.
TEST(VxlanNetlink, ANeighbourNotificationAsAReadWouldTakeIt) {
  const wire::MacAddress host{2, 0, 0, 0, 0, 9};
  const auto ip = wire::IpAddress::v4(0x0a01010a);
  const auto notice = [&](uint16_t type, uint16_t state, uint8_t flags) {
    nl_msg* m = neigh_message(AF_INET, 6, host, ip, 0, 0);
    nlmsghdr* h = nlmsg_hdr(m);
    h->nlmsg_type = type;
    auto* nd = static_cast<ndmsg*>(nlmsg_data(h));
    nd->ndm_state = state;
    nd->ndm_flags = flags;
    auto n = neighbor_notice(h);
    nlmsg_free(m);
    return n;
  };
  const auto stale = notice(RTM_NEWNEIGH, NUD_STALE, NTF_ROUTER);
  ASSERT_TRUE(stale && stale->binding);
  EXPECT_EQ(*stale->binding, (BridgeNeighbor{6, ip, host, true}));
  EXPECT_FALSE(stale->extern_learned);
  for (const auto& none :
       {notice(RTM_NEWNEIGH, NUD_FAILED, 0), notice(RTM_NEWNEIGH, NUD_INCOMPLETE, 0),
        notice(RTM_DELNEIGH, NUD_REACHABLE, 0)}) {
    ASSERT_TRUE(none);
    EXPECT_EQ(none->ip, ip);
    EXPECT_FALSE(none->binding);
  }
  const auto remote = notice(RTM_NEWNEIGH, NUD_NOARP, NTF_EXT_LEARNED);
  ASSERT_TRUE(remote);
  EXPECT_TRUE(remote->extern_learned);
  EXPECT_FALSE(remote->binding);
  // A forwarding entry is no neighbour notice.
  nl_msg* fdb = neigh_message(AF_BRIDGE, 6, host, std::nullopt, 5, 0);
  EXPECT_FALSE(neighbor_notice(nlmsg_hdr(fdb)));
  nlmsg_free(fdb);
}

}  // namespace
}  // namespace closbgp::fib
