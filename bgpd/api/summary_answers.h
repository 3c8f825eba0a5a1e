// ShowBgpSummary's answers. The main loop computes a summary for each call
// and publishes it (SummarySnapshot). A call the loop has not answered
// within 5 ms, while the loop is in a long piece of route work (a
// million-entry table growing: session/loop_activity.h), gets the last one
// published, with its age, so that a burst of updates never holds up the
// monitoring that polls the summary. An idle loop that is merely slow to
// wake is waited for: its answers stay current.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "bgpd/api/backend.h"
#include "bgpd/api/summary_snapshot.h"
#include "bgpd/asio.h"
#include "closbgp/v1/bgp.pb.h"

namespace closbgp::api {

class SummaryAnswers {
 public:
  SummaryAnswers(asio::io_context& main, const Backend& backend) : main_(main), backend_(backend) {}

  // Answers the call (the caller's role already checked).
  grpc::ServerUnaryReactor* answer(grpc::CallbackServerContext* ctx,
                                   closbgp::v1::ShowBgpSummaryResponse* resp);

 private:
  asio::io_context& main_;
  const Backend& backend_;
  // Shared with the deadlines of calls in flight, which may outlive a turn.
  std::shared_ptr<SummarySnapshot> snapshot_ = std::make_shared<SummarySnapshot>();
};

}  // namespace closbgp::api
