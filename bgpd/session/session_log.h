// The session module's logger, for the files that make up the speaker.
#pragma once

#include "bgpd/log/log.h"

namespace closbgp::session {

inline std::shared_ptr<spdlog::logger> session_logger() {
  static auto l = log::get("session");
  return l;
}

}  // namespace closbgp::session
