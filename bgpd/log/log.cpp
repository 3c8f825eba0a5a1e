#include "bgpd/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace closbgp::log {
namespace {

spdlog::level::level_enum g_level = spdlog::level::info;

std::shared_ptr<spdlog::sinks::stderr_sink_mt> sink() {
  static auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return s;
}

}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = std::make_shared<spdlog::logger>(module, sink());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-7n %-5l %v");
  logger->set_level(g_level);
  spdlog::register_logger(logger);
  return logger;
}

bool set_level(std::string_view level) {
  const auto l = spdlog::level::from_str(std::string(level));
  if (l == spdlog::level::off && level != "off") return false;
  g_level = l;
  spdlog::apply_all([l](const std::shared_ptr<spdlog::logger>& lg) { lg->set_level(l); });
  return true;
}

}  // namespace closbgp::log
