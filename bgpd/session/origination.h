// The node's own routes, into the RIB engine: configured networks (through
// their route-maps), redistributed connected prefixes (followed as
// addresses come and go), and routes added through the API (service
// addresses, kept in the state file across restarts).
#pragma once

#include <expected>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bgpd/config/config.h"
#include "bgpd/session/op_error.h"
#include "bgpd/session/operator_state.h"
#include "rib/rib.h"

namespace closbgp::session {

// The configuration's aggregates, as the engine takes them.
std::vector<rib::AggregateSpec> aggregate_specs(const config::Config& cfg);

class Origination {
 public:
  // `cfg`: the running configuration (its owner replaces it on reload).
  Origination(const config::Config& cfg, rib::Rib& rib, OperatorState& state)
      : cfg_(cfg), rib_(rib), state_(state) {}

  // At start: the networks and the routes added before a restart.
  void start();
  // The connected prefixes of this node's up interfaces, again (each second).
  void redistribute_connected();
  // After a reload from `old`: what changed in networks, aggregates and
  // redistribution is applied; appends what was done to `changes`.
  void reload(const config::Config& old, std::vector<std::string>& changes);

  std::expected<std::string, OpError> add_route(const std::string& prefix,
                                                const std::vector<std::string>& communities,
                                                const std::vector<std::string>& large_communities,
                                                std::optional<uint32_t> med);
  std::expected<std::string, OpError> delete_route(const std::string& prefix);

 private:
  // A path of our own (empty AS_PATH) through `route_map`; `what` names
  // the source in logs.
  void originate(const wire::Prefix& prefix, wire::Origin origin, const std::string& route_map,
                 const char* what);
  // A network or an aggregate of the configuration.
  bool originated_by_config(const wire::Prefix& prefix) const;
  std::expected<wire::PathAttributes, std::string> api_route_attributes(
      const config::SavedRoute& r) const;

  const config::Config& cfg_;
  rib::Rib& rib_;
  OperatorState& state_;
  std::set<wire::Prefix> connected_;  // redistributed connected prefixes
};

}  // namespace closbgp::session
