// The VRF-device side of routed tenants in netlink messages, without a
// kernel (this project's kernels have no VRF devices: docs/evpn.md): a VRF
// device and its table read from a link message as the kernel sends it
// (`ip link add blue type vrf table 1001`), and a tenant's route written
// into the table of its L3 VNI's bridge.
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "fib/vxlan_state.h"

namespace closbgp::fib {
namespace {

// RTM_NEWLINK for a device `name` of kind `kind`; a VRF's table with `table`.
nl_msg* link_message(uint32_t ifindex, const char* name, const char* kind, uint32_t table) {
  nl_msg* m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_index = int(ifindex);
  nlmsg_append(m, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  nla_put_string(m, IFLA_IFNAME, name);
  nlattr* info = nla_nest_start(m, IFLA_LINKINFO);
  nla_put_string(m, IFLA_INFO_KIND, kind);
  nlattr* data = nla_nest_start(m, IFLA_INFO_DATA);
  if (table) nla_put_u32(m, IFLA_VRF_TABLE, table);
  nla_nest_end(m, data);
  nla_nest_end(m, info);
  return m;
}

TEST(VxlanNetlink, AVrfDeviceAndItsTable) {
  nl_msg* vrf = link_message(12, "blue", "vrf", 1001);
  EXPECT_EQ(vrf_device(nlmsg_hdr(vrf)), (VrfDevice{12, "blue", 1001}));
  nl_msg* bridge = link_message(13, "br100", "bridge", 0);
  EXPECT_FALSE(vrf_device(nlmsg_hdr(bridge)));
  nlmsg_free(vrf);
  nlmsg_free(bridge);
}

TEST(VxlanNetlink, ATenantRouteGoesIntoItsBridgesTableAndIsRecognisedThere) {
  VxlanDevice l3vni{20, "vxlan4002", 4002, wire::IpAddress::v4(0x0a000001), 21, true};
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
  EXPECT_EQ(hop->rtnh_ifindex, 21);  // through the L3 VNI's bridge
  EXPECT_EQ(hop->rtnh_flags, RTNH_F_ONLINK);
  // Its notification is ours whatever the table; another metric's is not.
  h->nlmsg_type = RTM_NEWROUTE;
  EXPECT_TRUE(tenant_route_message(h, marks));
  EXPECT_FALSE(tenant_route_message(h, RouteMarks{1001, 186, 20}));
  nlmsg_free(m);
}

}  // namespace
}  // namespace closbgp::fib
