#include "bgpd/api/summary_answers.h"

#include <grpcpp/alarm.h>

#include <atomic>

#include "bgpd/api/proto_views.h"

namespace closbgp::api {
namespace {

// One call, answered once: by the main loop's summary, or at kFreshWithin
// by the last one it published, whichever comes first.
class SummaryCall {
 public:
  SummaryCall(grpc::ServerUnaryReactor* reactor, closbgp::v1::ShowBgpSummaryResponse* resp)
      : reactor_(reactor), resp_(resp) {}
  // False if the call was answered already.
  bool answer(const SummaryView& view, std::chrono::milliseconds age) {
    if (answered_.exchange(true)) return false;
    fill(view, *resp_);
    resp_->set_snapshot_age_ms(uint32_t(age.count()));
    reactor_->Finish(grpc::Status::OK);
    return true;
  }
  grpc::Alarm& deadline() { return deadline_; }

 private:
  grpc::ServerUnaryReactor* reactor_;
  closbgp::v1::ShowBgpSummaryResponse* resp_;
  std::atomic<bool> answered_{false};
  grpc::Alarm deadline_;
};

}  // namespace

grpc::ServerUnaryReactor* SummaryAnswers::answer(grpc::CallbackServerContext* ctx,
                                                 closbgp::v1::ShowBgpSummaryResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<SummaryCall>(reactor, resp);
  asio::post(main_, [this, call, snapshot = snapshot_] {
    auto view = std::make_shared<const SummaryView>(backend_.summary());
    snapshot->publish(view, std::chrono::steady_clock::now());
    call->answer(*view, std::chrono::milliseconds(0));
  });
  // The alarm holds the call weakly: once the loop has answered, the call
  // goes, and with it the alarm (cancelled).
  call->deadline().Set(std::chrono::system_clock::now() + kFreshWithin,
                       [weak = std::weak_ptr(call), snapshot = snapshot_](bool expired) {
                         auto waiting = weak.lock();
                         if (!expired || !waiting) return;
                         if (auto last = snapshot->latest(std::chrono::steady_clock::now()))
                           waiting->answer(*last->view, last->age);
                       });
  return reactor;
}

}  // namespace closbgp::api
