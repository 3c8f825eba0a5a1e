// The gRPC server: where it listens, with which credentials and access
// rules, and its lifetime. The handlers are bgp_service.h's: they run on
// gRPC's threads and only post work into the main io_context.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "bgpd/api/backend.h"
#include "bgpd/api/bgp_service.h"
#include "bgpd/api/event_bus.h"
#include "bgpd/asio.h"
#include "bgpd/config/config.h"

namespace closbgp::api {

class ApiServer {
 public:
  ApiServer(asio::io_context& main, const Backend& backend, Control& control, EventBus& events);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Listens where `grpc.listen` says: a Unix socket the daemon accepts on
  // itself (to know each caller's uid and groups), or TCP through gRPC, with
  // TLS when configured; every call is checked against the caller's role.
  // The error says why it could not listen.
  std::expected<void, std::string> start(const config::Grpc& grpc);
  // Stops accepting calls and waits up to `grace_ms` for those in flight.
  // Must not be called from the main io_context thread, which in-flight
  // calls need in order to finish.
  void shutdown(int grace_ms);

 private:
  asio::io_context& main_;
  std::unique_ptr<Service> service_;
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace closbgp::api
