// The BGP listener: port 179 over IPv4 and IPv6 (IPv4 arrives v4-mapped),
// TTL 255 and CS6 on its SYN-ACKs, and the TCP MD5 keys (RFC 2385) the
// kernel checks a neighbour's SYN against before any connection exists:
// one for every neighbour with a password whose address we know
// (configured, or learned from its Router Advertisements), one per
// listen-range. Outbound connections set their own key (Connection).
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/config/config.h"

namespace closbgp::session {

class Listener {
 public:
  using OnAccept = std::function<void(asio::ip::tcp::socket)>;
  Listener(asio::io_context& io, uint16_t port, OnAccept on_accept)
      : acceptor_(io), port_(port), on_accept_(std::move(on_accept)) {}

  std::expected<void, std::string> open();
  void close();
  // Neighbour `name`'s key for `address` (nullopt: it is going away); a
  // neighbour without a password has none.
  void peer_key(const std::string& name, const std::string& password,
                const std::optional<asio::ip::address>& address);
  // A listen-range's key covers the range.
  void range_key(const config::Neighbor& range, bool add);

 private:
  void accept_next();

  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_;
  OnAccept on_accept_;
  std::map<std::string, asio::ip::address> keys_;  // by neighbour name
};

}  // namespace closbgp::session
