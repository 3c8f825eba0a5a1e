// What the configuration means for the sessions: a configured neighbour's
// session settings and policy, the engine's options, and what a reload
// may change in place. Pure functions of the configuration.
#pragma once

#include <optional>
#include <span>
#include <string>

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
// BFD to numbered neighbour `n` at `address` is multihop (RFC 5883) when
// it may be more than one hop away (`ebgp-multihop`) or its address is on
// none of our links' subnets (FRR's rule, so both ends agree); then the
// lowest TTL its packets may arrive with (ebgp-multihop N: N - 1 routers
// between us; otherwise any). nullopt: single hop.
std::optional<uint8_t> bfd_multihop_min_ttl(const config::Neighbor& n,
                                            const wire::IpAddress& address,
                                            std::span<const rib::ConnectedAddress> connected);
// Whether a reload must restart neighbour `before` to become `now`: its
// session settings changed, not only how its routes are filtered and sent.
bool needs_restart(const config::Neighbor& before, const config::Neighbor& now);
// Why `next` cannot replace `running` without restarting the daemon; nullopt: it can.
std::optional<std::string> needs_daemon_restart(const config::Config& running,
                                                const config::Config& next);

}  // namespace closbgp::session
