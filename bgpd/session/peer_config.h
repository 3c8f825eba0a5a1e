// What the configuration means for the sessions: a configured neighbour's
// session settings and policy, the engine's options, and what a reload
// may change in place. Pure functions of the configuration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bgpd/config/config.h"
#include "bgpd/session/fsm.h"
#include "bgpd/session/peer.h"
#include "rib/rib.h"

namespace closbgp::session {

// Neighbour `n`'s session settings; `restarting`: we restart gracefully
// (our forwarding state was kept).
LocalConfig local_config(const config::Config& cfg, const config::Neighbor& n, bool restarting);
PeerPolicy peer_policy(const config::Config& cfg, const config::Neighbor& n);
rib::SelectionOptions selection_options(const config::Config& cfg);
rib::RibOptions rib_options(const config::Config& cfg);
// The configured neighbour named `name` (Neighbor::name()), or nullptr.
const config::Neighbor* find_neighbor(const config::Config& cfg, const std::string& name);
// Whether a reload must restart neighbour `before` to become `now`: its
// session settings changed, not only how its routes are filtered and sent.
bool needs_restart(const config::Neighbor& before, const config::Neighbor& now);
// What the `evpn` section makes of the engine's leaf: its routed tenant
// (kept as it is when the same again, or with only another route-map)
// and every VNI's route target.
void configure_evpn_leaf(const config::Config& cfg, rib::EvpnLeaf& leaf);
// A reload's share of it: what changed (route targets, a tenant's
// route-map) is applied and said in `changes`.
void reload_evpn_leaf(const config::Config& running, const config::Config& next,
                      rib::EvpnLeaf& leaf, std::vector<std::string>& changes);
// Why `next` cannot replace `running` without restarting the daemon; nullopt: it can.
std::optional<std::string> needs_daemon_restart(const config::Config& running,
                                                const config::Config& next);

}  // namespace closbgp::session
