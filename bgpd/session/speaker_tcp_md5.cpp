// TCP MD5 signatures (RFC 2385) on the listening socket: the kernel checks
// a neighbour's SYN against the key for its address before any connection
// exists, so the listener holds a key for every neighbour with a password
// whose address we know (configured, or learned from its Router
// Advertisements), and one per listen-range. Outbound connections set
// their own key (Connection::connect).
#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {

void Speaker::add_numbered_peer(const config::Neighbor& n) {
  Peer* p = add_peer(n.address->to_string(), "", 0, n);
  set_peer_address(*p, asio::ip::make_address(n.address->to_string()));
  start_peer(*p);
}

void Speaker::set_peer_address(Peer& p, const asio::ip::address& addr) {
  listener_key(p, addr);
  p.set_address(addr);
}

void Speaker::listener_key(const Peer& p, const std::optional<asio::ip::address>& addr) {
  const std::string& password = p.identity().security.password;
  if (password.empty() || !acceptor_.is_open()) return;
  const std::string& name = p.identity().name;
  auto it = listener_keys_.find(name);
  if (it != listener_keys_.end() && addr == it->second) return;
  const int fd = acceptor_.native_handle();
  if (it != listener_keys_.end()) {
    set_tcp_md5(fd, true, to_wire(it->second), -1, "");
    listener_keys_.erase(it);
  }
  if (!addr) return;
  if (auto err = set_tcp_md5(fd, true, to_wire(*addr), -1, password); !err.empty())
    return session_logger()->error("{}: {}; its connections will fail", name, err);
  listener_keys_.emplace(name, *addr);
  session_logger()->debug("{}: TCP MD5 key for {} on the listener", name, address_text(*addr));
}

void Speaker::listener_key(const config::Neighbor& range, bool add) {
  if (range.password.empty() || !acceptor_.is_open()) return;
  const wire::Prefix& r = *range.listen_range;
  const auto err = set_tcp_md5(acceptor_.native_handle(), true, r.address(), r.length(),
                               add ? range.password : "");
  if (!err.empty()) session_logger()->error("listen-range {}: {}", r.to_string(), err);
}

}  // namespace closbgp::session
