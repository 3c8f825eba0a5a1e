// Paths as the API shows them: received (Adj-RIB-In, with their flags in
// the Loc-RIB) and sent (a member's Adj-RIB-Out, with our next hop).
#pragma once

#include <string>
#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

// What `query` selects of: every neighbour's received paths as policy left
// them, by neighbour then prefix;
std::vector<RouteView> received_routes(const session::Speaker& speaker,
                                       const rib::PrefixQuery& query);
// one neighbour's, as it sent them, by prefix;
std::vector<RouteView> received_routes(const session::Speaker& speaker, const std::string& name,
                                       const session::Peer& p, const rib::PrefixQuery& query);
// what it is sent: the exported attributes and our next hop on its
// session, by prefix.
std::vector<RouteView> sent_routes(const session::Speaker& speaker, const std::string& name,
                                   const session::Peer& p, const rib::PrefixQuery& query);

}  // namespace closbgp::api
