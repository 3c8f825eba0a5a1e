// closbgpd's command line.
#pragma once

#include <expected>
#include <span>
#include <string>

namespace closbgp::config {

struct DaemonOptions {
  std::string config_path = "/etc/closbgpd/closbgpd.yaml";
  std::string log_level;            // empty: the config's logging.level
  std::string log_format = "text";  // or "json"
  bool check_only = false;          // validate the config and exit
  bool show_version = false;
  bool show_help = false;
};

std::expected<DaemonOptions, std::string> parse_daemon_options(std::span<char* const> args);
std::string daemon_usage();

}  // namespace closbgp::config
