// Between the peers and the RIB engine, on the main loop: each peer's news
// (session up and down, UPDATEs, stale sweeps) goes into the engine at
// once; the engine's outputs (the FIB delta, each member's
// advertisement, best-path events) go out once per loop turn, batched.
#pragma once

#include <functional>

#include "bgpd/asio.h"
#include "bgpd/session/advertiser.h"
#include "bgpd/session/fib_link.h"
#include "bgpd/session/loop_activity.h"
#include "bgpd/session/peer.h"
#include "bgpd/session/route_monitor.h"
#include "bgpd/session/speaker_observer.h"
#include "rib/rib.h"

namespace closbgp::session {

class RibDriver final : public PeerEvents {
 public:
  // `pause_peers(true)`: stop reading from every peer (FIB back-pressure).
  RibDriver(asio::io_context& io, rib::RibOptions options, fib::Fib* fib,
            std::function<void(bool)> pause_peers);

  rib::Rib& rib() { return rib_; }
  const rib::Rib& rib() const { return rib_; }
  // Where the engine's advertisements go: to the peers registered here.
  Advertiser& advertiser() { return advertiser_; }
  void set_observer(SpeakerObserver* observer) { observer_ = observer; }
  void add_monitor(RouteMonitor* monitor) { monitors_.push_back(monitor); }
  const std::vector<RouteMonitor*>& monitors() const { return monitors_; }
  // Its route work, as other threads see it (the API's summary).
  const LoopActivity& activity() const { return activity_; }
  // With advertise-after-install: hear from the FIB what it installed.
  void listen_to_fib();
  // Stopping: the sessions' ends must not empty the kernel (its routes keep
  // forwarding while we restart, and the FIB adopts them again).
  void stop_installing() { installing_ = false; }
  // Where the engine's deltas for a leaf's VNIs go after each flush, and
  // what it found to tell (remote routes refused as kernel entries,
  // duplicate addresses); `backlog`: how many entries wait for the kernel
  // (they count in the back-pressure as the FIB's prefixes do).
  using EvpnKernel = std::function<void(const rib::EvpnKernelUpdate&)>;
  using EvpnFindings = std::function<void(const rib::EvpnLeaf::Findings&)>;
  void set_evpn_kernel(EvpnKernel kernel, EvpnFindings findings, std::function<size_t()> backlog) {
    evpn_kernel_ = std::move(kernel);
    evpn_findings_ = std::move(findings);
    fib_link_.add_backlog(std::move(backlog));
  }
  // Runs flush() on the next loop turn if the engine has changes.
  void schedule_flush();
  // Tells the observer of FIB errors since the last time.
  void report_fib_errors();

  // The neighbour's policy changed: what it sent goes through import
  // policy again, and it moves to the update group of its export policy.
  void set_policy(Peer& p);
  // Soft reset in: what it sent through the same import policy again.
  void reimport(Peer& p);

  // PeerEvents
  void peer_established(Peer& p) override;
  size_t peer_down(Peer& p) override;
  size_t peer_restarting(Peer& p) override;
  size_t peer_update(Peer& p, const wire::UpdateMessage& update) override;
  size_t peer_sweep_stale(Peer& p, std::optional<wire::Family> family) override;
  size_t peer_keep_long_lived(Peer& p, wire::Family family) override;
  size_t peer_stale(const Peer& p) const override;
  size_t peer_evpn_routes(const Peer& p) const override;
  size_t peer_received(const Peer& p) const override;
  void peer_refresh_requested(Peer& p) override;
  void peer_bfd_changed(Peer& p, const std::string& state, const std::string& diag) override;

 private:
  void flush();

  asio::io_context& io_;
  fib::Fib* fib_;
  rib::Rib rib_;
  Advertiser advertiser_;
  FibLink fib_link_;
  std::function<void(bool)> pause_peers_;
  SpeakerObserver* observer_ = nullptr;
  std::vector<RouteMonitor*> monitors_;  // BMP, MRT
  EvpnKernel evpn_kernel_;
  EvpnFindings evpn_findings_;
  bool flush_scheduled_ = false;
  bool installing_ = true;
  LoopActivity activity_;
  uint64_t fib_errors_seen_ = 0;
};

}  // namespace closbgp::session
