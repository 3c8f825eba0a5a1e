// A reload on probation (`closctl config reload --confirm SECONDS`, BIRD's
// `configure timeout`, Junos' `commit confirmed`): the new file is applied,
// and the configuration that ran before it comes back unless the operator
// confirms in time. A change that cuts the operator off from the router
// undoes itself.
//
// While a rollback is pending, the point to return to stays the last
// confirmed configuration: further reloads (with --confirm: a new
// deadline) do not move it; only confirm() does.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/config/config.h"
#include "bgpd/net/time_source.h"
#include "bgpd/session/op_error.h"

namespace closbgp::session {

class ConfirmedReload {
 public:
  // What applies a configuration: the Speaker's reload.
  using Apply = std::function<std::expected<std::vector<std::string>, std::string>(config::Config)>;

  ConfirmedReload(net::TimeSource& time, Apply apply);

  // A reload that needs confirming within `within` has just replaced
  // `previous`. Returns the line that tells the operator so.
  std::string begin(config::Config previous, std::chrono::seconds within);
  // Keeps what runs; an error when nothing waits for confirmation.
  std::expected<std::string, OpError> confirm();
  // Seconds left to confirm; nullopt when nothing waits.
  std::optional<std::chrono::seconds> remaining() const;

 private:
  void roll_back();

  net::TimeSource& time_;
  Apply apply_;
  std::unique_ptr<net::Timer> timer_;
  std::optional<config::Config> rollback_;  // the last confirmed configuration
  net::Clock::time_point deadline_{};
};

}  // namespace closbgp::session
