// One named spdlog logger per module ("config", "api", "session", ...), all
// writing to stderr, which systemd and containers collect. Lines carry UTC
// time ("...Z"); under journald (JOURNAL_STREAM names our stderr) each
// starts with its syslog priority ("<4>"), so `journalctl -p warning`
// selects; `json` makes each line one JSON object.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace closbgp::log {

std::shared_ptr<spdlog::logger> get(const std::string& module);
// "2026-12-04T19:23:55.109Z": how log lines and the API write a moment.
std::string utc_time(std::chrono::system_clock::time_point t);
// The modules that log, each through its own logger: what per-module
// levels (the config's `logging.modules`, `closctl debug`) may name.
inline constexpr std::array<std::string_view, 9> kModules{"api", "bfd",  "bmp", "config", "evpn",
                                                          "fib", "main", "mrt", "session"};
bool known_module(std::string_view module);
// "api, bfd, bmp, config, evpn, fib, main, mrt, session": for messages.
std::string module_names();
// trace, debug, info, warn, error, critical, off.
bool known_level(std::string_view level);
// Every module's level, then the levels of the modules `modules` names
// (module -> level): what the command line and the config set. False, and
// nothing changed, for an unknown level or module.
bool set_levels(std::string_view level, const std::map<std::string, std::string>& modules = {});
// One module's level at run time ("all": every module's); until the next
// set_levels. Returns the level it had ("info"; for "all", the default's).
std::expected<std::string, std::string> set_module_level(std::string_view module,
                                                         std::string_view level);
// While one lives, what its thread logs is about `value`: JSON lines carry
// it as their `field`. The value must outlive the scope.
enum class Field { Neighbor, Prefix };
class FieldScope {
 public:
  FieldScope(Field field, std::string_view value);
  ~FieldScope();
  FieldScope(const FieldScope&) = delete;
  FieldScope& operator=(const FieldScope&) = delete;

 private:
  Field field_;
  std::string_view previous_;
};
// Lines about a neighbour ("neighbor": "swp1"), about a prefix ("prefix": "10.0.0.0/24").
struct NeighborScope : FieldScope {
  explicit NeighborScope(std::string_view neighbor) : FieldScope(Field::Neighbor, neighbor) {}
};
struct PrefixScope : FieldScope {
  explicit PrefixScope(std::string_view prefix) : FieldScope(Field::Prefix, prefix) {}
};

// "text" (the default) or "json": {"time", "level", "module", "message"},
// with "neighbor" and "prefix" on the lines their scopes cover.
// False if unknown.
bool set_format(std::string_view format);

}  // namespace closbgp::log
