#include "bgpd/session/operator_state.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

void OperatorState::load() {
  auto saved = config::load_state(path_);
  if (!saved)
    session_logger()->error("state file {}: {}; starting as if it were empty", path_,
                            saved.error());
  else
    saved_ = std::move(*saved);
}

std::string OperatorState::save() {
  if (auto saved = config::save_state(path_, saved_); !saved) {
    session_logger()->error("state file not saved: {}", saved.error());
    return " (not saved: " + saved.error() + ")";
  }
  return "";
}

}  // namespace closbgp::session
