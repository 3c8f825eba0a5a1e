// When has an emulated fabric converged? Clocked by the leaves' own kernels
// (bench/fabric_scale.py), with no router asked:
//
//   fabric_watch --prefixes FILE --width W --timeout SECONDS LEAF=PID...
//
// FILE has a line "LEAF PREFIX" for each prefix a leaf originates
// (loopback, server subnets). A leaf has converged when its main table
// holds every other leaf's prefix with at least W next hops. LEAF=PID: a
// process in the leaf's network namespace; one route socket per leaf is
// opened there (setns), so one process watches a thousand namespaces.
//
// A leaf's routes are followed from the kernel's route notifications (with
// nexthop_compat_mode on, the default, a changed nexthop group notifies
// every route using it); a dump confirms a leaf that looks converged, and
// re-reads one that has been quiet for a while without converging or lost
// notifications. The time of a leaf is that of the last notification
// before the dump that found it complete.
//
// The deadline, --timeout SECONDS, runs from the first line (or the end)
// of its standard input: the harness writes one once the last daemon has
// started, so that a slow start does not eat into the time to converge.
//
// Prints JSON lines: {"event":"ready"}, {"event":"converged","leaf":..,
// "t":MONOTONIC} per leaf, then {"event":"complete","t":..} (the last
// leaf's) or, at the deadline, {"event":"timeout","missing":{LEAF:
// "have/want"}}.
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/netlink.h"

namespace {

using closbgp::bench::die;
using closbgp::bench::die_errno;
using closbgp::bench::for_each_attribute;
using closbgp::bench::for_each_message;
using closbgp::bench::now;
using closbgp::bench::open_netlink;
using closbgp::bench::Request;

// A re-read is a safety net (notifications are not lost unnoticed: an
// overflow is ENOBUFS), and each is a dump under the kernel's one routing
// lock: at 500 routers, a re-read every 3 s of each slow leaf was 5% of the
// machine's CPU, the benchmark disturbing what it measures.
constexpr double kQuietBeforeReread = 2.0;  // seconds without news, not converged
constexpr double kRereadEvery = 15.0;       // seconds between a leaf's re-reads
constexpr uint8_t kRtprotKernel = 2;        // a connected route: the leaf's own subnet

// A prefix as the kernel states it: family, length, address octets.
std::string prefix_key(uint8_t family, uint8_t length, const uint8_t* address, size_t size) {
  std::string key{char(family), char(length)};
  key.append(reinterpret_cast<const char*>(address), size);
  return key;
}

std::string parse_prefix(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) die("not a prefix: " + text);
  const std::string address = text.substr(0, slash);
  const int length = std::atoi(text.c_str() + slash + 1);
  uint8_t octets[16];
  const bool v6 = address.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), octets) != 1)
    die("not a prefix: " + text);
  return prefix_key(v6 ? AF_INET6 : AF_INET, uint8_t(length), octets, v6 ? 16 : 4);
}

// Every leaf's prefixes, numbered; each leaf's own.
struct Prefixes {
  std::unordered_map<std::string, uint32_t> index;
  std::vector<std::string> owner;  // by index
};

Prefixes read_prefixes(const char* path) {
  Prefixes p;
  std::ifstream in(path);
  if (!in) die(std::string("cannot read ") + path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string leaf, prefix;
    if (!(fields >> leaf >> prefix)) continue;
    p.index.emplace(parse_prefix(prefix), uint32_t(p.owner.size()));
    p.owner.push_back(leaf);
  }
  return p;
}

// One route message: its prefix and how many next hops it has (0: gone or
// not a forwarding route of the main table).
struct RouteNews {
  std::string key;
  uint8_t width = 0;
};

RouteNews read_route(const std::vector<uint8_t>& in, const nlmsghdr& h, size_t off) {
  rtmsg rt;
  std::memcpy(&rt, in.data() + off + sizeof h, sizeof rt);
  RouteNews news;
  uint32_t table = rt.rtm_table;
  bool has_dst = false, single = false;
  uint8_t hops = 0;
  for_each_attribute(in, h, off, sizeof rt, [&](uint16_t type, const uint8_t* v, size_t n) {
    if (type == RTA_DST) {
      news.key = prefix_key(rt.rtm_family, rt.rtm_dst_len, v, n);
      has_dst = true;
    } else if (type == RTA_TABLE && n == sizeof table) {
      std::memcpy(&table, v, sizeof table);
    } else if (type == RTA_OIF || type == RTA_GATEWAY || type == RTA_VIA || type == RTA_NH_ID) {
      single = true;
    } else if (type == RTA_MULTIPATH) {
      for (size_t a = 0; a + sizeof(rtnexthop) <= n;) {
        rtnexthop nh;
        std::memcpy(&nh, v + a, sizeof nh);
        if (nh.rtnh_len < sizeof nh) break;
        ++hops;
        a += RTNH_ALIGN(nh.rtnh_len);
      }
    }
  });
  if (!has_dst || table != RT_TABLE_MAIN || rt.rtm_type != RTN_UNICAST ||
      rt.rtm_protocol == kRtprotKernel || h.nlmsg_type != RTM_NEWROUTE)
    return news;
  news.width = hops ? hops : uint8_t(single);
  return news;
}

class Leaf {
 public:
  Leaf(std::string name, const Prefixes& prefixes, uint8_t width)
      : name_(std::move(name)),
        prefixes_(prefixes),
        width_(width),
        hops_(prefixes.owner.size(), 0) {
    for (const auto& owner : prefixes.owner) want_ += owner != name_;
  }

  // Opens the leaf's sockets inside the namespace of process `pid`; `home`
  // is the watcher's own namespace, returned to after.
  void open(const std::string& pid, int home) {
    const std::string path = "/proc/" + pid + "/ns/net";
    const int ns = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) die_errno(path.c_str());
    if (setns(ns, CLONE_NEWNET) != 0) die_errno("setns");
    listen_ = open_netlink(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, 16 << 20);
    dump_ = open_netlink(0, 16 << 20);
    if (setns(home, CLONE_NEWNET) != 0) die_errno("setns home");
    ::close(ns);
    fcntl(listen_, F_SETFL, O_NONBLOCK);
  }

  // Takes what was notified; true if anything was (or was lost).
  bool take_notifications(std::vector<uint8_t>& buf) {
    bool any = false;
    for (;;) {
      const ssize_t got = recv(listen_, buf.data(), buf.size(), 0);
      if (got < 0) {
        if (errno == EAGAIN) return any;
        if (errno != ENOBUFS) die_errno("recv");
        lost_ = true;  // the next dump is the truth
      } else {
        apply(buf, size_t(got));
      }
      any = true;
      last_news_ = now();
    }
  }

  // Reads the whole table again: the truth, replacing what was followed.
  void dump(std::vector<uint8_t>& buf) {
    std::fill(hops_.begin(), hops_.end(), 0);
    have_ = 0;
    for (const uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
      rtmsg rt{};
      rt.rtm_family = family;
      Request req(RTM_GETROUTE, NLM_F_DUMP, &rt, sizeof rt);
      const auto& bytes = req.done(++seq_);
      if (send(dump_, bytes.data(), bytes.size(), 0) < 0) die_errno("send");
      for (bool done = false; !done;) {
        const ssize_t got = recv(dump_, buf.data(), buf.size(), 0);
        if (got < 0) die_errno("recv dump");
        for_each_message(buf, size_t(got), [&](const nlmsghdr& h, size_t) {
          done = done || h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR;
        });
        apply(buf, size_t(got));
      }
    }
    lost_ = false;
    last_dump_ = now();
  }

  bool looks_complete() const { return have_ >= want_; }
  bool lost() const { return lost_; }
  bool stale(double t) const {
    return t - last_news_ >= kQuietBeforeReread && t - last_dump_ >= kRereadEvery;
  }
  int listen_fd() const { return listen_; }
  double last_news() const { return last_news_; }
  const std::string& name() const { return name_; }
  std::string progress() const { return std::to_string(have_) + "/" + std::to_string(want_); }

 private:
  void apply(const std::vector<uint8_t>& buf, size_t len) {
    for_each_message(buf, len, [&](const nlmsghdr& h, size_t off) {
      if (h.nlmsg_type != RTM_NEWROUTE && h.nlmsg_type != RTM_DELROUTE) return;
      const RouteNews news = read_route(buf, h, off);
      const auto it = prefixes_.index.find(news.key);
      if (it == prefixes_.index.end() || prefixes_.owner[it->second] == name_) return;
      const bool was = hops_[it->second] >= width_;
      hops_[it->second] = news.width;
      have_ += int(news.width >= width_) - int(was);
    });
  }

  std::string name_;
  const Prefixes& prefixes_;
  uint8_t width_;
  std::vector<uint8_t> hops_;  // by prefix index: next hops in the kernel
  int want_ = 0, have_ = 0;
  int listen_ = -1, dump_ = -1;
  uint32_t seq_ = 0;
  bool lost_ = false;
  double last_news_ = now(), last_dump_ = 0;
};

const char* option(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return argv[i + 1];
  die(std::string("missing ") + name);
}

// Room for two sockets per leaf.
void raise_file_limit() {
  rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr,
                 "usage: fabric_watch --prefixes FILE --width W --timeout SECONDS LEAF=PID...\n");
    return 2;
  }
  const Prefixes prefixes = read_prefixes(option(argc, argv, "--prefixes"));
  const int width = std::atoi(option(argc, argv, "--width"));
  const double timeout = std::atof(option(argc, argv, "--timeout"));
  std::optional<double> deadline;  // once the harness says the daemons are started
  raise_file_limit();
  const int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) die_errno("/proc/self/ns/net");
  std::vector<Leaf> leaves;
  leaves.reserve(size_t(argc));
  std::vector<std::string> pids;
  for (int i = 7; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string::npos) die("not LEAF=PID: " + arg);
    leaves.emplace_back(arg.substr(0, eq), prefixes, uint8_t(width));
    pids.push_back(arg.substr(eq + 1));
  }
  std::vector<uint8_t> buf(1 << 20);
  for (size_t i = 0; i < leaves.size(); ++i) {
    leaves[i].open(pids[i], home);
    leaves[i].dump(buf);
  }
  std::printf("{\"event\": \"ready\"}\n");
  std::fflush(stdout);

  std::vector<Leaf*> waiting;
  for (auto& leaf : leaves) waiting.push_back(&leaf);
  double last = 0;
  while (!waiting.empty()) {
    std::vector<pollfd> fds;
    for (const Leaf* leaf : waiting) fds.push_back({leaf->listen_fd(), POLLIN, 0});
    if (!deadline) fds.push_back({STDIN_FILENO, POLLIN, 0});
    poll(fds.data(), fds.size(), 100);
    const double t = now();
    if (!deadline && fds.back().revents) deadline = t + timeout;  // a line, or the end
    std::erase_if(waiting, [&](Leaf* leaf) {
      const bool news = leaf->take_notifications(buf);
      if ((news && leaf->looks_complete()) || leaf->lost() || leaf->stale(t)) leaf->dump(buf);
      if (!leaf->looks_complete()) return false;
      last = std::max(last, leaf->last_news());
      std::printf("{\"event\": \"converged\", \"leaf\": \"%s\", \"t\": %.6f}\n",
                  leaf->name().c_str(), leaf->last_news());
      return true;
    });
    std::fflush(stdout);
    if (!waiting.empty() && deadline && t > *deadline) {
      std::printf("{\"event\": \"timeout\", \"missing\": {");
      for (size_t i = 0; i < waiting.size(); ++i)
        std::printf("%s\"%s\": \"%s\"", i ? ", " : "", waiting[i]->name().c_str(),
                    waiting[i]->progress().c_str());
      std::printf("}}\n");
      return 1;
    }
  }
  std::printf("{\"event\": \"complete\", \"t\": %.6f}\n", last);
  return 0;
}
