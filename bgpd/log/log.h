// One named spdlog logger per module ("config", "api", "session", ...), all
// writing to stderr, which systemd and containers collect. Lines carry UTC
// time ("...Z"); under journald (JOURNAL_STREAM names our stderr) each
// starts with its syslog priority ("<4>"), so `journalctl -p warning`
// selects; `json` makes each line one JSON object.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace closbgp::log {

std::shared_ptr<spdlog::logger> get(const std::string& module);
// "2026-12-04T19:23:55.109Z": how log lines and the API write a moment.
std::string utc_time(std::chrono::system_clock::time_point t);
// trace, debug, info, warn, error, critical, off. False if unknown.
bool set_level(std::string_view level);
// "text" (the default) or "json": {"time", "level", "module", "message"}.
// False if unknown.
bool set_format(std::string_view format);

}  // namespace closbgp::log
