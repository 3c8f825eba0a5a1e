// The summary a busy main loop's callers get: the last one it computed,
// with its age; nothing before the first. Times are passed in.
#include "bgpd/api/summary_snapshot.h"

#include <gtest/gtest.h>

namespace closbgp::api {
namespace {

using std::chrono::milliseconds;

TEST(SummarySnapshot, TheLastPublishedSummaryWithItsAge) {
  SummarySnapshot s;
  const auto t0 = SummarySnapshot::Time{} + std::chrono::hours(1);
  EXPECT_FALSE(s.latest(t0));  // a call then waits for the loop
  SummaryView first;
  first.rib_prefixes = 10;
  s.publish(std::make_shared<const SummaryView>(first), t0);
  SummaryView second;
  second.rib_prefixes = 20;
  s.publish(std::make_shared<const SummaryView>(second), t0 + milliseconds(30));
  auto last = s.latest(t0 + milliseconds(42));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->view->rib_prefixes, 20u);
  EXPECT_EQ(last->age, milliseconds(12));
  // Never 0, which says "computed for this call".
  EXPECT_EQ(s.latest(t0 + milliseconds(30))->age, milliseconds(1));
}

}  // namespace
}  // namespace closbgp::api
