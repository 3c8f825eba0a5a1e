// max-prefix: a neighbour that sends more prefixes than it should (a leak,
// a redistribution gone wrong) is warned about, or cut off before it fills
// our RIB and, through us, the fabric's. Counted as received, before
// policy, like BIRD's receive limit: what costs memory is what arrives.
// Cut off, the neighbour is held down until its restart time or an
// operator; nothing else may start it meanwhile.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/config/config.h"
#include "bgpd/net/time_source.h"

namespace closbgp::session {

class MaxPrefixGuard {
 public:
  MaxPrefixGuard(net::TimeSource& time, std::string name)
      : time_(time), name_(std::move(name)), timer_(time.timer()) {}

  // A new session: its warnings are said again.
  void new_session() { level_.fill(0); }
  // `received` prefixes (of unicast; or EVPN routes) under `limit`: logs a
  // warning once per level and family; returns the NOTIFICATION data (RFC
  // 4486: AFI, SAFI, the limit) when the session must close.
  std::optional<std::vector<uint8_t>> check(const config::MaxPrefix& limit, size_t received,
                                            wire::Family family);
  // The session was closed for it: held down; with action restart,
  // `restart` runs after restart-after.
  void hold(const config::MaxPrefix& limit, std::function<void()> restart);
  // Whoever stops or starts the neighbour now decides when it starts again.
  void release();
  bool held() const { return held_; }

 private:
  net::TimeSource& time_;
  std::string name_;
  std::unique_ptr<net::Timer> timer_;  // restart-after
  // Per family: 0 below the warning, 1 above it, 2 above the limit (logged once each).
  std::array<uint8_t, 3> level_{};
  bool held_ = false;
};

}  // namespace closbgp::session
