#include "bgpd/config/command_line.h"

#include <string_view>

namespace closbgp::config {

std::string daemon_usage() {
  return "Usage: closbgpd [OPTIONS]\n"
         "BGP routing daemon for leaf/spine (Clos) data-center fabrics.\n"
         "\n"
         "  -c, --config FILE     configuration file (default /etc/closbgpd/closbgpd.yaml)\n"
         "      --check           validate the configuration and exit: 0 if valid\n"
         "      --log-level LVL   trace, debug, info, warn, error, off: every module's level\n"
         "                        (default: the config's logging.level, info)\n"
         "      --log-format FMT  text (default) or json: one object a line\n"
         "  -V, --version         print the version and exit\n"
         "  -h, --help            print this help and exit\n"
         "\n"
         "Runs in the foreground and logs to stderr, times in UTC; under journald each\n"
         "line carries its priority. SIGTERM and SIGINT stop it.\n"
         "The API listens on unix:/run/closbgpd/closbgpd.sock unless the config says otherwise;\n"
         "use closctl to query it.\n";
}

std::expected<DaemonOptions, std::string> parse_daemon_options(std::span<char* const> args) {
  DaemonOptions o;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string& out) -> bool {
      if (const auto eq = a.find('='); eq != std::string_view::npos) {
        out = a.substr(eq + 1);
        return true;
      }
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    if (a == "-h" || a == "--help") {
      o.show_help = true;
    } else if (a == "-V" || a == "--version") {
      o.show_version = true;
    } else if (a == "--check") {
      o.check_only = true;
    } else if (a == "-c" || a == "--config" || a.starts_with("--config=")) {
      if (!value(o.config_path)) return std::unexpected("--config needs a file name");
    } else if (a == "--log-level" || a.starts_with("--log-level=")) {
      if (!value(o.log_level)) return std::unexpected("--log-level needs a level");
    } else if (a == "--log-format" || a.starts_with("--log-format=")) {
      if (!value(o.log_format)) return std::unexpected("--log-format needs text or json");
    } else {
      return std::unexpected("unknown option '" + std::string(a) + "'");
    }
  }
  return o;
}

}  // namespace closbgp::config
