#include "bgpd/session/confirmed_reload.h"

#include <gtest/gtest.h>

#include "tests/mocks/fake_time.h"

namespace closbgp::session {
namespace {

using std::chrono::seconds;

config::Config with_asn(uint32_t asn) {
  config::Config c;
  c.asn = asn;
  return c;
}

// A ConfirmedReload whose "apply" records what it was given.
struct Harness {
  mocks::FakeTime time;
  std::vector<uint32_t> applied;
  ConfirmedReload reload{time, [this](config::Config c) {
                           applied.push_back(c.asn);
                           return std::vector<std::string>{"changed"};
                         }};
};

TEST(ConfirmedReload, RollsBackWhenNotConfirmedInTime) {
  Harness h;
  EXPECT_EQ(h.reload.begin(with_asn(1), seconds(30)),
            "rolls back in 30 s unless confirmed (closctl config confirm)");
  EXPECT_EQ(h.reload.remaining(), seconds(30));
  h.time.advance(seconds(29));
  EXPECT_TRUE(h.applied.empty());
  EXPECT_EQ(h.reload.remaining(), seconds(1));
  h.time.advance(seconds(1));
  EXPECT_EQ(h.applied, std::vector<uint32_t>{1});
  EXPECT_EQ(h.reload.remaining(), std::nullopt);
  EXPECT_FALSE(h.reload.confirm());  // nothing left to confirm
}

TEST(ConfirmedReload, ConfirmKeepsWhatRuns) {
  Harness h;
  EXPECT_FALSE(h.reload.confirm());
  EXPECT_EQ(h.reload.confirm().error().kind, OpError::Kind::Conflict);
  h.reload.begin(with_asn(1), seconds(30));
  ASSERT_TRUE(h.reload.confirm());
  h.time.advance(seconds(3600));
  EXPECT_TRUE(h.applied.empty());
  EXPECT_EQ(h.time.pending(), 0u);
}

TEST(ConfirmedReload, ASecondReloadKeepsTheConfirmedPointAndMovesTheDeadline) {
  Harness h;
  h.reload.begin(with_asn(1), seconds(30));  // 1 was the confirmed one
  h.time.advance(seconds(20));
  h.reload.begin(with_asn(2), seconds(30));  // 2 was never confirmed
  h.time.advance(seconds(29));
  EXPECT_TRUE(h.applied.empty());
  h.time.advance(seconds(1));
  EXPECT_EQ(h.applied, std::vector<uint32_t>{1});
}

}  // namespace
}  // namespace closbgp::session
