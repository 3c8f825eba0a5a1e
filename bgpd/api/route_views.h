// Paths as the API shows them: the RIB by prefix, received (Adj-RIB-In,
// with their flags in the Loc-RIB) and sent (a member's Adj-RIB-Out, with
// our next hop).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

// Listings of what `query` selects, a page at a time, by prefix: the RIB,
// each prefix's paths together (the ECMP set best first, the other
// candidates, then the rejected paths neighbours sent; the node's own as
// peer "local");
std::unique_ptr<RoutePages> rib_routes(const session::Speaker& speaker,
                                       const rib::PrefixQuery& query);
// one neighbour's received paths, as it sent them;
std::unique_ptr<RoutePages> received_routes(const session::Speaker& speaker,
                                            const std::string& name, const session::Peer& p,
                                            const rib::PrefixQuery& query);
// what it is sent: the exported attributes and our next hop on its session.
std::unique_ptr<RoutePages> sent_routes(const session::Speaker& speaker, const std::string& name,
                                        const session::Peer& p, const rib::PrefixQuery& query);
// One prefix (exactly, or the longest holding an address) with the
// neighbours it is sent to; nullopt when the RIB holds no path for it.
std::optional<RouteDetailView> route_detail(const session::Speaker& speaker,
                                            const rib::PrefixQuery& query);

}  // namespace closbgp::api
