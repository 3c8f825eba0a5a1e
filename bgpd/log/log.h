// One named spdlog logger per module ("config", "api", "session", ...), all
// writing to stderr, which systemd and containers collect.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace closbgp::log {

std::shared_ptr<spdlog::logger> get(const std::string& module);
// trace, debug, info, warn, error, critical, off. False if unknown.
bool set_level(std::string_view level);

}  // namespace closbgp::log
