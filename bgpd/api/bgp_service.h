// The handlers of every RPC in bgp.proto: each checks the caller's role
// (AccessRules, from the CallerRegistry's record of its connection), then
// posts its work to the main loop and finishes the call from there
// (DESIGN.md, Threads); streams go through stream_writers.h.
#pragma once

#include <memory>

#include "bgpd/api/access.h"
#include "bgpd/api/backend.h"
#include "bgpd/api/caller_registry.h"
#include "bgpd/api/event_bus.h"
#include "bgpd/asio.h"
#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::api {

class Service : public closbgp::v1::BgpService::CallbackService {
 public:
  // Who is on each connection: the Unix socket's listener registers callers.
  virtual CallerRegistry& callers() = 0;
  // Set by ApiServer::start(), before the server accepts a call.
  virtual void set_rules(AccessRules rules) = 0;
};

std::unique_ptr<Service> make_service(asio::io_context& main, const Backend& backend,
                                      Control& control, EventBus& events);

}  // namespace closbgp::api
