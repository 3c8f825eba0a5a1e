// ShowBgpSummary without waiting for a burst. The main loop computes a
// summary for each call; while it is in a long turn (a million-entry table
// growing takes tens of milliseconds) a call that has waited kFreshWithin
// gets the last summary the loop computed, with its age, instead of
// waiting on. The loop publishes each summary it computes here; any thread
// reads it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "bgpd/api/backend.h"

namespace closbgp::api {

// How long a call waits for a summary of its own before it takes the last.
inline constexpr std::chrono::milliseconds kFreshWithin{5};

class SummarySnapshot {
 public:
  using Time = std::chrono::steady_clock::time_point;
  struct Aged {
    std::shared_ptr<const SummaryView> view;
    std::chrono::milliseconds age;
  };

  void publish(std::shared_ptr<const SummaryView> view, Time at);
  // The last published summary and how old it is at `now`; none before the first.
  std::optional<Aged> latest(Time now) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const SummaryView> view_;
  Time at_{};
};

}  // namespace closbgp::api
