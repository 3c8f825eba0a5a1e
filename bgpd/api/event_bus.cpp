#include "bgpd/api/event_bus.h"

#include <algorithm>

namespace closbgp::api {

std::shared_ptr<EventBus::Watcher> EventBus::watch(std::set<EventKind> kinds,
                                                   std::function<void()> wake) {
  auto w = std::make_shared<Watcher>();
  w->kinds = std::move(kinds);
  w->wake = std::move(wake);
  std::lock_guard lock(mu_);
  watchers_.push_back(w);
  count_ = watchers_.size();
  return w;
}

void EventBus::unwatch(const std::shared_ptr<Watcher>& w) {
  std::lock_guard lock(mu_);
  std::erase(watchers_, w);
  count_ = watchers_.size();
}

// Under mu_ throughout, so that a watcher being removed is never woken
// after unwatch() returned.
void EventBus::publish(EventView e) {
  e.time = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) {
    if (!w->kinds.empty() && !w->kinds.contains(e.kind)) continue;
    {
      std::lock_guard q(w->mu);
      if (w->queue.size() >= kQueueLimit) {
        w->queue.pop_front();
        ++w->lost;
      }
      w->queue.push_back(e);
    }
    w->wake();
  }
}

std::optional<EventView> EventBus::Watcher::pop() {
  std::lock_guard lock(mu);
  if (lost > 0) {
    EventView note;
    note.kind = queue.empty() ? EventKind::Peer : queue.front().kind;
    note.time = std::chrono::system_clock::now();
    note.state = "lost";
    note.detail = std::to_string(lost) + " events dropped: this watcher read too slowly";
    lost = 0;
    return note;
  }
  if (queue.empty()) return std::nullopt;
  EventView e = std::move(queue.front());
  queue.pop_front();
  return e;
}

}  // namespace closbgp::api
