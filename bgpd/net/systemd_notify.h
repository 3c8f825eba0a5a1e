// systemd's notification protocol without libsystemd: one datagram per
// message to the socket named in NOTIFY_SOCKET ("/run/..." or "@abstract").
// Without NOTIFY_SOCKET (not started by systemd) nothing is sent.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace closbgp::net {

// "READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1", "STATUS=...", or
// several joined by newlines. False if it could not be sent.
bool systemd_notify(const std::string& state);

// How often systemd wants WATCHDOG=1 (half of WATCHDOG_USEC, for margin),
// when the watchdog is on for this process.
std::optional<std::chrono::microseconds> systemd_watchdog_interval();

}  // namespace closbgp::net
