// The last summary the main loop computed, with the time it did: what a
// ShowBgpSummary call gets when the loop is in a burst
// (summary_answers.h). The loop publishes; any thread reads.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "bgpd/api/backend.h"

namespace closbgp::api {

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
