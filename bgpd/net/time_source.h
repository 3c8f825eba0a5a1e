// Time, injected: what the session layer, discovery and the BFD service read
// the clock with and arm their timers on. The daemon's runs on an io_context
// (the main loop's, or BFD's own); a test's advances by hand
// (tests/mocks/fake_time.h), so no unit test sleeps for a protocol timer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "bgpd/asio.h"

namespace closbgp::net {

using Clock = std::chrono::steady_clock;

// One pending deadline at a time: arming again replaces it.
class Timer {
 public:
  virtual ~Timer() = default;
  // `fire` runs on its loop at `at` unless cancelled or re-armed first.
  virtual void arm(Clock::time_point at, std::function<void()> fire) = 0;
  virtual void cancel() = 0;
};

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual Clock::time_point now() const = 0;
  virtual std::unique_ptr<Timer> timer() = 0;
};

// The real clock, timers on an io_context.
class AsioTimeSource final : public TimeSource {
 public:
  explicit AsioTimeSource(asio::io_context& io) : io_(io) {}
  Clock::time_point now() const override { return Clock::now(); }
  std::unique_ptr<Timer> timer() override;

 private:
  asio::io_context& io_;
};

}  // namespace closbgp::net
