// A leaf's VNIs between the kernel and the RIB engine, on the main loop:
// the VXLAN devices in bridges, the MACs the bridges learn and the
// addresses their neighbour tables resolve go into the engine
// (rib::EvpnLeaf) as the kernel announces them (rtnetlink link,
// neighbour and address notifications; for what they cannot tell, the
// kernel is read again in full, on a thread of its own); what the
// engine wants of the remote VNIs goes into the kernel
// (fib::VxlanPort). A previous run's entries are adopted; what someone
// else removes is put back; stale ones go once the first tables are in.
#pragma once

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <linux/netlink.h>

#include "bgpd/asio.h"
#include "bgpd/evpn/duplicate_macs.h"
#include "bgpd/evpn/kernel_mirror.h"
#include "bgpd/net/time_source.h"
#include "fib/vxlan_port.h"

namespace closbgp::evpn {

class VniSync {
 public:
  struct Hooks {
    // Runs `change` on the engine's leaf and schedules a flush.
    std::function<void(const std::function<void(rib::EvpnLeaf&)>& change)> change_leaf;
    // The neighbours' first tables are in: what nobody wants may go.
    std::function<bool()> tables_in;
  };
  // `max_wait`: stale entries go at the latest this long after start;
  // `tenant`: what marks a routed tenant's routes (none: no tenant);
  // `duplicates`: duplicate MAC detection (none: off).
  // `time`: the clock duplicate detection reads, the sweep and thaw timers.
  VniSync(asio::io_context& io, net::TimeSource& time, Hooks hooks, std::chrono::seconds max_wait,
          std::optional<fib::RouteMarks> tenant, std::optional<DuplicateMacs> duplicates);

  std::expected<void, std::string> start();
  // The engine's deltas for the kernel.
  void apply(const rib::EvpnKernelUpdate& u);
  // What the engine found, logged: remote routes it refused as kernel
  // entries with their neighbour's name (`name_of` an engine id),
  // duplicate addresses found and over.
  void report(const rib::EvpnLeaf::Findings& f,
              const std::function<std::string(uint32_t)>& name_of) const;
  // An operator clears duplicates (`closctl clear evpn dup-addr`): the
  // MACs of `vni` (every VNI with nullopt), or `mac` only, are frozen no
  // more and their moves forgotten. How many were frozen; nullopt without
  // duplicate detection.
  std::optional<size_t> clear_duplicates(std::optional<uint32_t> vni,
                                         std::optional<wire::MacAddress> mac);
  // The node's VNIs as found: their devices.
  const std::map<uint32_t, fib::VxlanDevice>& devices() const { return mirror_.devices(); }
  // Entries waiting for the writer thread (the loop's back-pressure).
  size_t backlog() const { return backlog_; }
  // Pending kernel writes are finished first.
  ~VniSync();
  VniSync(const VniSync&) = delete;
  VniSync& operator=(const VniSync&) = delete;

 private:
  void read_notifications();
  // A burst of notifications: local MACs and addresses that came or went
  // go to the leaf as they are; returns whether anything else (not an echo
  // of our own writes) needs the kernel read again.
  bool take_notifications(size_t bytes);
  // Something only a read can tell changed: a read follows, one at a time.
  void kernel_changed();
  // With 100,000 remote MACs a read takes seconds, longer than a hold
  // time: the reader thread reads, the loop goes on, and compares the
  // read (KernelMirror keeps what changed meanwhile over it).
  void read_in_background();
  // Tells the engine what changed locally, repairs ours.
  void compare(const std::expected<fib::VxlanState, std::string>& state);
  void tell_leaf(const KernelMirror::LocalChanges& local);
  void write(rib::EvpnKernelUpdate u);
  void wait_for_tables();
  // `mac` moved between us and another VTEP: a duplicate after too many.
  void moved(uint32_t vni, const wire::MacAddress& mac, const char* where);
  void thaw_later();
  // `keys` are frozen no more (`why`): still here, each is claimed again.
  void unfreeze(const std::vector<DuplicateMacs::Key>& keys, const char* why);

  asio::io_context& io_;
  net::TimeSource& time_;
  Hooks hooks_;
  std::optional<fib::RouteMarks> tenant_;
  net::Clock::time_point sweep_by_;
  fib::VxlanPort port_;
  KernelMirror mirror_;
  asio::posix::stream_descriptor socket_;
  std::vector<nlmsghdr> buffer_;  // 64 KB, aligned for the messages
  std::unique_ptr<net::Timer> sweep_timer_;
  std::optional<DuplicateMacs> duplicates_;
  std::unique_ptr<net::Timer> thaw_timer_;
  bool read_posted_ = false;
  bool read_again_ = false;
  bool swept_ = false;
  // The devices as of the writes being asked for now, for the writer
  // thread (the loop replaces them, never changes them).
  using Devices = std::map<uint32_t, fib::VxlanDevice>;
  std::shared_ptr<const Devices> devices_ = std::make_shared<const Devices>();
  // Work posted to the loop checks it, for a VniSync gone before the loop.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  std::atomic<size_t> backlog_{0};
  // Entries written since the heap was last trimmed (the writer's own).
  static constexpr size_t kTrimAfter = 10000;
  size_t written_ = 0;
  // Last: they are joined first, while what they use is alive. Kernel
  // writes go out on one thread, in order, so the loop does not wait for
  // the kernel; reads (seconds with 100,000 remote MACs) on another, so
  // writes do not wait for them.
  asio::thread_pool writer_{1};
  asio::thread_pool reader_{1};
};

}  // namespace closbgp::evpn
