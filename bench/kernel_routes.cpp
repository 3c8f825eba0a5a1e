// Kernel route tools for the FIB benchmarks, raw rtnetlink without libnl:
//
//   kernel_routes watch --expect N
//       counts the distinct IPv4 /24s the kernel adds (route notifications);
//       prints {"event":"ready"} once listening, then {"event":"complete",
//       "t":MONOTONIC} when N are in. A clock independent of the router under
//       test, which may be slow to say what it did.
//   kernel_routes watch-evpn --expect N
//       the same for bench/bgp_gen's EVPN hosts: complete when N of their
//       MACs are in a bridge FDB and N of their IPv4 addresses in the
//       neighbour table (neighbour notifications).
//   kernel_routes write --count N --gateway A.B.C.D --dev IFNAME
//       the kernel's own floor: one nexthop object, then N /24s from
//       11.0.0.0 on it, about 60 KiB of requests per send, one
//       acknowledgement per send; prints {"seconds":S,"start":MONOTONIC}.
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/netlink.h"

namespace {

constexpr uint32_t kFirstPrefix = 0x0b000000;  // 11.0.0.0, as bench/harness.py announces
constexpr uint32_t kRoutesPerSend = 1400;      // 44 octets each: about 60 KiB

using closbgp::bench::die_errno;
using closbgp::bench::for_each_attribute;
using closbgp::bench::for_each_message;
using closbgp::bench::now;
using closbgp::bench::open_netlink;
using closbgp::bench::Request;

// Sends `batch` and reads until the acknowledgement of `last_seq`; exits on
// any error the kernel reports.
void send_and_ack(int fd, const std::vector<uint8_t>& batch, uint32_t last_seq) {
  if (send(fd, batch.data(), batch.size(), 0) < 0) die_errno("send");
  std::vector<uint8_t> in(1 << 16);
  bool acked = false;
  while (!acked) {
    const ssize_t got = recv(fd, in.data(), in.size(), 0);
    if (got < 0) die_errno("recv");
    for_each_message(in, size_t(got), [&](const nlmsghdr& h, size_t off) {
      if (h.nlmsg_type != NLMSG_ERROR) return;
      nlmsgerr e;
      std::memcpy(&e, in.data() + off + sizeof h, sizeof e);
      if (e.error != 0) {
        std::fprintf(stderr, "request %u: %s\n", h.nlmsg_seq, std::strerror(-e.error));
        std::exit(1);
      }
      acked = acked || h.nlmsg_seq == last_seq;
    });
  }
}

int write_routes(uint32_t count, const char* gateway, const char* dev) {
  const int fd = open_netlink(0);
  in_addr gw{};
  if (inet_pton(AF_INET, gateway, &gw) != 1) die_errno("gateway");
  const uint32_t ifindex = if_nametoindex(dev);
  if (!ifindex) die_errno("dev");
  uint32_t seq = 1;
  const uint32_t nhid = 1;
  nhmsg nh{};
  nh.nh_family = AF_INET;
  Request n(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK, &nh, sizeof nh);
  n.u32(NHA_ID, nhid);
  n.u32(NHA_OIF, ifindex);
  n.attr(NHA_GATEWAY, &gw, sizeof gw);
  send_and_ack(fd, n.done(seq), seq);
  ++seq;

  const double start = now();
  std::vector<uint8_t> batch;
  for (uint32_t i = 0; i < count; ++i) {
    rtmsg rt{};
    rt.rtm_family = AF_INET;
    rt.rtm_dst_len = 24;
    rt.rtm_table = RT_TABLE_MAIN;
    rt.rtm_protocol = 186;
    rt.rtm_scope = RT_SCOPE_UNIVERSE;
    rt.rtm_type = RTN_UNICAST;
    const bool last = i + 1 == count || (i + 1) % kRoutesPerSend == 0;
    Request r(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE | (last ? NLM_F_ACK : 0), &rt, sizeof rt);
    const uint32_t dst = htonl(kFirstPrefix + (i << 8));
    r.attr(RTA_DST, &dst, sizeof dst);
    r.u32(RTA_NH_ID, nhid);
    const auto& bytes = r.done(seq);
    batch.insert(batch.end(), bytes.begin(), bytes.end());
    if (last) {
      send_and_ack(fd, batch, seq);
      batch.clear();
    }
    ++seq;
  }
  std::printf("{\"seconds\": %.3f, \"start\": %.6f}\n", now() - start, start);
  return 0;
}

// Reads notifications of `groups` until `count()` reaches `expect`, each
// message handed to `fn(header, offset, buffer)`; prints "ready" once
// listening and "complete" with the time at the end.
template <class Fn, class Count>
int watch(uint32_t groups, uint32_t expect, Fn fn, Count count) {
  const int fd = open_netlink(groups);
  std::printf("{\"event\": \"ready\"}\n");
  std::fflush(stdout);
  std::vector<uint8_t> in(1 << 20);
  while (count() < expect) {
    const ssize_t got = recv(fd, in.data(), in.size(), 0);
    if (got < 0) {
      if (errno == ENOBUFS) {
        std::fprintf(stderr, "notifications lost: the count is unreliable\n");
        return 1;
      }
      die_errno("recv");
    }
    for_each_message(in, size_t(got), [&](const nlmsghdr& h, size_t off) { fn(h, off, in); });
  }
  std::printf("{\"event\": \"complete\", \"t\": %.6f}\n", now());
  return 0;
}

// Counts distinct members of a numbered set: one bit each.
struct Seen {
  std::vector<bool> bits;
  uint32_t count = 0;
  explicit Seen(size_t size) : bits(size) {}
  void add(uint32_t slot) {
    if (slot < bits.size() && !bits[slot]) {
      bits[slot] = true;
      ++count;
    }
  }
};

int watch_routes(uint32_t expect) {
  Seen routes(1u << 24);  // one bit per /24
  return watch(
      RTMGRP_IPV4_ROUTE, expect,
      [&](const nlmsghdr& h, size_t off, const std::vector<uint8_t>& in) {
        if (h.nlmsg_type != RTM_NEWROUTE) return;
        rtmsg rt;
        std::memcpy(&rt, in.data() + off + sizeof h, sizeof rt);
        if (rt.rtm_dst_len != 24) return;
        for_each_attribute(in, h, off, sizeof rt, [&](uint16_t type, const uint8_t* v, size_t n) {
          uint32_t dst;
          if (type != RTA_DST || n != sizeof dst) return;
          std::memcpy(&dst, v, sizeof dst);
          routes.add((ntohl(dst) - kFirstPrefix) >> 8);
        });
      },
      [&] { return routes.count; });
}

// bench/bgp_gen's EVPN hosts: MAC 02:00:00 + i, IPv4 10.128.1.0 + i.
int watch_evpn(uint32_t expect) {
  constexpr uint32_t kFirstHost = 0x0a800100;
  Seen macs(1u << 24), neighbors(1u << 24);
  return watch(
      RTMGRP_NEIGH, expect,
      [&](const nlmsghdr& h, size_t off, const std::vector<uint8_t>& in) {
        if (h.nlmsg_type != RTM_NEWNEIGH) return;
        ndmsg nd;
        std::memcpy(&nd, in.data() + off + sizeof h, sizeof nd);
        for_each_attribute(in, h, off, sizeof nd, [&](uint16_t type, const uint8_t* v, size_t n) {
          if (nd.ndm_family == AF_BRIDGE && type == NDA_LLADDR && n == 6 && v[0] == 2 &&
              v[1] == 0 && v[2] == 0)
            macs.add(uint32_t(v[3]) << 16 | uint32_t(v[4]) << 8 | v[5]);
          uint32_t dst;
          if (nd.ndm_family == AF_INET && type == NDA_DST && n == sizeof dst) {
            std::memcpy(&dst, v, sizeof dst);
            neighbors.add(ntohl(dst) - kFirstHost);
          }
        });
      },
      [&] { return std::min(macs.count, neighbors.count); });
}

const char* option(int argc, char** argv, const char* name) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return argv[i + 1];
  std::fprintf(stderr, "missing %s\n", name);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "watch") return watch_routes(uint32_t(std::atol(option(argc, argv, "--expect"))));
  if (mode == "watch-evpn") return watch_evpn(uint32_t(std::atol(option(argc, argv, "--expect"))));
  if (mode == "write")
    return write_routes(uint32_t(std::atol(option(argc, argv, "--count"))),
                        option(argc, argv, "--gateway"), option(argc, argv, "--dev"));
  std::fprintf(stderr,
               "usage: kernel_routes watch|watch-evpn --expect N | write --count N --gateway A "
               "--dev IF\n");
  return 2;
}
