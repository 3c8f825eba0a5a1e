#include "fib/netlink_fib.h"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <malloc.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include "fib/kernel_state.h"

namespace closbgp::fib {
namespace {

// Our nexthop and group ids: a range of our own, so that nothing collides
// with zebra's or anyone else's objects.
constexpr uint32_t kFirstObjectId = 0x0c1b0000;
constexpr uint32_t kLastObjectId = kFirstObjectId + 0xffffff;
// Buckets of a resilient group: enough that flows spread evenly over up to
// 64 next hops, few enough to rewrite quickly.
constexpr uint16_t kResilientBuckets = 128;
// A write that fails wholesale (a missing nexthop under 100,000 routes)
// logs this many errors, then a count.
constexpr size_t kErrorsLoggedPerWrite = 10;
// Prefixes in a batch after which freed memory is returned to the system.
constexpr size_t kTrimAfter = 10000;
// After a change by someone else, wait this long before comparing: a
// `ip route flush` changes many routes one notification at a time.
constexpr auto kRepairSettle = std::chrono::milliseconds(100);

int family_of(const wire::IpAddress& a) {
  return a.is_v4() ? AF_INET : AF_INET6;
}

// libnl's default message is a zeroed page: for a million routes, 4 GB of
// memset. Ours need a few dozen octets (a group of 64 members, 600), and a
// route that carries its next hops a few dozen more for each.
constexpr size_t kMessageSize = 1024;
constexpr size_t kMultipathHopSize = 40;  // rtnexthop, RTA_VIA with an IPv6 address
nl_msg* new_message(int type, int flags, size_t size) {
  nl_msg* m = nlmsg_alloc_size(size);
  nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags);
  return m;
}

std::string describe(const Op& op) {
  struct V {
    std::string operator()(const op::AddNexthop& o) {
      return "nexthop " + std::to_string(o.id) + " via " + o.nexthop.gateway.to_string() +
             " ifindex " + std::to_string(o.nexthop.ifindex);
    }
    std::string operator()(const op::AddGroup& o) { return "group " + std::to_string(o.id); }
    std::string operator()(const op::SetRoute& o) {
      return "route " + o.prefix.to_string() + " nhid " + std::to_string(o.group);
    }
    std::string operator()(const op::SetRouteVia& o) {
      std::string out = "route " + o.prefix.to_string() + " via";
      for (const auto& nh : o.nexthops)
        out += " " + nh.gateway.to_string() + " ifindex " + std::to_string(nh.ifindex);
      return out;
    }
    std::string operator()(const op::DelRoute& o) { return "delete route " + o.prefix.to_string(); }
    std::string operator()(const op::DelGroup& o) { return "delete group " + std::to_string(o.id); }
    std::string operator()(const op::DelNexthop& o) {
      return "delete nexthop " + std::to_string(o.id);
    }
  };
  return std::visit(V{}, op);
}

// A gateway in the route's own family (RTA_GATEWAY), or another's
// (RTA_VIA: IPv4 via an IPv6 link-local address).
void put_gateway(nl_msg* m, const wire::Prefix& route, const wire::IpAddress& gw) {
  if (family_of(gw) == family_of(route.address())) {
    nla_put(m, RTA_GATEWAY, int(gw.size()), gw.bytes().data());
    return;
  }
  uint8_t via[2 + 16];
  const uint16_t family = uint16_t(family_of(gw));
  std::memcpy(via, &family, sizeof family);
  std::memcpy(via + 2, gw.bytes().data(), gw.size());
  nla_put(m, RTA_VIA, int(2 + gw.size()), via);
}

// Settings without which the routes we install do not forward as an
// operator expects: logged once at start, not changed (they are the host's).
void check_kernel_settings(spdlog::logger& log) {
  auto read = [](const char* path) -> std::optional<int> {
    std::ifstream in(path);
    int v = 0;
    if (in >> v) return v;
    return std::nullopt;
  };
  if (read("/proc/sys/net/ipv4/ip_forward") == 0)
    log.warn("net.ipv4.ip_forward is 0: this node will not forward IPv4 traffic");
  if (read("/proc/sys/net/ipv6/conf/all/forwarding") == 0)
    log.warn("net.ipv6.conf.all.forwarding is 0: this node will not forward IPv6 traffic");
  if (auto policy = read("/proc/sys/net/ipv4/fib_multipath_hash_policy"); policy && *policy != 1)
    log.warn(
        "net.ipv4.fib_multipath_hash_policy is {}: ECMP hashes on addresses only; 1 (layer 4) "
        "spreads flows between the same hosts",
        *policy);
}

// The prefix a route operation sets, if it is one.
std::optional<wire::Prefix> route_of(const Op& o) {
  if (auto* r = std::get_if<op::SetRoute>(&o)) return r->prefix;
  if (auto* v = std::get_if<op::SetRouteVia>(&o)) return v->prefix;
  return std::nullopt;
}

// The prefixes whose route operation the kernel refused.
std::set<wire::Prefix> refused_routes(const std::vector<Op>& ops,
                                      const std::vector<size_t>& failed) {
  std::set<wire::Prefix> out;
  for (size_t i : failed)
    if (auto p = route_of(ops[i])) out.insert(*p);
  return out;
}

// How the first write after a restart went, for the log.
std::string reconcile_summary(const std::vector<Op>& ops,
                              const std::vector<wire::Prefix>& adopted) {
  std::set<wire::Prefix> written, removed;
  for (const auto& o : ops) {
    if (auto r = route_of(o)) written.insert(*r);
    if (auto* d = std::get_if<op::DelRoute>(&o)) removed.insert(d->prefix);
  }
  const auto kept = std::count_if(adopted.begin(), adopted.end(), [&](const auto& p) {
    return !written.contains(p) && !removed.contains(p);
  });
  return std::to_string(kept) + " of the previous run's " + std::to_string(adopted.size()) +
         " routes left as they were, " + std::to_string(written.size()) + " written, " +
         std::to_string(removed.size()) + " removed";
}

}  // namespace

NetlinkFib::NetlinkFib(NetlinkOptions options, std::shared_ptr<spdlog::logger> log)
    : options_(options), log_(std::move(log)), planner_(kFirstObjectId) {}

NetlinkFib::~NetlinkFib() {
  watch_.reset();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (sock_ && !options_.retain_on_exit) {
    log_->info("FIB: removing our {} routes (retain-on-exit: false)", planner_.routes());
    write(planner_.plan({{}, planner_.prefixes()}));
  }
  if (sock_) nl_socket_free(sock_);
}

std::expected<void, std::string> NetlinkFib::start() {
  sock_ = nl_socket_alloc();
  if (!sock_ || nl_connect(sock_, NETLINK_ROUTE) < 0)
    return std::unexpected("cannot open a netlink socket to the kernel's routing table");
  nl_socket_set_buffer_size(sock_, 4 << 20, 4 << 20);
  batch_ = std::make_unique<NetlinkBatch>(sock_);
  if (auto chosen = choose_nexthops(); !chosen) return chosen;
  planner_ = Planner(kFirstObjectId, mode_);
  check_kernel_settings(*log_);
  if (options_.repair) start_watching();
  adopt_previous_run();
  thread_ = std::thread([this] { run(); });
  const std::string audit = "an audit every " + std::to_string(options_.audit_seconds) + " s";
  const std::string repair =
      !options_.repair ? "left alone (repair: false)"
      : watch_ ? "repaired as they happen" + (options_.audit_seconds ? " and by " + audit : "")
      : options_.audit_seconds ? "repaired by " + audit
                               : "not repaired";
  log_->info("FIB: kernel table {}, metric {}, protocol {}{}{}{}; changes by others {}",
             options_.table, options_.metric, unsigned(options_.protocol),
             mode_ == KernelNexthops::Multipath ? ", routes carry their next hops" : "",
             options_.resilient ? ", resilient groups" : "",
             options_.retain_on_exit ? "" : ", routes removed on exit", repair);
  return {};
}

// Nexthop objects where the kernel has them (and the operator did not say
// otherwise); routes that carry their next hops where it has not.
std::expected<void, std::string> NetlinkFib::choose_nexthops() {
  if (options_.nexthop_objects == false) {
    mode_ = KernelNexthops::Multipath;
    return {};
  }
  auto probe = probe_nexthop_objects(sock_);
  if (probe) {
    mode_ = KernelNexthops::Objects;
    return {};
  }
  if (options_.nexthop_objects == true)
    return std::unexpected("fib.nexthop-objects is true, but the kernel has none (" +
                           probe.error() + "; they came with Linux 5.3)");
  mode_ = KernelNexthops::Multipath;
  log_->warn(
      "FIB: the kernel has no nexthop objects ({}); each route carries its next hops "
      "(RTA_MULTIPATH), so a lost link rewrites every route that used it",
      probe.error());
  if (options_.resilient) log_->warn("FIB: resilient groups need nexthop objects: ignored");
  return {};
}

// Someone else's changes to ours, as the kernel reports them: the FIB
// thread compares and repairs (run()).
void NetlinkFib::start_watching() {
  watch_ = std::make_unique<KernelWatch>(owned(), nl_socket_get_local_port(sock_),
                                         [this](const std::string& what) {
                                           {
                                             std::lock_guard lock(mu_);
                                             if (!repair_due_) repair_why_ = what;
                                             repair_due_ = true;
                                           }
                                           cv_.notify_one();
                                         });
  if (auto watching = watch_->start(); !watching) {
    log_->warn(
        "FIB: cannot watch the kernel's routes ({}); changes by others are found by "
        "the audit only",
        watching.error());
    watch_.reset();
  }
}

// Routes a previous run left keep forwarding while we start: adopted, not
// rewritten, and reconciled once the RIB has its initial tables.
void NetlinkFib::adopt_previous_run() {
  auto installed = read_installed(sock_, owned());
  if (!installed) {
    log_->warn("FIB: {}; routes of a previous run, if any, are replaced as they come",
               installed.error());
    return;
  }
  if (installed->empty()) return;
  for (const auto& [prefix, id] : installed->routes) adopted_.push_back(prefix);
  for (const auto& [prefix, set] : installed->multipath_routes) adopted_.push_back(prefix);
  log_->info(
      "FIB: {} routes, {} groups and {} nexthops of a previous run are kept forwarding; "
      "reconciled once the neighbours' initial tables are in",
      adopted_.size(), installed->groups.size(), installed->nexthops.size());
  planner_.adopt(*installed);
  holding_ = true;
  kept_previous_run_ = true;
}

OwnedRange NetlinkFib::owned() const {
  return {options_.table, options_.protocol, kFirstObjectId, kLastObjectId, mode_, options_.metric};
}

std::expected<Installed, std::string> NetlinkFib::read_kernel() const {
  nl_sock* s = nl_socket_alloc();
  if (!s || nl_connect(s, NETLINK_ROUTE) < 0) {
    if (s) nl_socket_free(s);
    return std::unexpected("cannot open a netlink socket to read the kernel's routes");
  }
  auto installed = read_installed(s, owned());
  nl_socket_free(s);
  return installed;
}

void NetlinkFib::release() {
  {
    std::lock_guard lock(mu_);
    if (!holding_) return;
    holding_ = false;
  }
  cv_.notify_one();
}

uint64_t NetlinkFib::apply(rib::RouteUpdate update) {
  uint64_t sequence;
  {
    std::lock_guard lock(mu_);
    queue_.push(std::move(update));
    sequence = ++applied_;
  }
  cv_.notify_one();
  return sequence;
}

void NetlinkFib::report_installed(OnInstalled on_installed) {
  std::lock_guard lock(mu_);
  on_installed_ = std::move(on_installed);
}

void NetlinkFib::report(std::vector<wire::Prefix> prefixes, uint64_t through) {
  OnInstalled listener;
  {
    std::lock_guard lock(mu_);
    listener = on_installed_;
  }
  if (listener && !prefixes.empty()) listener(std::move(prefixes), through);
}

bool NetlinkFib::reporting() const {
  std::lock_guard lock(mu_);
  return bool(on_installed_);
}

size_t NetlinkFib::backlog() const {
  std::lock_guard lock(mu_);
  // Held routes are not a backlog: reading from peers goes on meanwhile.
  return holding_ ? 0 : queue_.size() + in_progress_ + adopted_.size();
}

FibStatus NetlinkFib::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

// Someone else may have deleted or changed our routes and objects (an
// operator's `ip route del`, another daemon): when the queue is quiet,
// compare the kernel with what we wrote and put it back.
void NetlinkFib::audit_kernel() {
  auto kernel = read_installed(sock_, owned());
  if (!kernel) return log_->warn("FIB: cannot compare with the kernel: {}", kernel.error());
  const auto ops = planner_.repair(*kernel);
  if (ops.empty()) return;
  log_->warn(
      "FIB: the kernel differs from what we wrote (changed by someone else); {} operations put "
      "it back, the first: {}",
      ops.size(), describe(ops.front()));
  const auto written = write(ops);
  {
    std::lock_guard lock(mu_);
    status_.repairs += ops.size();
  }
  // A route the kernel refused before may be there now.
  if (!reporting()) return;
  const auto refused = refused_routes(ops, written.failed);
  std::vector<wire::Prefix> put_back;
  for (const auto& o : ops)
    if (auto p = route_of(o); p && !refused.contains(*p)) put_back.push_back(*p);
  report(std::move(put_back), written_through_);
}

void NetlinkFib::run() {
  const auto interval = std::chrono::seconds(options_.audit_seconds);
  auto next_audit = std::chrono::steady_clock::now() + interval;
  for (;;) {
    Batch work;
    uint64_t through = 0;  // every update up to it is in `work`
    {
      std::unique_lock lock(mu_);
      const auto ready = [this] {
        return stopping_ || (!holding_ && (!queue_.empty() || !adopted_.empty() || repair_due_));
      };
      if (options_.audit_seconds == 0 || !options_.repair) {
        cv_.wait(lock, ready);
      } else if (!cv_.wait_until(lock, next_audit, ready)) {
        next_audit = std::chrono::steady_clock::now() + interval;
        if (holding_) continue;  // a previous run's routes are not ours to judge yet
        lock.unlock();
        audit_kernel();
        continue;
      }
      if (stopping_) return;
      if (repair_due_ && queue_.empty() && adopted_.empty()) {
        repair_due_ = false;
        const std::string why = std::move(repair_why_);
        lock.unlock();
        log_->info("FIB: {}: comparing the kernel with what we wrote", why);
        std::this_thread::sleep_for(kRepairSettle);  // let the rest of a burst arrive
        audit_kernel();
        continue;
      }
      // The first write after a restart: what the new table lacks goes.
      for (const auto& prefix : adopted_) queue_.remove_unless_queued(prefix);
      work = queue_.take();
      in_progress_ = work.size();
      through = applied_;
    }
    const bool reconciling = !adopted_.empty();
    const auto began = std::chrono::steady_clock::now();
    auto ops = planner_.plan(work);
    const auto planned = std::chrono::steady_clock::now();
    const auto written = write(ops);
    written_through_ = through;
    if (!written.complete) {
      log_->warn("FIB: some of the kernel's replies were lost; comparing it with the RIB");
      audit_kernel();
    }
    if (reporting()) {
      const auto refused = refused_routes(ops, written.failed);
      std::vector<wire::Prefix> held;
      for (const auto& [prefix, set] : work.entries)
        if (set != Batch::kRemove && !refused.contains(prefix)) held.push_back(prefix);
      report(std::move(held), through);
    }
    using ms = std::chrono::milliseconds;
    log_->debug("FIB: {} prefixes: {} operations planned in {} ms, written in {} ms", work.size(),
                ops.size(), std::chrono::duration_cast<ms>(planned - began).count(),
                std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - planned).count());
    if (reconciling) log_->info("FIB: reconciled: {}", reconcile_summary(ops, adopted_));
    bool quiet;
    {
      std::lock_guard lock(mu_);
      adopted_.clear();
      in_progress_ = 0;
      status_.routes = planner_.routes();
      status_.groups = planner_.groups();
      status_.nexthops = planner_.nexthops();
      quiet = queue_.empty();
    }
    // A large batch leaves megabytes of freed queue, plan and message
    // buffers in this thread's and the main thread's malloc arenas; hand
    // them back to the system once the burst is over, not keep them.
    if (quiet && work.size() >= kTrimAfter) {
      work = {};
      ops = {};
      malloc_trim(0);
    }
  }
}

NetlinkFib::Written NetlinkFib::write(const std::vector<Op>& ops) {
  Written out;
  if (ops.empty()) return out;
  std::string last_error;
  const uint64_t sends_before = batch_->sends();
  batch_->begin([&](size_t i, int error, std::string_view why) {
    // On link down the kernel deletes that link's nexthops, and the routes
    // and group members using them, itself: a delete that finds nothing is done.
    const Op& o = ops[i];
    const bool deleting = std::holds_alternative<op::DelRoute>(o) ||
                          std::holds_alternative<op::DelGroup>(o) ||
                          std::holds_alternative<op::DelNexthop>(o);
    if (deleting && (error == -ENOENT || error == -ESRCH)) return;
    out.failed.push_back(i);
    last_error = describe(o) + ": " + std::strerror(-error) +
                 (why.empty() ? "" : " (" + std::string(why) + ")");
    if (out.failed.size() <= kErrorsLoggedPerWrite) log_->error("FIB: {}", last_error);
  });
  for (size_t i = 0; i < ops.size(); ++i) {
    nl_msg* m = message_for(ops[i]);
    batch_->add(m, i);
    nlmsg_free(m);
  }
  out.complete = batch_->flush();
  const size_t failures = out.failed.size();
  if (failures > kErrorsLoggedPerWrite)
    log_->error("FIB: {} more errors in this write of {} operations, the last: {}",
                failures - kErrorsLoggedPerWrite, ops.size(), last_error);
  std::lock_guard lock(mu_);
  status_.operations += ops.size();
  status_.errors += failures;
  status_.sends += batch_->sends() - sends_before;
  if (failures > 0) status_.last_error = last_error;
  return out;
}

nl_msg* NetlinkFib::message_for(const Op& o) const {
  nl_msg* m = nullptr;
  auto nexthop_header = [&](int type, int flags, uint8_t family) {
    m = new_message(type, flags, kMessageSize);
    nhmsg nh{};
    nh.nh_family = family;
    // The kernel wants the rest of the header zero in a delete.
    if (type == RTM_NEWNEXTHOP) nh.nh_protocol = options_.protocol;
    nlmsg_append(m, &nh, sizeof nh, NLMSG_ALIGNTO);
  };
  auto route_header = [&](int type, int flags, const wire::Prefix& p, size_t hops = 0) {
    m = new_message(type, flags, kMessageSize + hops * kMultipathHopSize);
    rtmsg rt{};
    rt.rtm_family = uint8_t(family_of(p.address()));
    rt.rtm_dst_len = p.length();
    rt.rtm_table = options_.table < 256 ? uint8_t(options_.table) : uint8_t(RT_TABLE_UNSPEC);
    rt.rtm_protocol = options_.protocol;
    rt.rtm_scope = RT_SCOPE_UNIVERSE;
    rt.rtm_type = RTN_UNICAST;
    nlmsg_append(m, &rt, sizeof rt, NLMSG_ALIGNTO);
    nla_put(m, RTA_DST, int(p.address().size()), p.address().bytes().data());
    nla_put_u32(m, RTA_TABLE, options_.table);
    nla_put_u32(m, RTA_PRIORITY, options_.metric);
  };
  constexpr int kCreate = NLM_F_CREATE | NLM_F_REPLACE;
  if (auto* a = std::get_if<op::AddNexthop>(&o)) {
    const auto& gw = a->nexthop.gateway;
    nexthop_header(RTM_NEWNEXTHOP, kCreate, uint8_t(family_of(gw)));
    nla_put_u32(m, NHA_ID, a->id);
    nla_put_u32(m, NHA_OIF, a->nexthop.ifindex);
    nla_put(m, NHA_GATEWAY, int(gw.size()), gw.bytes().data());
  } else if (auto* g = std::get_if<op::AddGroup>(&o)) {
    nexthop_header(RTM_NEWNEXTHOP, kCreate, AF_UNSPEC);
    nla_put_u32(m, NHA_ID, g->id);
    std::vector<nexthop_grp> members(g->members.size());
    for (size_t i = 0; i < members.size(); ++i) members[i].id = g->members[i];
    nla_put(m, NHA_GROUP, int(members.size() * sizeof(nexthop_grp)), members.data());
    if (options_.resilient) {
      nla_put_u16(m, NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES);
      nlattr* res = nla_nest_start(m, NHA_RES_GROUP);
      nla_put_u16(m, NHA_RES_GROUP_BUCKETS, kResilientBuckets);
      nla_nest_end(m, res);
    }
  } else if (auto* r = std::get_if<op::SetRoute>(&o)) {
    route_header(RTM_NEWROUTE, kCreate, r->prefix);
    nla_put_u32(m, RTA_NH_ID, r->group);
  } else if (auto* v = std::get_if<op::SetRouteVia>(&o)) {
    route_header(RTM_NEWROUTE, kCreate, v->prefix, v->nexthops.size());
    nlattr* hops = nla_nest_start(m, RTA_MULTIPATH);
    for (const auto& nh : v->nexthops) {
      auto* rtnh = static_cast<rtnexthop*>(nlmsg_reserve(m, sizeof(rtnexthop), NLMSG_ALIGNTO));
      rtnh->rtnh_flags = 0;
      rtnh->rtnh_hops = 0;
      rtnh->rtnh_ifindex = int(nh.ifindex);
      put_gateway(m, v->prefix, nh.gateway);
      rtnh->rtnh_len = uint16_t(static_cast<uint8_t*>(nlmsg_tail(nlmsg_hdr(m))) -
                                reinterpret_cast<uint8_t*>(rtnh));
    }
    nla_nest_end(m, hops);
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
