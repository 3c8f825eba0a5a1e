// Events for WatchEvents: published on the main loop (peer state, BFD,
// best-path and FIB changes), delivered to each watcher's bounded queue,
// from which its gRPC stream writes on gRPC's threads. A watcher too slow
// for a burst (a full table's best paths) loses the oldest events and is
// told how many.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace closbgp::api {

enum class EventKind { Peer, Bfd, Route, Fib };

struct EventView {
  EventKind kind = EventKind::Peer;
  std::chrono::system_clock::time_point time;
  std::string neighbor;     // peer and BFD events
  std::string prefix;       // route events
  std::string state;        // "established", "down", "up", "best", "withdrawn", "error"
  std::string detail;       // the reason, the next hops
  std::string description;  // peer and BFD events: the configured neighbour's
};

class EventBus {
 public:
  static constexpr size_t kQueueLimit = 10000;

  class Watcher {
   public:
    // The next event, if any; a note of events lost first, if there were.
    std::optional<EventView> pop();

   private:
    friend class EventBus;
    std::set<EventKind> kinds;  // empty: every kind
    std::function<void()> wake;
    std::mutex mu;
    std::deque<EventView> queue;
    uint64_t lost = 0;
  };

  // `wake` is called (on the publishing thread) after events were queued.
  std::shared_ptr<Watcher> watch(std::set<EventKind> kinds, std::function<void()> wake);
  // After this returns, `wake` is not called again.
  void unwatch(const std::shared_ptr<Watcher>& w);
  // Cheap: lets publishers skip building events nobody watches.
  bool watched() const { return count_.load(std::memory_order_relaxed) > 0; }
  void publish(EventView e);

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::atomic<size_t> count_{0};
};

}  // namespace closbgp::api
