// Back-pressure: while the entries waiting for the kernel are many,
// reading from peers pauses, and resumes once they are few. A leaf's EVPN
// entries count even without a FIB (control plane only, EVPN on).
#include "bgpd/session/fib_link.h"

#include <gtest/gtest.h>

#include <optional>

namespace closbgp::session {
namespace {

TEST(FibLink, ManyEvpnEntriesWaitingPauseReadingUntilFewAre) {
  asio::io_context io;
  FibLink link(io, nullptr);
  size_t waiting = 0;
  link.add_backlog([&] { return waiting; });
  std::optional<bool> paused;
  const auto check = [&] {
    paused.reset();
    link.apply_backpressure([&](bool p) { paused = p; });
    return paused;
  };
  EXPECT_EQ(check(), std::nullopt);  // nothing waits: nothing to change
  waiting = 250000;
  EXPECT_EQ(check(), true);
  waiting = 100000;  // between the marks: still paused
  EXPECT_EQ(check(), std::nullopt);
  waiting = 10000;
  EXPECT_EQ(check(), false);
}

}  // namespace
}  // namespace closbgp::session
