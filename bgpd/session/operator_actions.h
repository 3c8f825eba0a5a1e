// What an operator may do to a running node, besides reloading it: drain
// it or one neighbour, add and delete routes, reset, shut down or enable a
// neighbour. Each returns what was done, for the operator, or an OpError;
// what must outlive the process goes to the state file. api::NodeControl
// forwards the API's requests here.
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/session/drain_control.h"
#include "bgpd/session/op_error.h"
#include "bgpd/session/operator_state.h"
#include "bgpd/session/origination.h"
#include "bgpd/session/peer.h"
#include "bgpd/session/rib_driver.h"

namespace closbgp::session {

using Peers = std::map<std::string, std::unique_ptr<Peer>>;  // by name

// The neighbour an operator named; NotFound says where the names are.
std::expected<Peer*, OpError> find_peer(const Peers& peers, const std::string& name);

class OperatorActions {
 public:
  OperatorActions(Peers& peers, RibDriver& driver, Origination& origination, DrainControl& drain,
                  OperatorState& state)
      : peers_(peers), driver_(driver), origination_(origination), drain_(drain), state_(state) {}

  // "live", "drained" or "warm", of the node or of one neighbour.
  std::expected<std::string, OpError> set_drain(const std::string& state,
                                                const std::string& neighbor);
  std::expected<std::string, OpError> add_route(const std::string& prefix,
                                                const std::vector<std::string>& communities,
                                                const std::vector<std::string>& large_communities,
                                                std::optional<uint32_t> med);
  std::expected<std::string, OpError> delete_route(const std::string& prefix);
  // Restarts a neighbour's session, or with `soft` "in", "out" or "both"
  // re-applies its policy without touching the session.
  std::expected<std::string, OpError> reset_neighbor(const std::string& neighbor,
                                                     const std::string& soft);
  std::expected<std::string, OpError> set_neighbor_enabled(const std::string& neighbor,
                                                           bool enabled,
                                                           const std::string& message);

  // Shut down by an operator (kept in the state file).
  bool shut_down(const std::string& name) const { return state_.saved().shutdown.contains(name); }
  // Starts `p` unless the operator shut it down or max-prefix holds it.
  void start_unless_held(Peer& p) const;

 private:
  Peers& peers_;
  RibDriver& driver_;
  Origination& origination_;
  DrainControl& drain_;
  OperatorState& state_;
};

}  // namespace closbgp::session
