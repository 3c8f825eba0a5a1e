// All of this node's BGP: the configured neighbours as Peers, the listener on
// port 179, unnumbered discovery, and the read-only view the API serves.
// Lives on the main io_context.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "bgpd/api/backend.h"
#include "bgpd/asio.h"
#include "bgpd/config/config.h"
#include "bgpd/discovery/router_advert.h"
#include "bgpd/session/peer.h"

namespace closbgp::session {

class Speaker final : public api::Backend {
 public:
  Speaker(asio::io_context& io, const config::Config& cfg, bfd::BfdClient& bfd,
          uint16_t port = 179);
  ~Speaker() override;

  // Listens, opens discovery and starts every neighbour that can start.
  std::expected<void, std::string> start();
  // Cease / Administrative Shutdown with `message` to every peer; `done`
  // runs once the NOTIFICATIONs have had time to leave.
  void shutdown(const std::string& message, std::function<void()> done);

  api::SummaryView summary() const override;
  std::vector<api::RouteView> routes() const override;

 private:
  void accept_next();
  void on_accept(asio::ip::tcp::socket socket);
  void scan_interfaces();
  void on_router_advert(uint32_t ifindex, const asio::ip::address_v6& from);
  LocalConfig local_for(const config::Neighbor& n) const;
  Peer* add_peer(PeerIdentity id, const config::Neighbor& n);

  asio::io_context& io_;
  const config::Config& cfg_;
  bfd::BfdClient& bfd_;
  uint16_t port_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer scan_timer_, shutdown_timer_;
  discovery::RouterAdvertiser ra_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;  // by name
  std::set<std::string> reported_missing_;              // interfaces we said are absent
  bool stopping_ = false;
};

}  // namespace closbgp::session
