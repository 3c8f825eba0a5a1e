// Whether the main loop is inside a piece of route work (an UPDATE into the
// engine, a flush, a neighbour's table going), and since when, readable
// from any thread. The API answers ShowBgpSummary from the last summary
// only while such a piece has run long (a million-entry table growing),
// never because the loop is merely slow to wake: an idle daemon's answers
// stay current.
#pragma once

#include <atomic>
#include <chrono>

namespace closbgp::session {

class LoopActivity {
 public:
  using Clock = std::chrono::steady_clock;

  // Marks the piece of work its lifetime spans (the outermost, if nested).
  class Working {
   public:
    explicit Working(LoopActivity& a) : a_(a), outer_(a.since_ns_.load() == 0) {
      if (outer_) a_.since_ns_.store(Clock::now().time_since_epoch().count());
    }
    ~Working() {
      if (outer_) a_.since_ns_.store(0);
    }
    Working(const Working&) = delete;
    Working& operator=(const Working&) = delete;

   private:
    LoopActivity& a_;
    bool outer_;
  };

  // How long the current piece has run at `now`; zero between pieces.
  std::chrono::nanoseconds running(Clock::time_point now) const {
    const auto since = since_ns_.load(std::memory_order_relaxed);
    if (since == 0) return std::chrono::nanoseconds(0);
    return std::max(std::chrono::nanoseconds(0),
                    now.time_since_epoch() - std::chrono::nanoseconds(since));
  }

 private:
  std::atomic<int64_t> since_ns_{0};
};

}  // namespace closbgp::session
