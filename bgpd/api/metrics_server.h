// GET /metrics over HTTP (Boost.Beast) for Prometheus, on the main
// io_context: each scrape reads the same state the API does, one request
// per connection.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "bgpd/api/backend.h"
#include "bgpd/asio.h"

namespace closbgp::api {

class MetricsServer {
 public:
  MetricsServer(asio::io_context& io, const Backend& backend);
  ~MetricsServer();
  // "HOST:PORT"; the error says why it cannot listen.
  std::expected<void, std::string> start(const std::string& listen);
  void stop();

 private:
  void accept_next();
  asio::io_context& io_;
  const Backend& backend_;
  asio::ip::tcp::acceptor acceptor_;
};

}  // namespace closbgp::api
