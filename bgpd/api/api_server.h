// The gRPC server. Handlers run on gRPC's threads and only post work into the
// main io_context; the reactor is finished from there (DESIGN.md, Threads).
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "bgpd/api/backend.h"
#include "bgpd/api/event_bus.h"
#include "bgpd/asio.h"

namespace closbgp::api {

class ApiServer {
 public:
  ApiServer(asio::io_context& main, const Backend& backend, Control& control, EventBus& events);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // PEM files; all empty: no TLS. With `client_ca`, mutual TLS: a client
  // must present a certificate signed by it.
  struct Tls {
    std::string cert, key, client_ca;
  };
  // Listens on "HOST:PORT" or "unix:PATH"; the error says why it could not.
  std::expected<void, std::string> start(const std::string& listen, const Tls& tls = {});
  // Stops accepting calls and waits up to `grace_ms` for those in flight.
  // Must not be called from the main io_context thread, which in-flight
  // calls need in order to finish.
  void shutdown(int grace_ms);

 private:
  class Service;
  std::unique_ptr<Service> service_;
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace closbgp::api
