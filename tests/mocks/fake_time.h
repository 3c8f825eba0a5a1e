// A clock that moves only when a test says so; timers fire in deadline
// order as it passes them.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "bgpd/net/time_source.h"

namespace closbgp::mocks {

class FakeTime final : public net::TimeSource {
 public:
  net::Clock::time_point now() const override { return now_; }
  std::unique_ptr<net::Timer> timer() override { return std::make_unique<FakeTimer>(*this); }

  // Moves the clock forward by `d`, firing every timer due on the way.
  void advance(net::Clock::duration d) {
    const auto until = now_ + d;
    while (!due_.empty() && due_.begin()->first.first <= until) {
      auto it = due_.begin();
      now_ = it->first.first;
      auto fire = std::move(it->second);
      due_.erase(it);
      fire();
    }
    now_ = until;
  }
  size_t pending() const { return due_.size(); }

 private:
  using Key = std::pair<net::Clock::time_point, uint64_t>;  // deadline, arming order

  class FakeTimer final : public net::Timer {
   public:
    explicit FakeTimer(FakeTime& t) : time_(t) {}
    ~FakeTimer() override { cancel(); }
    void arm(net::Clock::time_point at, std::function<void()> fire) override {
      cancel();
      key_ = Key{at, ++time_.armed_};
      time_.due_.emplace(*key_, [this, fire = std::move(fire)] {
        key_.reset();
        fire();
      });
    }
    void cancel() override {
      if (key_) time_.due_.erase(*key_);
      key_.reset();
    }

   private:
    FakeTime& time_;
    std::optional<Key> key_;
  };

  net::Clock::time_point now_ = net::Clock::time_point{} + std::chrono::hours(1);
  uint64_t armed_ = 0;
  std::map<Key, std::function<void()>> due_;
};

}  // namespace closbgp::mocks
