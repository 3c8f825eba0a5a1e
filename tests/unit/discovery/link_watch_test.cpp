// LinkWatch fed by another listener (the FIB's kernel watch) instead of a
// socket of its own: bursts become one call on the loop, and it unhooks
// itself when it goes.
#include "bgpd/discovery/link_watch.h"

#include <gtest/gtest.h>

#include <thread>

namespace closbgp::discovery {
namespace {

TEST(LinkWatch, FedByAnotherListenerItCallsOncePerBurstAndUnhooksWhenItGoes) {
  asio::io_context io;
  int changes = 0;
  std::function<void()> feed;  // what the other listener calls
  int follows = 0;
  const LinkWatch::Follow shared = [&](std::function<void()> f) {
    ++follows;
    feed = std::move(f);
    return true;
  };
  {
    LinkWatch links(
        io, [&] { ++changes; }, [] {});
    ASSERT_TRUE(links.start(shared).has_value());
    ASSERT_TRUE(feed);
    // A burst from the listener's thread: one call on the loop.
    std::thread([&] {
      for (int i = 0; i < 3; ++i) feed();
    }).join();
    io.run();
    EXPECT_EQ(changes, 1);
    io.restart();
    feed();
    io.run();
    EXPECT_EQ(changes, 2);
  }
  EXPECT_EQ(follows, 2);
  EXPECT_FALSE(feed);  // unhooked
}

TEST(LinkWatch, AListenerThatCannotFeedItLeavesItToItsOwnSocket) {
  asio::io_context io;
  LinkWatch links(
      io, [] {}, [] {});
  // Its own socket (subscribing to link notifications needs no privilege).
  const auto started = links.start([](std::function<void()>) { return false; });
  EXPECT_TRUE(started.has_value()) << started.error();
}

}  // namespace
}  // namespace closbgp::discovery
