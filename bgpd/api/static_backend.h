// Shows the configured neighbours, each Idle with no counters. The daemon
// serves this until the session layer (bgpd/session) owns peer state.
#pragma once

#include "bgpd/api/backend.h"
#include "bgpd/config/config.h"

namespace closbgp::api {

class StaticBackend final : public Backend {
 public:
  explicit StaticBackend(const config::Config& cfg);
  SummaryView summary() const override { return view_; }

 private:
  SummaryView view_;
};

}  // namespace closbgp::api
