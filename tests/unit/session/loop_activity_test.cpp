// What the API reads of the main loop's route work: how long the current
// piece has run, zero between pieces; a nested piece is the outer one's.
#include "bgpd/session/loop_activity.h"

#include <gtest/gtest.h>

namespace closbgp::session {
namespace {

TEST(LoopActivity, RunningWhileAPieceOfWorkLastsAndZeroBetween) {
  LoopActivity a;
  const auto later = LoopActivity::Clock::now() + std::chrono::hours(1);
  EXPECT_EQ(a.running(later), std::chrono::nanoseconds(0));
  {
    const LoopActivity::Working outer(a);
    const auto ran = a.running(later);
    EXPECT_GE(ran, std::chrono::minutes(59));
    {
      const LoopActivity::Working inner(a);
      EXPECT_EQ(a.running(later), ran);  // still the outer piece's start
    }
    EXPECT_EQ(a.running(later), ran);  // the inner one's end is not the outer's
  }
  EXPECT_EQ(a.running(later), std::chrono::nanoseconds(0));
}

}  // namespace
}  // namespace closbgp::session
