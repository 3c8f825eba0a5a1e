#include "bgpd/api/metrics_server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bgpd/api/metrics_text.h"
#include "bgpd/log/log.h"

namespace closbgp::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// One connection: read a request, answer it, close.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::ip::tcp::socket socket, const Backend& backend)
      : stream_(std::move(socket)), backend_(backend) {}

  void run() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->answer();
                     });
  }

 private:
  void answer() {
    response_.version(request_.version());
    response_.keep_alive(false);
    const bool metrics = request_.target() == "/metrics";
    if (request_.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.body() = "GET /metrics\n";
    } else if (!metrics) {
      response_.result(http::status::not_found);
      response_.body() = "metrics are at /metrics\n";
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response_.body() = metrics_text(backend_.summary());
    }
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  const Backend& backend_;
};

}  // namespace

MetricsServer::MetricsServer(asio::io_context& io, const Backend& backend)
    : io_(io), backend_(backend), acceptor_(io) {}

MetricsServer::~MetricsServer() = default;

std::expected<void, std::string> MetricsServer::start(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return std::unexpected("metrics: '" + host + "' is not an IP address");
  const asio::ip::tcp::endpoint endpoint(address, uint16_t(std::stoul(listen.substr(colon + 1))));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("metrics: cannot listen on " + listen + ": " + ec.message());
  log::get("api")->info("Prometheus metrics at http://{}/metrics", listen);
  accept_next();
  return {};
}

void MetricsServer::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void MetricsServer::accept_next() {
  acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Exchange>(std::move(socket), backend_)->run();
    accept_next();
  });
}

}  // namespace closbgp::api
