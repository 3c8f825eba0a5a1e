#include "bgpd/api/summary_answers.h"

#include <grpcpp/alarm.h>

#include <array>
#include <atomic>

#include "bgpd/api/proto_views.h"

namespace closbgp::api {
namespace {

using std::chrono::milliseconds;

// How long a call waits for a summary of its own before it may take the last.
constexpr milliseconds kFreshWithin{5};
// When a waiting call looks at the loop again: a piece of work that
// delays it starts within a few turns of the call.
constexpr std::array<milliseconds, 3> kChecks = {kFreshWithin, 2 * kFreshWithin, 4 * kFreshWithin};
// A piece of route work this long is a burst's (an UPDATE or a flush
// takes microseconds to a millisecond; a table growing, tens).
constexpr milliseconds kLongWork{2};

// One call, answered once: by the main loop's summary, or by the last one
// it published when a check finds the loop in a long piece of route work.
class SummaryCall {
 public:
  SummaryCall(grpc::ServerUnaryReactor* reactor, closbgp::v1::ShowBgpSummaryResponse* resp)
      : reactor_(reactor), resp_(resp) {}
  // False if the call was answered already.
  bool answer(const SummaryView& view, milliseconds age) {
    if (answered_.exchange(true)) return false;
    fill(view, *resp_);
    resp_->set_snapshot_age_ms(uint32_t(age.count()));
    reactor_->Finish(grpc::Status::OK);
    return true;
  }
  std::array<grpc::Alarm, kChecks.size()>& checks() { return checks_; }

 private:
  grpc::ServerUnaryReactor* reactor_;
  closbgp::v1::ShowBgpSummaryResponse* resp_;
  std::atomic<bool> answered_{false};
  std::array<grpc::Alarm, kChecks.size()> checks_;
};

}  // namespace

grpc::ServerUnaryReactor* SummaryAnswers::answer(grpc::CallbackServerContext* ctx,
                                                 closbgp::v1::ShowBgpSummaryResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<SummaryCall>(reactor, resp);
  asio::post(main_, [this, call, snapshot = snapshot_] {
    auto view = std::make_shared<const SummaryView>(backend_.summary());
    snapshot->publish(view, std::chrono::steady_clock::now());
    call->answer(*view, milliseconds(0));
  });
  // The alarms hold the call weakly: once the loop has answered, the call
  // goes, and with it the alarms (cancelled).
  const auto posted = std::chrono::system_clock::now();
  for (size_t i = 0; i < kChecks.size(); ++i)
    call->checks()[i].Set(posted + kChecks[i], [weak = std::weak_ptr(call), snapshot = snapshot_,
                                                &backend = backend_](bool expired) {
      auto waiting = weak.lock();
      if (!expired || !waiting || backend.route_work_running() < kLongWork) return;
      if (auto last = snapshot->latest(std::chrono::steady_clock::now()))
        waiting->answer(*last->view, last->age);
    });
  return reactor;
}

}  // namespace closbgp::api
