// When each fabric link gets its next Router Advertisement (RFC 4861 as BGP
// unnumbered uses it): at once when the link starts, then a second apart
// three more times so a neighbour learns us quickly, then every 10 s; an RA
// that could not be sent (the link-local address still tentative) is tried
// again a second later; a neighbour's solicitation is answered at once, at
// most once a second. Pure: time is an argument, no sockets.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "bgpd/net/time_source.h"

namespace closbgp::discovery {

class RaSchedule {
 public:
  using Clock = net::Clock;
  static constexpr auto kInterval = std::chrono::seconds(10);
  static constexpr auto kFast = std::chrono::seconds(1);
  static constexpr int kFastCount = 3;

  // A link starts, due at once; false if it had started already.
  bool enable(uint32_t ifindex, Clock::time_point now);
  void disable(uint32_t ifindex) { links_.erase(ifindex); }
  bool enabled(uint32_t ifindex) const { return links_.contains(ifindex); }

  // The links whose RA is due at `now`, and the earliest time one is due.
  std::vector<uint32_t> due(Clock::time_point now) const;
  std::optional<Clock::time_point> next() const;

  // A link's first RA follows a Router Solicitation of ours, so neighbours
  // answer at once; until one went out, every RA tries it again.
  bool needs_solicitation(uint32_t ifindex) const;
  void solicitation_sent(uint32_t ifindex);
  // An RA went out on the link at `now`, or could not (`sent` false).
  void advertised(uint32_t ifindex, bool sent, Clock::time_point now);
  // A neighbour solicited on the link: whether to answer now.
  bool answer(uint32_t ifindex, Clock::time_point now);

 private:
  struct Link {
    int fast_left = kFastCount;
    bool solicited = false;
    Clock::time_point next;
    std::optional<Clock::time_point> answered{};  // the last RA for a solicitation
  };
  std::map<uint32_t, Link> links_;
};

}  // namespace closbgp::discovery
