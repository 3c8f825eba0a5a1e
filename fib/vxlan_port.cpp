#include "fib/vxlan_port.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <type_traits>

#include "fib/netlink_socket.h"

namespace closbgp::fib {
namespace {

constexpr size_t kMessageSize = 128;

nl_msg* neigh_message(int type, int flags, uint8_t family, uint32_t ifindex, uint16_t state,
                      uint8_t ntf) {
  nl_msg* m = nlmsg_alloc_size(kMessageSize);
  nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags);
  ndmsg nd{};
  nd.ndm_family = family;
  nd.ndm_ifindex = int(ifindex);
  nd.ndm_state = state;
  nd.ndm_flags = ntf;
  nlmsg_append(m, &nd, sizeof nd, NLMSG_ALIGNTO);
  return m;
}

void put_address(nl_msg* m, int type, const wire::IpAddress& a) {
  nla_put(m, type, int(a.size()), a.bytes().data());
}

}  // namespace

VxlanPort::~VxlanPort() {
  batch_.reset();
  if (sock_) nl_socket_free(sock_);
}

std::expected<void, std::string> VxlanPort::open() {
  sock_ = connected_socket();
  if (!sock_) return std::unexpected("cannot open a netlink socket for VXLAN forwarding entries");
  nl_socket_set_buffer_size(sock_, 1 << 20, 1 << 20);
  batch_ = std::make_unique<NetlinkBatch>(sock_);
  return {};
}

uint32_t VxlanPort::port_id() const {
  return nl_socket_get_local_port(sock_);
}

std::expected<VxlanState, std::string> VxlanPort::read() const {
  nl_sock* s = connected_socket();
  if (!s) return std::unexpected("cannot open a netlink socket to read VXLAN state");
  nl_socket_set_buffer_size(s, 4 << 20, 4 << 20);
  auto state = read_vxlan_state(s, tenant_);
  nl_socket_free(s);
  return state;
}

std::vector<std::string> VxlanPort::write(const rib::EvpnKernelUpdate& u,
                                          const std::map<uint32_t, VxlanDevice>& devices) {
  std::vector<std::string> failed;
  std::vector<Request> sent;  // by tag
  batch_->begin([&](size_t tag, int error, std::string_view why) {
    if (error == -ENOENT) return;  // a delete of something already gone
    failed.push_back(describe(sent[tag]) + ": " + std::strerror(-error) +
                     (why.empty() ? "" : " (" + std::string(why) + ")"));
  });
  const auto send = [&](nl_msg* m, Request r) {
    sent.push_back(r);
    batch_->add(m, sent.size() - 1);
    nlmsg_free(m);
  };
  const auto device = [&](uint32_t vni) -> const VxlanDevice* {
    auto it = devices.find(vni);
    return it == devices.end() ? nullptr : &it->second;
  };
  const wire::MacAddress zero{};
  const auto flood = [&](const rib::EvpnKernelUpdate::Flood& f, bool add) {
    const VxlanDevice* d = device(f.vni);
    if (!d) return;
    nl_msg* m =
        neigh_message(add ? RTM_NEWNEIGH : RTM_DELNEIGH, add ? NLM_F_CREATE | NLM_F_APPEND : 0,
                      AF_BRIDGE, d->ifindex, NUD_PERMANENT, NTF_SELF);
    nla_put(m, NDA_LLADDR, 6, zero.data());
    put_address(m, NDA_DST, f.vtep);
    send(m, {&f, add, d});
  };
  for (const auto& f : u.remove_flood) flood(f, false);
  for (const auto& f : u.add_flood) flood(f, true);
  // One request writes both entries. A removal takes two: the kernel stops
  // at the bridge's part when the bridge has learned the MAC on a port of
  // its own since (the host came back), and the device's entry would stay.
  const auto mac = [&](const rib::EvpnKernelUpdate::Mac& e, bool set) {
    const VxlanDevice* d = device(e.vni);
    if (!d) return;
    const auto request = [&](uint8_t which) {
      nl_msg* m =
          neigh_message(set ? RTM_NEWNEIGH : RTM_DELNEIGH, set ? NLM_F_CREATE | NLM_F_REPLACE : 0,
                        AF_BRIDGE, d->ifindex, NUD_REACHABLE, which | NTF_EXT_LEARNED);
      nla_put(m, NDA_LLADDR, 6, e.mac.data());
      if (d->vlan) nla_put_u16(m, NDA_VLAN, d->vlan);  // the bridge's part is per VLAN
      if (set) put_address(m, NDA_DST, e.vtep);
      send(m, {&e, set, d});
    };
    if (set) {
      request(NTF_SELF | NTF_MASTER);
    } else {
      request(NTF_MASTER);
      request(NTF_SELF);
    }
  };
  for (const auto& e : u.remove_macs) mac(e, false);
  for (const auto& e : u.set_macs) mac(e, true);
  const auto neighbor = [&](const rib::EvpnKernelUpdate::Neighbor& n, bool set) {
    const VxlanDevice* d = device(n.vni);
    if (!d || !d->svi) return;
    nl_msg* m =
        neigh_message(set ? RTM_NEWNEIGH : RTM_DELNEIGH, set ? NLM_F_CREATE | NLM_F_REPLACE : 0,
                      uint8_t(n.ip.is_v4() ? AF_INET : AF_INET6), d->svi, set ? NUD_NOARP : 0,
                      NTF_EXT_LEARNED | (n.router ? NTF_ROUTER : 0));
    put_address(m, NDA_DST, n.ip);
    if (set) nla_put(m, NDA_LLADDR, 6, n.mac.data());
    send(m, {&n, set, d});
  };
  for (const auto& n : u.remove_neighbors) neighbor(n, false);
  for (const auto& n : u.set_neighbors) neighbor(n, true);
  // After the router MACs: a route's VTEP is resolved once it is in.
  const auto route = [&](const rib::EvpnKernelUpdate::Route& r, bool set) {
    const VxlanDevice* d = device(r.l3vni);
    if (!d || !d->svi || !tenant_) return;
    send(tenant_route_request(r, *d, *tenant_, set), {&r, set, d});
  };
  for (const auto& r : u.remove_routes) route(r, false);
  for (const auto& r : u.set_routes) route(r, true);
  if (!batch_->flush()) failed.push_back("replies lost: the kernel is compared again");
  return failed;
}

std::string VxlanPort::describe(const Request& r) {
  const auto doing = [&](const char* adding) { return std::string(r.set ? adding : "removing "); };
  const auto text = [&](const auto* e) -> std::string {
    using Entry = std::remove_cvref_t<decltype(*e)>;
    if constexpr (std::is_same_v<Entry, rib::EvpnKernelUpdate::Flood>)
      return doing("adding ") + "flood entry " + e->vtep.to_string() + " on " + r.device->name;
    else if constexpr (std::is_same_v<Entry, rib::EvpnKernelUpdate::Mac>)
      return doing("installing ") + "remote MAC " + wire::mac_text(e->mac) + " on " +
             r.device->name;
    else if constexpr (std::is_same_v<Entry, rib::EvpnKernelUpdate::Neighbor>)
      return doing("installing ") + "remote neighbour " + e->ip.to_string() +
             (e->router ? " (a router)" : "") + " of VNI " + std::to_string(e->vni);
    else
      return doing("installing ") + "tenant route " + e->prefix.to_string() + " of L3 VNI " +
             std::to_string(e->l3vni);
  };
  return std::visit(text, r.entry);
}

}  // namespace closbgp::fib
