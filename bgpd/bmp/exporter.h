// BMP (RFC 7854, RFC 9069's Loc-RIB): every neighbour's session and
// routes, mirrored to the configured monitoring stations. It hears the
// speaker as its RouteMonitor and reads the RIB engine's views (Adj-RIB-In
// as received and after import policy, the Loc-RIB; EVPN routes from the
// EVPN table, docs/monitoring.md says how exactly). A station that
// connects gets the Initiation, a Peer Up for every established neighbour,
// then the tables (TableSync), while live changes flow; Statistics Reports
// go every statistics-interval; a Termination when the daemon stops.
// Main loop only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/bmp/collector.h"
#include "bgpd/bmp/table_sync.h"
#include "bgpd/net/time_source.h"
#include "bgpd/session/route_monitor.h"
#include "bgpd/session/speaker.h"

namespace closbgp::bmp {

class Exporter final : public session::RouteMonitor {
 public:
  Exporter(asio::io_context& io, const session::Speaker& speaker);
  ~Exporter() override;

  // Connects to the configured collectors.
  void start();
  // A Termination to each, then the connections close.
  void stop();
  std::vector<Collector::Status> status() const;

  // session::RouteMonitor
  void peer_up(const session::Peer& p) override;
  void peer_down(const session::Peer& p) override;
  void routes_received(const session::Peer& p, const wire::UpdateMessage& update) override;
  void policy_applied(const session::Peer& p) override;
  void best_changed(const rib::TableId& table, std::span<const wire::Prefix> prefixes) override;
  void evpn_best_changed(std::span<const rib::EvpnTable::Key> keys) override;
  std::vector<std::string> reconfigure(const config::Config& next) override;

 private:
  // An established neighbour as its collectors know it, from its Peer Up.
  struct Neighbor {
    std::string name;
    wire::bmp::PeerHeader header;  // the time it came up
    wire::bmp::PeerUp up;
    wire::FamilySet families;
    wire::FamilySet ids;  // families it sends path ids in (add-path)
  };
  struct Station {
    std::unique_ptr<Collector> link;
    std::unique_ptr<TableSync> sync;
  };

  void open(const config::BmpCollector& where);
  void connected(Station& s);
  // Tables to send, of the neighbours still up when each batch is taken.
  std::unique_ptr<TableSync> new_sync() const;
  // The next batches of the station's tables, while it has room.
  void continue_sync(const std::string& name);
  // To every connected station.
  void broadcast(const std::vector<uint8_t>& bytes);
  bool anyone_connected() const;
  // The header of `n`'s messages now; `post`: its post-policy view.
  wire::bmp::PeerHeader header(const Neighbor& n, bool post) const;
  wire::bmp::PeerHeader loc_rib_header() const;
  // Whether the EVPN table holds `n`'s EVPN routes as it sent them (it has
  // no EVPN route-map-in).
  bool evpn_as_received(const Neighbor& n) const;
  void loc_rib_peer_up(std::vector<uint8_t>& out) const;
  void arm_statistics();
  void send_statistics();

  asio::io_context& io_;
  const session::Speaker& speaker_;
  net::AsioTimeSource time_;
  config::Bmp config_;
  std::map<std::string, std::unique_ptr<Station>> stations_;  // by collector name
  // Removed by a reload: their Termination is leaving.
  std::vector<std::unique_ptr<Station>> retired_;
  std::map<rib::SourceId, Neighbor> up_;
  std::unique_ptr<net::Timer> statistics_timer_;
};

}  // namespace closbgp::bmp
