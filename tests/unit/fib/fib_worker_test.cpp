// The FIB worker against the in-memory kernel, driven on the test's thread
// (drain(), audit()): what it writes, what it reports installed and when
// (advertise-after-install), a previous run's routes kept until release()
// and then reconciled, repair of what others change, status and backlog,
// size hints, and the routes removed on exit when not retained.
#include "fib/fib_worker.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "tests/mocks/fake_kernel.h"
#include "tests/mocks/route_updates.h"

namespace closbgp::fib {
namespace {

using mocks::route_update;

constexpr uint32_t kFirstId = 1000;

rib::NextHop nh(uint32_t ifindex, const char* gw) {
  return {ifindex, *wire::IpAddress::parse(gw)};
}
wire::Prefix pfx(const char* p) {
  return *wire::Prefix::parse(p);
}
std::shared_ptr<spdlog::logger> quiet() {
  return std::make_shared<spdlog::logger>("fib-test");
}

using Forwarding = std::map<wire::Prefix, std::vector<rib::NextHop>>;

struct Reported {
  std::vector<wire::Prefix> prefixes;
  uint64_t through = 0;
};

class FibWorkerTest : public ::testing::Test {
 protected:
  std::unique_ptr<FibWorker> worker(WorkerOptions options = {},
                                    std::shared_ptr<spdlog::logger> log = quiet()) {
    auto w = std::make_unique<FibWorker>(kernel, Planner(kFirstId), options, std::move(log));
    w->report_installed([this](std::vector<wire::Prefix> p, uint64_t through) {
      reported.push_back({std::move(p), through});
    });
    return w;
  }

  mocks::FakeKernel kernel;
  std::vector<Reported> reported;
  const std::vector<rib::NextHop> ecmp = {nh(2, "fe80::1"), nh(3, "fe80::2")};
};

TEST_F(FibWorkerTest, QueuedUpdatesAreWrittenCoalescedAndReportedInstalled) {
  auto w = worker();
  EXPECT_FALSE(w->drain());  // nothing queued
  EXPECT_EQ(w->apply(route_update({{pfx("10.0.0.0/24"), {ecmp[0]}}}, {})), 1u);
  EXPECT_EQ(w->apply(route_update({{pfx("10.0.0.0/24"), ecmp}, {pfx("10.0.1.0/24"), ecmp}}, {})),
            2u);
  EXPECT_EQ(w->backlog(), 2u);  // the latest set per prefix
  EXPECT_TRUE(w->drain());
  EXPECT_EQ(w->backlog(), 0u);
  EXPECT_EQ(kernel.forwarding(),
            (Forwarding{{pfx("10.0.0.0/24"), ecmp}, {pfx("10.0.1.0/24"), ecmp}}));
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].through, 2u);
  EXPECT_EQ(reported[0].prefixes.size(), 2u);
  const auto status = w->status();
  EXPECT_EQ(status.routes, 2u);
  EXPECT_EQ(status.groups, 1u);
  EXPECT_EQ(status.nexthops, 2u);
  EXPECT_EQ(status.errors, 0u);
  // A removal is written, and not reported as installed.
  w->apply(route_update({}, {pfx("10.0.1.0/24")}));
  EXPECT_TRUE(w->drain());
  EXPECT_EQ(kernel.forwarding(), (Forwarding{{pfx("10.0.0.0/24"), ecmp}}));
  EXPECT_EQ(reported.size(), 1u);
}

TEST_F(FibWorkerTest, ARefusedRouteIsCountedAndNotReportedInstalled) {
  auto w = worker();
  kernel.refuse(pfx("10.0.9.0/24"));
  w->apply(route_update({{pfx("10.0.8.0/24"), ecmp}, {pfx("10.0.9.0/24"), ecmp}}, {}));
  w->drain();
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].prefixes, std::vector<wire::Prefix>{pfx("10.0.8.0/24")});
  const auto status = w->status();
  EXPECT_EQ(status.errors, 1u);
  EXPECT_NE(status.last_error.find("route 10.0.9.0/24"), std::string::npos) << status.last_error;
}

// A size hint (a neighbour's full table on its way) gives the planner's
// route table room before the routes come, taken on its own thread (here
// drain()); the table then fills without growing. The larger hint wins.
TEST_F(FibWorkerTest, ASizeHintMakesRoomBeforeTheRoutesCome) {
  auto w = worker();
  w->expect(wire::Afi::Ipv4, 100);
  w->expect(wire::Afi::Ipv4, 500);
  w->expect(wire::Afi::Ipv4, 200);
  std::vector<std::pair<wire::Prefix, std::vector<rib::NextHop>>> routes;
  for (uint32_t i = 0; i < 500; ++i)
    routes.push_back({wire::Prefix(wire::IpAddress::v4(0x0a000000u + (i << 8)), 24), ecmp});
  w->apply(route_update({routes.front()}, {}));
  w->drain();
  const size_t room = w->room(wire::Afi::Ipv4);
  EXPECT_GE(room, 500u);
  EXPECT_EQ(w->room(wire::Afi::Ipv6), 0u);
  w->apply(route_update(routes, {}));
  w->drain();
  EXPECT_EQ(w->status().routes, 500u);
  EXPECT_EQ(w->room(wire::Afi::Ipv4), room);
}

// A restart: the previous run's routes keep forwarding, untouched, while
// the RIB fills; then only what differs is written and the rest removed.
TEST_F(FibWorkerTest, APreviousRunIsKeptUntilReleaseThenReconciled) {
  {
    auto before = worker();
    before->apply(route_update({{pfx("10.1.0.0/24"), ecmp}, {pfx("10.2.0.0/24"), ecmp}}, {}));
    before->drain();
  }  // retained on exit
  ASSERT_EQ(kernel.forwarding().size(), 2u);
  std::ostringstream logged;
  auto w = worker({}, std::make_shared<spdlog::logger>(
                          "fib-test", std::make_shared<spdlog::sinks::ostream_sink_st>(logged)));
  w->adopt(*kernel.read());
  EXPECT_TRUE(w->kept_previous_run());
  // The new table: 10.1 unchanged, 10.3 new, 10.2 gone.
  w->apply(route_update({{pfx("10.1.0.0/24"), ecmp}, {pfx("10.3.0.0/24"), {ecmp[0]}}}, {}));
  EXPECT_EQ(w->backlog(), 0u);  // held: not a backlog, reading goes on
  EXPECT_FALSE(w->drain());
  EXPECT_EQ(kernel.forwarding().size(), 2u);
  EXPECT_TRUE(kernel.forwarding().contains(pfx("10.2.0.0/24")));
  w->release();
  EXPECT_TRUE(w->drain());
  EXPECT_EQ(kernel.forwarding(),
            (Forwarding{{pfx("10.1.0.0/24"), ecmp}, {pfx("10.3.0.0/24"), {ecmp[0]}}}));
  EXPECT_NE(logged.str().find("reconciled: 1 of the previous run's 2 routes left as they were, "
                              "1 written, 1 removed"),
            std::string::npos)
      << logged.str();
}

TEST_F(FibWorkerTest, WhatOthersChangeIsPutBack) {
  auto w = worker();
  w->apply(route_update({{pfx("10.4.0.0/24"), ecmp}, {pfx("10.5.0.0/24"), ecmp}}, {}));
  w->drain();
  reported.clear();
  kernel.apply({op::DelRoute{pfx("10.5.0.0/24")}});  // an operator's `ip route del`
  w->changed_by_others("route 10.5.0.0/24 deleted");
  EXPECT_TRUE(w->drain());
  EXPECT_EQ(kernel.forwarding().size(), 2u);
  EXPECT_EQ(w->status().repairs, 1u);
  ASSERT_EQ(reported.size(), 1u);  // put back, so installed again
  EXPECT_EQ(reported[0].prefixes, std::vector<wire::Prefix>{pfx("10.5.0.0/24")});
  // The periodic audit finds the same without notice.
  kernel.link_down(3);
  w->audit();
  EXPECT_EQ(kernel.forwarding(),
            (Forwarding{{pfx("10.4.0.0/24"), ecmp}, {pfx("10.5.0.0/24"), ecmp}}));
}

// The periodic audit runs on the time it is given: no test sleeps for it.
TEST_F(FibWorkerTest, AuditsAtItsIntervalOnTheTimeItIsGiven) {
  using std::chrono::seconds;
  auto w = worker({.repair = true, .audit_seconds = 60, .retain_on_exit = true});
  w->release();
  w->apply(route_update({{pfx("10.8.0.0/24"), ecmp}, {pfx("10.9.0.0/24"), ecmp}}, {}));
  w->drain();
  const auto t0 = FibWorker::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(w->audit_if_due(t0), t0 + seconds(60));  // the first deadline
  kernel.apply({op::DelRoute{pfx("10.9.0.0/24")}});  // deleted, and no notice of it
  EXPECT_EQ(w->audit_if_due(t0 + seconds(59)), t0 + seconds(60));
  EXPECT_EQ(kernel.forwarding().size(), 1u);  // not due yet
  EXPECT_EQ(w->audit_if_due(t0 + seconds(61)), t0 + seconds(121));
  EXPECT_EQ(kernel.forwarding().size(), 2u);  // the audit put it back
  EXPECT_EQ(w->status().repairs, 1u);
  EXPECT_EQ(worker({.repair = true, .audit_seconds = 0, .retain_on_exit = true})->audit_if_due(t0),
            std::nullopt);
  EXPECT_EQ(
      worker({.repair = false, .audit_seconds = 60, .retain_on_exit = true})->audit_if_due(t0),
      std::nullopt);
}

TEST_F(FibWorkerTest, NotRetainedOnExitItsRoutesLeaveWithIt) {
  {
    auto w = worker({.repair = true, .audit_seconds = 0, .retain_on_exit = false});
    w->apply(route_update({{pfx("10.6.0.0/24"), ecmp}}, {}));
    w->drain();
    EXPECT_EQ(kernel.forwarding().size(), 1u);
  }
  EXPECT_TRUE(kernel.forwarding().empty());
  EXPECT_EQ(kernel.objects(), 0u);
}

// Its own thread does the same as drain(), woken by apply().
TEST_F(FibWorkerTest, ItsThreadWritesWhatIsQueued) {
  auto w = worker({.repair = false, .audit_seconds = 0, .retain_on_exit = true});
  std::mutex mu;
  std::condition_variable cv;
  bool installed = false;
  w->report_installed([&](std::vector<wire::Prefix>, uint64_t) {
    std::lock_guard lock(mu);
    installed = true;
    cv.notify_one();
  });
  w->start();
  w->apply(route_update({{pfx("10.7.0.0/24"), ecmp}}, {}));
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return installed; }));
}

}  // namespace
}  // namespace closbgp::fib
