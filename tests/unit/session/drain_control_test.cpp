// The WARM start and drain states, with time passed in: no sleeping.
#include "bgpd/session/drain_control.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/mocks/advertisement_recorder.h"

namespace closbgp::session {
namespace {

class DrainControlTest : public ::testing::Test {
 protected:
  DrainControlTest()
      : path_(std::filesystem::temp_directory_path() /
              ("drain_control_test_" + std::to_string(::getpid()) + ".yaml")),
        state_(path_.string()),
        rib_(rib::RibOptions{}),
        drain_(rib_, out_, state_, nullptr) {
    std::filesystem::remove(path_);
  }
  ~DrainControlTest() override { std::filesystem::remove(path_); }

  const DrainControl::Time t0_ = DrainControl::Time{} + std::chrono::hours(1);
  std::filesystem::path path_;
  OperatorState state_;
  rib::Rib rib_;
  mocks::AdvertisementRecorder out_;
  DrainControl drain_;
};

TEST_F(DrainControlTest, WarmUntilTheTablesAreIn) {
  drain_.start(60, t0_);
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Warm);
  drain_.check_warm_up(false, t0_ + std::chrono::seconds(5));
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Warm);
  drain_.check_warm_up(true, t0_ + std::chrono::seconds(6));
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Live);
}

TEST_F(DrainControlTest, WarmUpRunsOut) {
  drain_.start(60, t0_);
  drain_.check_warm_up(false, t0_ + std::chrono::seconds(59));
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Warm);
  drain_.check_warm_up(false, t0_ + std::chrono::seconds(60));
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Live);
}

TEST_F(DrainControlTest, NoWarmStartWithoutWarmUp) {
  drain_.start(0, t0_);
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Live);
}

// A FIB that counts release() and writes when told to.
class ReleaseCounter final : public fib::Fib {
 public:
  uint64_t apply(rib::RouteUpdate) override { return ++applied; }
  uint64_t last_applied() const override { return applied; }
  bool written_through(uint64_t sequence) const override { return written >= sequence; }
  void report_installed(OnInstalled) override {}
  void release() override { ++releases; }
  bool kept_previous_run() const override { return true; }
  std::expected<fib::Installed, std::string> read_kernel() const override { return {}; }
  fib::FibStatus status() const override { return {}; }
  size_t backlog() const override { return applied - written; }
  void expect(wire::Afi, size_t) override {}
  int releases = 0;
  uint64_t applied = 0, written = 0;
};

// In a cold start of a fabric, routes keep coming from neighbours that go
// live after us: WARM waits for the FIB to write what the initial tables
// brought, not for it to be idle.
TEST_F(DrainControlTest, WarmWaitsForTheFibToWriteTheInitialTablesNotForItToBeIdle) {
  ReleaseCounter fib;
  DrainControl drain(rib_, out_, state_, &fib);
  drain.start(60, t0_);
  fib.apply({});
  fib.apply({});
  drain.check_warm_up(true, t0_ + std::chrono::seconds(1));
  EXPECT_EQ(fib.releases, 1);
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Warm);  // two updates to write
  fib.written = 2;
  fib.apply({});  // a neighbour that went live later
  drain.check_warm_up(false, t0_ + std::chrono::seconds(2));
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Live);
  EXPECT_EQ(fib.releases, 1);
}

// Without a WARM start the FIB reconciles a previous run's routes once our
// own routes are in the table it compares (an aggregate's discard), not
// before: it would delete them and write them again.
TEST_F(DrainControlTest, WithoutWarmUpTheFibIsReleasedOnceOurOwnRoutesAreIn) {
  ReleaseCounter fib;
  rib::RibOptions with_aggregate;
  with_aggregate.aggregates.push_back({*wire::Prefix::parse("10.0.0.0/8"), false, false, nullptr});
  rib::Rib rib(with_aggregate);
  DrainControl drain(rib, out_, state_, &fib);
  drain.start(0, t0_);
  rib.originate(*wire::Prefix::parse("10.1.0.0/24"), wire::PathAttributes{});
  drain.check_warm_up(false, t0_);
  EXPECT_EQ(fib.releases, 0);
  rib.flush(nullptr, out_);
  drain.check_warm_up(false, t0_ + std::chrono::seconds(1));
  EXPECT_EQ(fib.releases, 1);
}

TEST_F(DrainControlTest, ADrainedNodeStaysDrainedAcrossARestart) {
  ASSERT_TRUE(drain_.set("drained", nullptr, ""));
  OperatorState again(path_.string());
  again.load();
  rib::Rib rib(rib::RibOptions{});
  DrainControl restarted(rib, out_, again, nullptr);
  restarted.start(60, t0_);
  EXPECT_EQ(rib.node_drain(), rib::DrainState::Warm);
  restarted.check_warm_up(true, t0_ + std::chrono::seconds(1));
  EXPECT_EQ(rib.node_drain(), rib::DrainState::Drained);
}

TEST_F(DrainControlTest, AnOperatorDecidesAtOnceAndNonsenseIsRefused) {
  drain_.start(60, t0_);
  auto done = drain_.set("live", nullptr, "");
  ASSERT_TRUE(done);
  EXPECT_EQ(*done, "node is now live");
  EXPECT_EQ(rib_.node_drain(), rib::DrainState::Live);
  auto refused = drain_.set("sideways", nullptr, "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, OpError::Kind::InvalidArgument);
}

}  // namespace
}  // namespace closbgp::session
