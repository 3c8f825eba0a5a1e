// The kernel port over rtnetlink: builds the messages for planned
// operations (nexthop objects, groups, routes with our protocol number,
// table and metric) and sends them in batches; reads back what of ours is
// installed. Nothing else: queueing, planning and repair are FibWorker's.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "fib/kernel_port.h"
#include "fib/kernel_state.h"
#include "fib/netlink_batch.h"

struct nl_sock;
struct nl_msg;

namespace closbgp::fib {

// Our nexthop and group ids: a range of our own, so that nothing collides
// with zebra's or anyone else's objects.
constexpr uint32_t kFirstObjectId = 0x0c1b0000;
constexpr uint32_t kLastObjectId = kFirstObjectId + 0xffffff;

struct RouteAttributes {
  uint32_t table = 254;  // main
  uint32_t metric = 20;
  uint8_t protocol = 186;  // "bgp", as FRR's zebra
  bool resilient = false;  // resilient groups (kernel 5.13+)
};

class NetlinkPort final : public KernelPort {
 public:
  explicit NetlinkPort(RouteAttributes attributes) : attributes_(attributes) {}
  ~NetlinkPort() override;
  NetlinkPort(const NetlinkPort&) = delete;
  NetlinkPort& operator=(const NetlinkPort&) = delete;

  std::expected<void, std::string> open();
  // Whether the kernel has nexthop objects (Linux 5.3+); why not if not.
  std::expected<void, std::string> probe_nexthop_objects() const;
  // Ours: our table, protocol, id range, metric, in `mode`.
  void set_mode(KernelNexthops mode) { mode_ = mode; }
  OwnedRange owned() const;
  // The netlink port id our writes carry (KernelWatch drops their echoes).
  uint32_t port_id() const;

  Written write(const std::vector<Op>& ops) override;
  // On a socket of its own: safe from any thread while writes go on.
  std::expected<Installed, std::string> read() const override;

 private:
  nl_msg* message_for(const Op& op) const;  // the caller frees it

  RouteAttributes attributes_;
  KernelNexthops mode_ = KernelNexthops::Objects;
  nl_sock* sock_ = nullptr;
  std::unique_ptr<NetlinkBatch> batch_;  // writes on sock_
};

}  // namespace closbgp::fib
