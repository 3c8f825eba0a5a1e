#include "bgpd/session/operator_actions.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

std::expected<Peer*, OpError> find_peer(const Peers& peers, const std::string& name) {
  auto it = peers.find(name);
  if (it == peers.end())
    return std::unexpected(
        OpError{OpError::Kind::NotFound,
                "no neighbour " + name + " (closctl show bgp summary lists them)"});
  return it->second.get();
}

// A neighbour the operator shut down stays down (the state file keeps it so),
// and one that max-prefix stopped waits for its restart.
void OperatorActions::start_unless_held(Peer& p) const {
  if (!shut_down(p.identity().name) && !p.held_down()) p.start();
}

std::expected<std::string, OpError> OperatorActions::set_drain(const std::string& state,
                                                               const std::string& neighbor) {
  Peer* p = nullptr;
  if (!neighbor.empty()) {
    auto named = find_peer(peers_, neighbor);
    if (!named) return std::unexpected(named.error());
    p = *named;
  }
  return drain_.set(state, p, neighbor);
}

std::expected<std::string, OpError> OperatorActions::add_route(
    const std::string& prefix, const std::vector<std::string>& communities,
    const std::vector<std::string>& large_communities, std::optional<uint32_t> med) {
  auto done = origination_.add_route(prefix, communities, large_communities, med);
  driver_.schedule_flush();
  return done;
}

std::expected<std::string, OpError> OperatorActions::delete_route(const std::string& prefix) {
  auto done = origination_.delete_route(prefix);
  driver_.schedule_flush();
  return done;
}

std::expected<std::string, OpError> OperatorActions::reset_neighbor(const std::string& neighbor,
                                                                    const std::string& soft) {
  using Kind = OpError::Kind;
  auto named = find_peer(peers_, neighbor);
  if (!named) return std::unexpected(named.error());
  Peer& p = **named;
  if (soft.empty()) {
    neighbor_log(spdlog::level::warn, neighbor, "reset by the operator");
    p.stop(wire::cease::kAdminReset, "reset by the operator");
    start_unless_held(p);
    return "neighbour " + neighbor + ": session reset";
  }
  if (soft != "in" && soft != "out" && soft != "both")
    return std::unexpected(
        OpError{Kind::InvalidArgument, "soft reset '" + soft + "': in, out or both"});
  if (!p.negotiated())
    return std::unexpected(OpError{
        Kind::Conflict, "neighbour " + neighbor + " has no established session to refresh"});
  neighbor_log(spdlog::level::info, neighbor, "soft reset {} by the operator", soft);
  if (soft != "out") {
    driver_.reimport(p);
    // The EVPN table keeps a neighbour's routes only as accepted: policy
    // is applied to them again as it sends them again.
    if (p.negotiated()->families.has(wire::Family::L2vpnEvpn))
      p.request_refresh("soft reset in of its EVPN routes");
  }
  if (soft != "in") driver_.rib().refresh(p.id(), driver_.advertiser());
  driver_.schedule_flush();
  return "neighbour " + neighbor + ": policy re-applied (" + soft + ")";
}

std::expected<std::string, OpError> OperatorActions::set_neighbor_enabled(
    const std::string& neighbor, bool enabled, const std::string& message) {
  auto named = find_peer(peers_, neighbor);
  if (!named) return std::unexpected(named.error());
  Peer& p = **named;
  auto& shutdown = state_.saved().shutdown;
  std::string what = "neighbour " + neighbor;
  if (enabled) {
    shutdown.erase(neighbor);
    p.start();  // also one that max-prefix stopped
    what += " enabled";
  } else {
    shutdown.insert(neighbor);
    p.stop(wire::cease::kAdminShutdown, message.empty() ? "shut down by the operator" : message);
    what += " shut down";
  }
  session_logger()->warn("{}", what);
  return what + state_.save();
}

}  // namespace closbgp::session
