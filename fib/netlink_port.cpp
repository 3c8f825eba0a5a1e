#include "fib/netlink_port.h"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>

#include "fib/netlink_socket.h"
#include "fib/route_message.h"

namespace closbgp::fib {
namespace {

// Buckets of a resilient group: enough that flows spread evenly over up to
// 64 next hops, few enough to rewrite quickly.
constexpr uint16_t kResilientBuckets = 128;

int family_of(const wire::IpAddress& a) {
  return a.is_v4() ? AF_INET : AF_INET6;
}

// libnl's default message is a zeroed page: for a million routes, 4 GB of
// memset. Ours need a few dozen octets (a group of 64 members, 600); a
// route's are fib/route_message.h's.
constexpr size_t kMessageSize = 1024;
nl_msg* new_message(int type, int flags, size_t size) {
  nl_msg* m = nlmsg_alloc_size(size);
  nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags);
  return m;
}

}  // namespace

NetlinkPort::~NetlinkPort() {
  batch_.reset();
  if (sock_) nl_socket_free(sock_);
}

std::expected<void, std::string> NetlinkPort::open() {
  sock_ = connected_socket();
  if (!sock_) return std::unexpected("cannot open a netlink socket to the kernel's routing table");
  nl_socket_set_buffer_size(sock_, 4 << 20, 4 << 20);
  batch_ = std::make_unique<NetlinkBatch>(sock_);
  return {};
}

std::expected<void, std::string> NetlinkPort::probe_nexthop_objects() const {
  return fib::probe_nexthop_objects(sock_);
}

OwnedRange NetlinkPort::owned() const {
  return {attributes_.table, attributes_.protocol, kFirstObjectId, kLastObjectId, mode_,
          attributes_.metric};
}

uint32_t NetlinkPort::port_id() const {
  return nl_socket_get_local_port(sock_);
}

std::expected<Installed, std::string> NetlinkPort::read() const {
  nl_sock* s = connected_socket();
  if (!s) return std::unexpected("cannot open a netlink socket to read the kernel's routes");
  auto installed = read_installed(s, owned());
  nl_socket_free(s);
  return installed;
}

KernelPort::Written NetlinkPort::write(const std::vector<Op>& ops) {
  Written out;
  if (ops.empty()) return out;
  const uint64_t sends_before = batch_->sends();
  batch_->begin([&](size_t i, int error, std::string_view why) {
    // On link down the kernel deletes that link's nexthops, and the routes
    // and group members using them, itself: a delete that finds nothing is done.
    const Op& o = ops[i];
    const bool deleting = std::holds_alternative<op::DelRoute>(o) ||
                          std::holds_alternative<op::DelGroup>(o) ||
                          std::holds_alternative<op::DelNexthop>(o);
    if (deleting && (error == -ENOENT || error == -ESRCH)) return;
    out.failed.emplace_back(
        i, std::strerror(-error) + (why.empty() ? "" : " (" + std::string(why) + ")"));
  });
  for (size_t i = 0; i < ops.size(); ++i) {
    nl_msg* m = message_for(ops[i]);
    batch_->add(m, i);
    nlmsg_free(m);
  }
  out.complete = batch_->flush();
  out.sends = batch_->sends() - sends_before;
  return out;
}

nl_msg* NetlinkPort::message_for(const Op& o) const {
  nl_msg* m = nullptr;
  auto nexthop_header = [&](int type, int flags, uint8_t family) {
    m = new_message(type, flags, kMessageSize);
    nhmsg nh{};
    nh.nh_family = family;
    // The kernel wants the rest of the header zero in a delete.
    if (type == RTM_NEWNEXTHOP) nh.nh_protocol = attributes_.protocol;
    nlmsg_append(m, &nh, sizeof nh, NLMSG_ALIGNTO);
  };
  auto route_header = [&](int type, int flags, const wire::Prefix& p, size_t hops = 0,
                          uint8_t route_type = RTN_UNICAST) {
    m = route_message(type, flags, p, {attributes_.table, attributes_.protocol, attributes_.metric},
                      hops, route_type);
  };
  constexpr int kCreate = NLM_F_CREATE | NLM_F_REPLACE;
  if (auto* a = std::get_if<op::AddNexthop>(&o)) {
    const auto& gw = a->nexthop.gateway;
    nexthop_header(RTM_NEWNEXTHOP, kCreate, uint8_t(family_of(gw)));
    nla_put_u32(m, NHA_ID, a->id);
    if (a->nexthop.is_discard()) {
      nla_put_flag(m, NHA_BLACKHOLE);
    } else {
      nla_put_u32(m, NHA_OIF, a->nexthop.ifindex);
      nla_put(m, NHA_GATEWAY, int(gw.size()), gw.bytes().data());
    }
  } else if (auto* g = std::get_if<op::AddGroup>(&o)) {
    nexthop_header(RTM_NEWNEXTHOP, kCreate, AF_UNSPEC);
    nla_put_u32(m, NHA_ID, g->id);
    std::vector<nexthop_grp> members(g->members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      members[i].id = g->members[i].id;
      members[i].weight = uint8_t(g->members[i].weight - 1);  // the kernel's weight is 1 + this
    }
    nla_put(m, NHA_GROUP, int(members.size() * sizeof(nexthop_grp)), members.data());
    if (attributes_.resilient) {
      nla_put_u16(m, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
      nlattr* res = nla_nest_start(m, NHA_RES_GROUP);
      nla_put_u16(m, NHA_RES_GROUP_BUCKETS, kResilientBuckets);
      nla_nest_end(m, res);
    }
  } else if (auto* r = std::get_if<op::SetRoute>(&o)) {
    route_header(RTM_NEWROUTE, kCreate, r->prefix);
    nla_put_u32(m, RTA_NH_ID, r->group);
  } else if (auto* v = std::get_if<op::SetRouteVia>(&o)) {
    if (rib::is_discard(v->nexthops)) {
      route_header(RTM_NEWROUTE, kCreate, v->prefix, 0, RTN_BLACKHOLE);
      return m;
    }
    route_header(RTM_NEWROUTE, kCreate, v->prefix, v->nexthops.size());
    put_multipath(m, v->prefix, v->nexthops, 0);
  } else if (auto* d = std::get_if<op::DelRoute>(&o)) {
    route_header(RTM_DELROUTE, 0, d->prefix);
  } else {
    const uint32_t id = std::holds_alternative<op::DelGroup>(o) ? std::get<op::DelGroup>(o).id
                                                                : std::get<op::DelNexthop>(o).id;
    nexthop_header(RTM_DELNEXTHOP, 0, AF_UNSPEC);
    nla_put_u32(m, NHA_ID, id);
  }
  return m;
}

}  // namespace closbgp::fib
