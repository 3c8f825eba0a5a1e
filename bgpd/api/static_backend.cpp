#include "bgpd/api/static_backend.h"

namespace closbgp::api {

StaticBackend::StaticBackend(const config::Config& cfg) {
  view_.router_id = cfg.router_id.to_string();
  view_.local_as = cfg.asn;
  for (const auto& n : cfg.neighbors) {
    PeerView p;
    p.interface = n.interface;
    if (n.address) p.address = n.address->to_string();
    if (n.listen_range) p.address = n.listen_range->to_string();
    p.remote_as_config = n.remote_as.to_string();
    view_.peers.push_back(std::move(p));
  }
}

}  // namespace closbgp::api
