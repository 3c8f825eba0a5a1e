// The session side of the engine's advertisements: each one goes to the
// established session of its member, with that session's own next hop
// and negotiated encoding, as UPDATEs packed into one write.
#pragma once

#include <unordered_map>

#include "bgpd/session/peer.h"
#include "bgpd/session/route_monitor.h"
#include "rib/advertisement.h"

namespace closbgp::session {

class Advertiser final : public rib::AdvertisementSink {
 public:
  // Peers by id, while they exist.
  void add(Peer& p) { peers_[p.id()] = &p; }
  void remove(const Peer& p) { peers_.erase(p.id()); }

  // Who is shown what is sent (the RIB driver's monitors; they outlive it).
  void set_monitors(const std::vector<RouteMonitor*>* monitors) { monitors_ = monitors; }

  void advertise(rib::SourceId to, const rib::Advertisement& what) override;

 private:
  std::unordered_map<rib::SourceId, Peer*> peers_;
  const std::vector<RouteMonitor*>* monitors_ = nullptr;
};

// What the engine needs to know of an established session.
rib::Member member_of(const Peer& p);

}  // namespace closbgp::session
