#include "bgpd/evpn/vni_sync.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <string>

#include "bgpd/log/log.h"
#include "bgpd/net/netlink_listen.h"
#include "fib/echo_filter.h"

namespace closbgp::evpn {
namespace {

auto logger() {
  return log::get("evpn");
}

std::string vni_list(const std::map<uint32_t, fib::VxlanDevice>& devices) {
  std::string s;
  for (const auto& [vni, d] : devices)
    s += (s.empty() ? "" : ", ") + std::to_string(vni) + " (" + d.name +
         (d.vlan ? ", VLAN " + std::to_string(d.vlan) : "") + ", VTEP " + d.local.to_string() + ")";
  return s.empty() ? "none" : s;
}

// The message after `h` in a buffer aligned for messages: NLMSG_NEXT
// without its cast from char*, which clang's -Wcast-align refuses.
const nlmsghdr* next_message(const nlmsghdr* h, size_t& left) {
  const size_t step = std::min<size_t>(NLMSG_ALIGN(h->nlmsg_len), left);
  left -= step;
  return static_cast<const nlmsghdr*>(
      static_cast<const void*>(reinterpret_cast<const char*>(h) + step));
}

}  // namespace

VniSync::VniSync(asio::io_context& io, net::TimeSource& time, Hooks hooks,
                 std::chrono::seconds max_wait, std::optional<fib::RouteMarks> tenant,
                 std::optional<DuplicateMacs> duplicates)
    : io_(io),
      time_(time),
      hooks_(std::move(hooks)),
      tenant_(tenant),
      sweep_by_(time.now() + max_wait),
      port_(tenant),
      socket_(io),
      buffer_((1 << 16) / sizeof(nlmsghdr)),
      sweep_timer_(time.timer()),
      duplicates_(std::move(duplicates)),
      thaw_timer_(time.timer()) {}

VniSync::~VniSync() {
  // What the engine asked for last is in the kernel before we go.
  writer_.join();
}

std::expected<void, std::string> VniSync::start() {
  if (auto opened = port_.open(); !opened) return opened;
  // A MAC table's worth of notifications may come at once. Addresses
  // make a tenant's subnets; its routes are put back when someone removes
  // them.
  uint32_t groups = RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (tenant_) groups |= RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  const auto fd = net::rtnetlink_listener(groups, 4 << 20);
  if (!fd) return std::unexpected(fd.error());
  if (auto filtered = fib::filter_our_echoes(*fd, port_.port_id()); !filtered)
    logger()->warn("{}: they are read and dropped here instead", filtered.error());
  socket_.assign(*fd);
  socket_.non_blocking(true);
  read_notifications();
  // The first read on the loop: the engine's first kernel deltas find a
  // previous run's entries to adopt.
  compare(port_.read());
  wait_for_tables();
  return {};
}

void VniSync::read_notifications() {
  socket_.async_wait(
      asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted) return;
        // All that is queued, not one buffer per loop turn: a burst of our own
        // writes makes thousands of notifications per turn, and a socket read
        // slower than that overflows (ENOBUFS), which costs a read of the kernel.
        bool read = false;
        boost::system::error_code rec = ec;
        while (!rec) {
          const size_t bytes = socket_.read_some(asio::buffer(buffer_), rec);
          if (!rec) read = take_notifications(bytes) || read;
        }
        if (rec.value() == ENOBUFS) {
          logger()->debug(
              "kernel notifications lost (the socket overflowed): the kernel is read again");
          read = true;
        } else if (rec != asio::error::would_block && rec != asio::error::try_again) {
          logger()->error(
              "kernel notifications stopped ({}): VNIs, MACs and neighbours are no longer followed",
              rec.message());
          return;
        }
        if (read) kernel_changed();
        read_notifications();
      });
}

bool VniSync::take_notifications(size_t bytes) {
  const uint32_t ours = port_.port_id();
  KernelMirror::LocalChanges local;
  const auto add = [&](const std::optional<KernelMirror::LocalChanges>& c) {
    if (!c) return false;
    std::ranges::copy(c->macs, std::back_inserter(local.macs));
    std::ranges::copy(c->neighbors, std::back_inserter(local.neighbors));
    return true;
  };
  // Why the kernel is read again (the first reason of the burst), for
  // an operator who wonders at the reads.
  std::string why;
  size_t reasons = 0;
  const auto read_for = [&](const std::function<std::string()>& reason) {
    if (!reasons++) why = reason();
  };
  size_t left = bytes;
  for (const nlmsghdr* h = buffer_.data(); NLMSG_OK(h, left); h = next_message(h, left)) {
    if (h->nlmsg_pid == ours) continue;
    if (auto fdb = fib::fdb_notice(h)) {
      // Forwarding entries we wrote come back without our port id.
      if (!mirror_.echoes_ours(*fdb) && !add(mirror_.local_notice(*fdb)))
        read_for([&] {
          return fmt::format("forwarding entry {} on interface {}", wire::mac_text(fdb->mac),
                             fdb->ifindex);
        });
      continue;
    }
    if (auto n = fib::neighbor_notice(h)) {
      if (!add(mirror_.local_notice(*n)))
        read_for([&] {
          return fmt::format("remote neighbour {} on interface {}", n->ip.to_string(), n->ifindex);
        });
      continue;
    }
    if (auto link = fib::link_notice(h)) {
      if (mirror_.changes_vnis(*link))
        read_for([&] {
          return fmt::format("{} interface {}{}", link->address ? "an address of" : "link",
                             link->ifindex,
                             link->kind.empty() ? "" : " (" + std::string(link->kind) + ")");
        });
      continue;
    }
    // The underlay's routes (the FIB's, the kernel's) are not our business.
    const bool route = h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE;
    if (!route || (tenant_ && fib::tenant_route_message(h, *tenant_)))
      read_for([&] {
        return fmt::format("{} (netlink message type {})", route ? "a tenant route" : "a message",
                           h->nlmsg_type);
      });
  }
  tell_leaf(local);
  if (reasons)
    logger()->debug("the kernel is read again for {}{}", why,
                    reasons > 1 ? fmt::format(" and {} more", reasons - 1) : "");
  return reasons > 0;
}

void VniSync::kernel_changed() {
  if (mirror_.reading()) {
    read_again_ = true;
    return;
  }
  if (std::exchange(read_posted_, true)) return;
  asio::post(io_, [this, alive = std::weak_ptr(alive_)] {
    if (!alive.expired()) read_in_background();
  });
}

void VniSync::read_in_background() {
  read_posted_ = false;
  mirror_.read_begins();
  // The read starts once the writes asked for before it are done: what
  // it finds then is theirs, and what comes after is the mirror's.
  asio::post(writer_, [this, alive = std::weak_ptr(alive_)] {
    asio::post(reader_, [this, alive] {
      auto state = port_.read();
      asio::post(io_, [this, alive, state = std::move(state)] {
        if (alive.expired()) return;
        compare(state);  // the read ends
        if (std::exchange(read_again_, false)) kernel_changed();
      });
    });
  });
}

void VniSync::compare(const std::expected<fib::VxlanState, std::string>& state) {
  if (!state) {
    logger()->error("{}", state.error());
    mirror_.read_failed();
    return;
  }
  const auto local = mirror_.local_changes(*state);
  if (local.vnis) devices_ = std::make_shared<const Devices>(mirror_.devices());
  tell_leaf(local);
  write(mirror_.repair(*state, swept_));
}

void VniSync::tell_leaf(const KernelMirror::LocalChanges& local) {
  for (const auto& [vni, mac, present] : local.macs) {
    logger()->debug("VNI {}: local MAC {} {}", vni, wire::mac_text(mac),
                    present ? "learned" : "gone");
    if (present && mirror_.remote_mac(vni, mac)) moved(vni, mac, "here");
  }
  if (local.empty()) return;
  if (local.vnis) logger()->info("VNIs: {}", vni_list(mirror_.devices()));
  hooks_.change_leaf([&](rib::EvpnLeaf& leaf) {
    if (local.vnis) leaf.set_vnis(*local.vnis);
    for (const auto& [vni, mac, present] : local.macs) leaf.set_mac(vni, mac, present);
    for (const auto& [vni, ip, mac, router] : local.neighbors)
      leaf.set_neighbor(vni, ip, mac, router);
  });
}

void VniSync::apply(const rib::EvpnKernelUpdate& u) {
  for (const auto& m : u.set_macs)
    if (mirror_.local_mac(m.vni, m.mac)) moved(m.vni, m.mac, "away");
  // Our entries take the place of local ones: the leaf hears it once the
  // update it is delivering now is through.
  auto displaced = mirror_.local_displaced(u);
  write(mirror_.want(u));
  if (!displaced.empty())
    asio::post(io_, [this, alive = std::weak_ptr(alive_), displaced = std::move(displaced)] {
      if (!alive.expired()) tell_leaf(displaced);
    });
}

void VniSync::report(const rib::EvpnLeaf::Findings& f,
                     const std::function<std::string(uint32_t)>& name_of) const {
  for (const auto& e : f.refused.first)
    logger()->warn("{}: EVPN route {} not installed: {}", name_of(e.peer_id), e.route, e.why);
  if (f.refused.more)
    logger()->warn(
        "{} more EVPN routes not installed (closbgp_evpn_refused_routes_total counts "
        "them all)",
        f.refused.more);
  for (const auto& [key, claims] : f.duplicate_ips) {
    const auto& [vni, ip] = key;
    if (claims.empty()) {
      logger()->info("VNI {}: address {} has one MAC again", vni, ip.to_string());
      continue;
    }
    std::string who;
    for (const auto& c : claims)
      who += (who.empty() ? "" : ", ") + wire::mac_text(c.mac) +
             (c.vtep ? " behind VTEP " + c.vtep->to_string() : std::string(" here"));
    logger()->warn(
        "VNI {}: address {} is claimed with different MACs ({}): a duplicate address (two hosts "
        "with one IP); {} here",
        vni, ip.to_string(), who,
        claims.front().vtep ? "the claim with the higher sequence, then the lower VTEP, is used"
                            : "ours is used");
  }
}

void VniSync::moved(uint32_t vni, const wire::MacAddress& mac, const char* where) {
  logger()->debug("VNI {}: MAC {} moved {}", vni, wire::mac_text(mac), where);
  if (!duplicates_ || !duplicates_->moved({vni, mac}, time_.now())) return;
  logger()->warn(
      "VNI {}: MAC {} moved {} times in {} s between this VTEP and others: a duplicate (two "
      "hosts with one MAC, or a loop); frozen {}: not advertised by us",
      vni, wire::mac_text(mac), duplicates_->max_moves(), duplicates_->window().count(),
      duplicates_->permanent() ? std::string("until cleared (closctl clear evpn dup-addr)")
                               : "for " + std::to_string(duplicates_->freeze().count()) + " s");
  hooks_.change_leaf([&](rib::EvpnLeaf& leaf) { leaf.set_frozen(vni, mac, true); });
  thaw_later();
}

void VniSync::thaw_later() {
  const auto at = duplicates_->next_thaw();
  if (!at) return;
  thaw_timer_->arm(*at, [this] {
    unfreeze(duplicates_->thaw(time_.now()), "its freeze ran out");
    thaw_later();
  });
}

std::optional<size_t> VniSync::clear_duplicates(std::optional<uint32_t> vni,
                                                std::optional<wire::MacAddress> mac) {
  if (!duplicates_) return std::nullopt;
  const auto cleared = duplicates_->clear(vni, mac);
  unfreeze(cleared, "cleared by the operator");
  return cleared.size();
}

void VniSync::unfreeze(const std::vector<DuplicateMacs::Key>& keys, const char* why) {
  for (const auto& [vni, mac] : keys) {
    logger()->info("VNI {}: MAC {} no longer frozen: {}", vni, wire::mac_text(mac), why);
    hooks_.change_leaf([&](rib::EvpnLeaf& leaf) { leaf.set_frozen(vni, mac, false); });
  }
}

void VniSync::write(rib::EvpnKernelUpdate u) {
  if (u.empty()) return;
  for (const auto& f : u.add_flood)
    logger()->debug("VNI {}: VTEP {} in the flood list", f.vni, f.vtep.to_string());
  for (const auto& f : u.remove_flood)
    logger()->debug("VNI {}: VTEP {} out of the flood list", f.vni, f.vtep.to_string());
  for (const auto& m : u.set_macs)
    logger()->debug("VNI {}: MAC {} behind {}", m.vni, wire::mac_text(m.mac), m.vtep.to_string());
  for (const auto& m : u.remove_macs)
    logger()->debug("VNI {}: remote MAC {} removed", m.vni, wire::mac_text(m.mac));
  for (const auto& r : u.set_routes)
    logger()->debug("L3 VNI {}: {} through {} VTEP(s)", r.l3vni, r.prefix.to_string(),
                    r.vteps.size());
  for (const auto& r : u.remove_routes)
    logger()->debug("L3 VNI {}: {} removed", r.l3vni, r.prefix.to_string());
  // On the writer thread, in order: the loop goes on with the next
  // UPDATEs while the kernel takes these.
  backlog_ += u.size();
  asio::post(writer_, [this, u = std::move(u), devices = devices_] {
    for (const auto& failure : port_.write(u, *devices)) logger()->warn("{}", failure);
    written_ += u.size();
    // A burst's queue was freed amid the tables that grew meanwhile, where
    // glibc keeps its pages (4 MB at 100,000 MAC/IP routes): give them back.
    if ((backlog_ -= u.size()) == 0 && written_ >= kTrimAfter) {
      malloc_trim(0);
      written_ = 0;
    }
  });
}

void VniSync::wait_for_tables() {
  const bool tables_in = hooks_.tables_in();
  if (tables_in || time_.now() >= sweep_by_) {
    logger()->info("{}: entries of ours in the kernel that nobody wants go from now on",
                   tables_in ? "the neighbours' first tables are in" : "waited long enough");
    swept_ = true;
    kernel_changed();  // what a previous run left and nobody wants goes with the next read
    return;
  }
  sweep_timer_->arm(time_.now() + std::chrono::seconds(1), [this] { wait_for_tables(); });
}

}  // namespace closbgp::evpn
