// Who mirrors the neighbours' sessions and routes to the outside (BMP
// collectors). Told on the main loop right after the RIB engine has taken
// each change, so that it reads the engine's state as it now is.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bgpd/config/config.h"

#include "bgpd/wire/ip.h"
#include "bgpd/wire/messages.h"
#include "rib/evpn_table.h"
#include "rib/table.h"

namespace closbgp::session {

class Peer;

class RouteMonitor {
 public:
  virtual ~RouteMonitor() = default;
  // Its session reached Established; the engine is told next (and sends
  // it the table at once).
  virtual void peer_up(const Peer& p) = 0;
  // Its session went down (Peer::last_down() says why); its paths are
  // withdrawn, or kept stale across a graceful restart.
  virtual void peer_down(const Peer& p) = 0;
  // The prefixes of `update` (announced and withdrawn) are in its
  // Adj-RIB-In, and through import policy, as the update left them.
  virtual void routes_received(const Peer& p, const wire::UpdateMessage& update) = 0;
  // Everything it sent went through import policy again.
  virtual void policy_applied(const Peer& p) = 0;
  // Whole UPDATEs about to be written to its session (an MRT file keeps
  // them); most monitors have no use for them.
  virtual void updates_sent(const Peer& /*p*/, std::span<const uint8_t> /*messages*/) {}
  // These prefixes' best path changed in the Loc-RIB of `table`.
  virtual void best_changed(const rib::TableId& table, std::span<const wire::Prefix> prefixes) = 0;
  // These EVPN routes' best path changed, or they went (an MRT file has
  // no use for them).
  virtual void evpn_best_changed(std::span<const rib::EvpnTable::Key> /*keys*/) {}
  // A reload changed its part of the configuration; returns what it did.
  virtual std::vector<std::string> reconfigure(const config::Config& next) = 0;
};

}  // namespace closbgp::session
