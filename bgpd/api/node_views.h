// The API's read side: what the Speaker and its RIB engine hold, as the
// plain views of backend.h. Read on the main loop; nothing is copied that
// the request does not show.
#pragma once

#include "bgpd/api/backend.h"
#include "bgpd/bmp/exporter.h"
#include "bgpd/mrt/recorder.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

class NodeViews final : public Backend {
 public:
  NodeViews(const session::Speaker& speaker, const bmp::Exporter& monitoring,
            const mrt::Recorder& recorder)
      : speaker_(speaker), monitoring_(monitoring), recorder_(recorder) {}

  SummaryView summary() const override;
  std::chrono::nanoseconds route_work_running() const override;
  std::unique_ptr<RoutePages> routes(const rib::PrefixQuery& query) const override;
  std::expected<std::vector<FibRouteView>, ControlError> fib_routes() const override;
  std::expected<PeerView, ControlError> neighbor(const std::string& name) const override;
  std::expected<std::unique_ptr<RoutePages>, ControlError> adj_rib(
      const std::string& neighbor, bool out, const rib::PrefixQuery& query) const override;
  RunningConfigView running_config() const override;
  std::unique_ptr<mrt::RibDump> mrt_dump(std::optional<wire::Family> family) const override;
  std::expected<RouteDetailView, ControlError> route_detail(
      const rib::PrefixQuery& query) const override;
  BmpView bmp() const override;
  std::vector<TrackedNextHopView> next_hops() const override;
  std::vector<EvpnRouteView> evpn_routes(const EvpnQuery& query) const override;
  EvpnVnisView evpn_vnis(uint32_t vni) const override;

 private:
  // A neighbour: its session's status, and what the engine holds of it.
  PeerView peer_view(const std::string& name, const session::Peer& p) const;

  const session::Speaker& speaker_;
  const bmp::Exporter& monitoring_;
  const mrt::Recorder& recorder_;
};

// The session layer's reasons, as the API's.
ControlError control_error(const session::OpError& e);

}  // namespace closbgp::api
