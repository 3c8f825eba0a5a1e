#include "fib/kernel_watch.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

namespace closbgp::fib {
namespace {

constexpr int kReceiveBuffer = 8 << 20;
constexpr int kPollMs = 200;  // how soon the thread sees stopping_

template <class T>
T read_at(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The attribute `type` of a message whose attributes start at `attrs`.
std::optional<uint32_t> u32_attr(const uint8_t* msg, size_t len, size_t attrs, uint16_t type) {
  while (attrs + sizeof(rtattr) <= len) {
    const auto a = read_at<rtattr>(msg + attrs);
    if (a.rta_len < sizeof a || attrs + a.rta_len > len) return std::nullopt;
    if (a.rta_type == type && a.rta_len >= sizeof a + 4)
      return read_at<uint32_t>(msg + attrs + sizeof a);
    attrs += RTA_ALIGN(a.rta_len);
  }
  return std::nullopt;
}

bool link_or_address(uint16_t type) {
  return type == RTM_NEWLINK || type == RTM_DELLINK || type == RTM_NEWADDR || type == RTM_DELADDR;
}

// Drops, in the kernel, the notifications of our own writes (the sender's
// port id is ours): a million routes written must not wake this thread a
// million times.
bool drop_own_notifications(int fd, uint32_t own_port) {
  auto op = [](int code, uint32_t k, uint8_t jump_true = 0, uint8_t jump_false = 0) {
    return sock_filter{uint16_t(code), jump_true, jump_false, k};
  };
  sock_filter code[] = {
      op(BPF_LD | BPF_W | BPF_ABS, offsetof(nlmsghdr, nlmsg_pid)),  // loaded in network order
      op(BPF_JMP | BPF_JEQ | BPF_K, htonl(own_port), 1, 0),
      op(BPF_RET | BPF_K, 0xffffffff),  // keep
      op(BPF_RET | BPF_K, 0),           // drop
  };
  const sock_fprog prog{uint16_t(sizeof code / sizeof code[0]), code};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

}  // namespace

KernelWatch::KernelWatch(OwnedRange ours, uint32_t own_port, OnChange on_change)
    : ours_(ours), own_port_(own_port), on_change_(std::move(on_change)) {}

KernelWatch::~KernelWatch() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

std::expected<void, std::string> KernelWatch::start() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) return std::unexpected(std::string("netlink socket: ") + std::strerror(errno));
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
  if (!drop_own_notifications(fd_, own_port_))
    return std::unexpected(std::string("netlink filter: ") + std::strerror(errno));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    return std::unexpected(std::string("netlink bind: ") + std::strerror(errno));
  for (int group : {RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP, RTNLGRP_LINK,
                    RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR})
    if (setsockopt(fd_, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0)
      return std::unexpected(std::string("netlink group ") + std::to_string(group) + ": " +
                             std::strerror(errno));
  thread_ = std::thread([this] { run(); });
  return {};
}

void KernelWatch::run() {
  std::vector<uint8_t> in(1 << 16);
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const ssize_t got = recv(fd_, in.data(), in.size(), MSG_DONTWAIT);
    if (got < 0) {
      if (errno != ENOBUFS) continue;
      on_change_("notifications lost (the socket overflowed)");
      links_changed();
      continue;
    }
    bool links = false;
    for (size_t off = 0; off + sizeof(nlmsghdr) <= size_t(got);) {
      const auto h = read_at<nlmsghdr>(in.data() + off);
      if (h.nlmsg_len < sizeof h || off + h.nlmsg_len > size_t(got)) break;
      links = links || link_or_address(h.nlmsg_type);
      if (auto what = foreign_change(in.data() + off, h.nlmsg_len); !what.empty()) on_change_(what);
      off += NLMSG_ALIGN(h.nlmsg_len);
    }
    if (links) links_changed();
  }
}

void KernelWatch::follow_links(std::function<void()> on_links) {
  std::lock_guard lock(links_mu_);
  on_links_ = std::move(on_links);
}

void KernelWatch::links_changed() {
  std::lock_guard lock(links_mu_);
  if (on_links_) on_links_();
}

std::string KernelWatch::foreign_change(const uint8_t* msg, size_t len) {
  const auto h = read_at<nlmsghdr>(msg);
  // A link that comes back: the kernel dropped our nexthops on it when it
  // went down; if the RIB still wants them (the sessions outlived a short
  // flap), they go back now rather than at the next audit.
  if (h.nlmsg_type == RTM_NEWLINK && len >= sizeof h + sizeof(ifinfomsg)) {
    const auto link = read_at<ifinfomsg>(msg + sizeof h);
    const bool up = (link.ifi_flags & IFF_UP) && (link.ifi_flags & IFF_LOWER_UP);
    const bool was_up = std::exchange(link_up_[link.ifi_index], up);
    return up && !was_up ? "link " + std::to_string(link.ifi_index) + " came up" : "";
  }
  // The kernel's own changes (port 0): a link went down and took its
  // nexthops and routes with it, which the RIB follows.
  if (h.nlmsg_pid == 0) return "";
  const bool route = h.nlmsg_type == RTM_NEWROUTE || h.nlmsg_type == RTM_DELROUTE;
  const bool nexthop = h.nlmsg_type == RTM_NEWNEXTHOP || h.nlmsg_type == RTM_DELNEXTHOP;
  const bool deleted = h.nlmsg_type == RTM_DELROUTE || h.nlmsg_type == RTM_DELNEXTHOP;
  const std::string by = " by process " + std::to_string(h.nlmsg_pid);
  if (route && len >= sizeof h + sizeof(rtmsg)) {
    const auto rt = read_at<rtmsg>(msg + sizeof h);
    const uint32_t table =
        u32_attr(msg, len, sizeof h + NLMSG_ALIGN(sizeof rt), RTA_TABLE).value_or(rt.rtm_table);
    if (table != ours_.table) return "";
    // Ours changed, or another route took the place of one (NLM_F_REPLACE).
    if (rt.rtm_protocol == ours_.protocol)
      return std::string("a route of ours ") + (deleted ? "deleted" : "changed") + by;
    if (!deleted && (h.nlmsg_flags & NLM_F_REPLACE))
      return "a route replaced" + by + " (protocol " + std::to_string(rt.rtm_protocol) + ")";
  }
  if (nexthop && len >= sizeof h + sizeof(nhmsg)) {
    const auto id = u32_attr(msg, len, sizeof h + NLMSG_ALIGN(sizeof(nhmsg)), NHA_ID);
    if (id && *id >= ours_.first_id && *id <= ours_.last_id)
      return "nexthop " + std::to_string(*id) + (deleted ? " deleted" : " changed") + by;
  }
  return "";
}

}  // namespace closbgp::fib
