// The session module's logger, for the files that make up the speaker.
#pragma once

#include <string_view>
#include <utility>

#include "bgpd/log/log.h"

namespace closbgp::session {

inline std::shared_ptr<spdlog::logger> session_logger() {
  static auto l = log::get("session");
  return l;
}

// A line about one neighbour: "NAME: message" in text; JSON lines carry
// the name as their "neighbor" field too, so a collector can select them.
template <class... Args>
void neighbor_log(spdlog::level::level_enum level, std::string_view name,
                  fmt::format_string<Args...> format, Args&&... args) {
  const auto& logger = session_logger();
  if (!logger->should_log(level)) return;
  const log::NeighborScope scope(name);
  logger->log(level, "{}: {}", name, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace closbgp::session
