// The Prometheus text exposition (format 0.0.4) of the daemon's state:
// what `closctl show bgp summary` shows, as gauges and counters.
#pragma once

#include <string>

#include "bgpd/api/backend.h"

namespace closbgp::api {

std::string metrics_text(const SummaryView& summary);

}  // namespace closbgp::api
