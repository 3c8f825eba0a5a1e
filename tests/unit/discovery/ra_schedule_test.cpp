#include "bgpd/discovery/ra_schedule.h"

#include <gtest/gtest.h>

namespace closbgp::discovery {
namespace {

using namespace std::chrono_literals;
using Clock = RaSchedule::Clock;
const Clock::time_point t0 = Clock::time_point{} + 1h;

// Sends every RA that is due, as the advertiser does, at each step of the
// clock until `until`; returns when each went out (seconds after t0).
std::vector<double> run(RaSchedule& s, uint32_t ifindex, Clock::duration until, bool sends = true) {
  std::vector<double> sent;
  for (auto now = t0; now <= t0 + until; now += 100ms)
    for (uint32_t i : s.due(now)) {
      if (i != ifindex) continue;
      s.advertised(i, sends, now);
      if (sends) sent.push_back(std::chrono::duration<double>(now - t0).count());
    }
  return sent;
}

TEST(RaSchedule, AtOnceThenThreeASecondApartThenEveryTenSeconds) {
  RaSchedule s;
  EXPECT_FALSE(s.next());
  EXPECT_TRUE(s.enable(7, t0));
  EXPECT_FALSE(s.enable(7, t0 + 5s));  // idempotent: the schedule is kept
  EXPECT_EQ(s.next(), t0);
  EXPECT_EQ(run(s, 7, 35s), (std::vector<double>{0, 1, 2, 3, 13, 23, 33}));
  EXPECT_EQ(s.next(), t0 + 43s);
}

TEST(RaSchedule, AnRaThatCouldNotGoIsTriedASecondLater) {
  RaSchedule s;
  s.enable(3, t0);
  s.advertised(3, false, t0);  // the link-local address is still tentative
  EXPECT_TRUE(s.due(t0 + 999ms).empty());
  EXPECT_EQ(s.due(t0 + 1s), std::vector<uint32_t>{3});
  s.advertised(3, false, t0 + 1s);
  EXPECT_EQ(s.next(), t0 + 2s);
  // A failure does not use up the fast RAs.
  s.advertised(3, true, t0 + 2s);
  EXPECT_EQ(s.next(), t0 + 3s);
}

TEST(RaSchedule, TheFirstRaFollowsASolicitationUntilOneWentOut) {
  RaSchedule s;
  s.enable(3, t0);
  EXPECT_TRUE(s.needs_solicitation(3));
  s.solicitation_sent(3);
  EXPECT_FALSE(s.needs_solicitation(3));
  EXPECT_FALSE(s.needs_solicitation(4));  // not a link of ours
}

TEST(RaSchedule, SolicitationsAreAnsweredAtMostOnceASecond) {
  RaSchedule s;
  s.enable(3, t0);
  EXPECT_TRUE(s.answer(3, t0));
  EXPECT_FALSE(s.answer(3, t0 + 500ms));
  EXPECT_TRUE(s.answer(3, t0 + 1s));
  EXPECT_FALSE(s.answer(9, t0 + 5s));  // not a link of ours
}

TEST(RaSchedule, LinksKeepTheirOwnScheduleAndStopWhenDisabled) {
  RaSchedule s;
  s.enable(1, t0);
  s.enable(2, t0 + 500ms);
  EXPECT_EQ(s.due(t0), std::vector<uint32_t>{1});
  EXPECT_EQ(s.due(t0 + 500ms), (std::vector<uint32_t>{1, 2}));
  s.advertised(1, true, t0);
  EXPECT_EQ(s.next(), t0 + 500ms);
  s.disable(2);
  EXPECT_FALSE(s.enabled(2));
  EXPECT_EQ(s.next(), t0 + 1s);
  s.disable(1);
  EXPECT_FALSE(s.next());
}

}  // namespace
}  // namespace closbgp::discovery
