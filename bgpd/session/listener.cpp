#include "bgpd/session/listener.h"

#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"
#include "bgpd/session/socket_options.h"

namespace closbgp::session {

std::expected<void, std::string> Listener::open() {
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint any(asio::ip::address_v6::any(), port_);
  acceptor_.open(any.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::v6_only(false), ec);  // IPv4 arrives v4-mapped
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  // The SYN-ACK comes from the listening socket: TTL 255 and CS6 from there.
  if (!ec) apply_bgp_socket_options(acceptor_.native_handle(), true, SocketSettings{});
  if (!ec) acceptor_.bind(any, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return std::unexpected("cannot listen for BGP on port " + std::to_string(port_) + ": " +
                           ec.message() + " (needs CAP_NET_BIND_SERVICE)");
  session_logger()->info("listening for BGP on port {} (IPv4 and IPv6)", port_);
  accept_next();
  return {};
}

void Listener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void Listener::accept_next() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) on_accept_(std::move(s));
    accept_next();
  });
}

void Listener::peer_key(const std::string& name, const std::string& password,
                        const std::optional<asio::ip::address>& address) {
  if (password.empty() || !acceptor_.is_open()) return;
  auto it = keys_.find(name);
  if (it != keys_.end() && address == it->second) return;
  const int fd = acceptor_.native_handle();
  if (it != keys_.end()) {
    set_tcp_md5(fd, true, to_wire(it->second), -1, "");
    keys_.erase(it);
  }
  if (!address) return;
  if (auto err = set_tcp_md5(fd, true, to_wire(*address), -1, password); !err.empty())
    return neighbor_log(spdlog::level::err, name, "{}; its connections will fail", err);
  keys_.emplace(name, *address);
  neighbor_log(spdlog::level::debug, name, "TCP MD5 key for {} on the listener",
               address_text(*address));
}

void Listener::range_key(const config::Neighbor& range, bool add) {
  if (range.password.empty() || !acceptor_.is_open()) return;
  const wire::Prefix& r = *range.listen_range;
  const auto err = set_tcp_md5(acceptor_.native_handle(), true, r.address(), r.length(),
                               add ? range.password : "");
  if (!err.empty()) session_logger()->error("listen-range {}: {}", r.to_string(), err);
}

}  // namespace closbgp::session
