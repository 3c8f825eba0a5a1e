// The event bus behind WatchEvents: kinds filtered per watcher, a bounded
// queue that tells a slow watcher how much it lost, no wake-up after unwatch.
#include <gtest/gtest.h>

#include "bgpd/api/event_bus.h"

namespace closbgp::api {
namespace {

EventView event(EventKind kind, std::string state) {
  EventView e;
  e.kind = kind;
  e.state = std::move(state);
  return e;
}

TEST(EventBus, EachWatcherGetsTheKindsItAskedFor) {
  EventBus bus;
  EXPECT_FALSE(bus.watched());
  int woken = 0;
  auto all = bus.watch({}, [&] { ++woken; });
  auto routes = bus.watch({EventKind::Route}, [] {});
  EXPECT_TRUE(bus.watched());
  bus.publish(event(EventKind::Peer, "established"));
  bus.publish(event(EventKind::Route, "best"));
  EXPECT_EQ(woken, 2);
  EXPECT_EQ(all->pop()->state, "established");
  EXPECT_EQ(all->pop()->state, "best");
  EXPECT_FALSE(all->pop());
  EXPECT_EQ(routes->pop()->kind, EventKind::Route);
  EXPECT_FALSE(routes->pop());
  bus.unwatch(all);
  bus.publish(event(EventKind::Peer, "down"));
  EXPECT_EQ(woken, 2);  // not woken after unwatch
  bus.unwatch(routes);
  EXPECT_FALSE(bus.watched());
}

TEST(EventBus, ASlowWatcherLosesTheOldestAndIsTold) {
  EventBus bus;
  auto w = bus.watch({}, [] {});
  for (size_t i = 0; i < EventBus::kQueueLimit + 5; ++i)
    bus.publish(event(EventKind::Route, std::to_string(i)));
  auto note = w->pop();
  ASSERT_TRUE(note);
  EXPECT_EQ(note->state, "lost");
  EXPECT_EQ(note->detail, "5 events dropped: this watcher read too slowly");
  EXPECT_EQ(w->pop()->state, "5");  // the oldest kept
}

}  // namespace
}  // namespace closbgp::api
