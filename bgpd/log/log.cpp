#include "bgpd/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>

#include "bgpd/json/json_writer.h"

namespace closbgp::log {
namespace {

// The default level and each module's own: read when a logger is created,
// written by the main loop and, for the BFD thread's logger, read there.
std::mutex g_levels_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;
std::map<std::string, spdlog::level::level_enum, std::less<>> g_module_levels;

spdlog::level::level_enum level_for(std::string_view module) {
  auto it = g_module_levels.find(module);
  return it == g_module_levels.end() ? g_level : it->second;
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view level) {
  const auto l = spdlog::level::from_str(std::string(level));
  if (l == spdlog::level::off && level != "off") return std::nullopt;
  return l;
}

// As the config and closctl write it: "warn", not spdlog's "warning".
std::string level_name(spdlog::level::level_enum l) {
  if (l == spdlog::level::warn) return "warn";
  const auto name = spdlog::level::to_string_view(l);
  return {name.data(), name.size()};
}

// Every existing logger to what the levels now say.
void apply_levels() {
  spdlog::apply_all(
      [](const std::shared_ptr<spdlog::logger>& lg) { lg->set_level(level_for(lg->name())); });
}

std::shared_ptr<spdlog::sinks::stderr_sink_mt> sink() {
  static auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return s;
}

// sd-daemon(3): journald reads "<N>" at a line's start as its priority
// when our stderr is the stream JOURNAL_STREAM ("DEVICE:INODE") names.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (!stream || ::fstat(2, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  return std::sscanf(stream, "%llu:%llu", &dev, &ino) == 2 && dev == st.st_dev && ino == st.st_ino;
}

int syslog_priority(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

// What the current thread's lines are about (FieldScope), by Field.
thread_local std::array<std::string_view, 2> t_fields;

class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(bool json, bool journal) : json_(json), journal_(journal) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    if (journal_) line = "<" + std::to_string(syslog_priority(msg.level)) + ">";
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string_view module(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view text(msg.payload.data(), msg.payload.size());
    if (json_) {
      json::JsonWriter w;
      w.begin_object()
          .field("time", utc_time(msg.time))
          .field("level", std::string_view(level.data(), level.size()))
          .field("module", module)
          .field("message", text);
      if (auto v = t_fields[size_t(Field::Neighbor)]; !v.empty()) w.field("neighbor", v);
      if (auto v = t_fields[size_t(Field::Prefix)]; !v.empty()) w.field("prefix", v);
      w.end_object();
      line += w.str();
    } else {
      line += fmt::format("{} {:<7} {:<5} {}", utc_time(msg.time), module,
                          std::string_view(level.data(), level.size()), text);
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(json_, journal_);
  }

 private:
  bool json_, journal_;
};

bool g_json = false;

std::unique_ptr<spdlog::formatter> formatter() {
  static const bool journal = stderr_is_journal();
  return std::make_unique<LineFormatter>(g_json, journal);
}

}  // namespace

FieldScope::FieldScope(Field field, std::string_view value)
    : field_(field), previous_(t_fields[size_t(field)]) {
  t_fields[size_t(field)] = value;
}

FieldScope::~FieldScope() {
  t_fields[size_t(field_)] = previous_;
}

std::string utc_time(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = std::time_t(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", int(ms.count() % 1000));
  return buf;
}

std::shared_ptr<spdlog::logger> get(const std::string& module) {
  const std::lock_guard lock(g_levels_mutex);
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = std::make_shared<spdlog::logger>(module, sink());
  logger->set_formatter(formatter());
  logger->set_level(level_for(module));
  spdlog::register_logger(logger);
  return logger;
}

bool known_module(std::string_view module) {
  return std::find(kModules.begin(), kModules.end(), module) != kModules.end();
}

std::string module_names() {
  std::string names;
  for (auto m : kModules) names += (names.empty() ? "" : ", ") + std::string(m);
  return names;
}

bool known_level(std::string_view level) {
  return parse_level(level).has_value();
}

bool set_levels(std::string_view level, const std::map<std::string, std::string>& modules) {
  const auto l = parse_level(level);
  if (!l) return false;
  std::map<std::string, spdlog::level::level_enum, std::less<>> own;
  for (const auto& [module, module_level] : modules) {
    const auto ml = parse_level(module_level);
    if (!ml || !known_module(module)) return false;
    own.emplace(module, *ml);
  }
  const std::lock_guard lock(g_levels_mutex);
  g_level = *l;
  g_module_levels = std::move(own);
  apply_levels();
  return true;
}

std::expected<std::string, std::string> set_module_level(std::string_view module,
                                                         std::string_view level) {
  const auto l = parse_level(level);
  if (!l)
    return std::unexpected("unknown level '" + std::string(level) +
                           "': trace, debug, info, warn, error, critical or off");
  if (module != "all" && !known_module(module))
    return std::unexpected("unknown module '" + std::string(module) + "': " + module_names() +
                           " or all");
  const std::lock_guard lock(g_levels_mutex);
  const std::string was = level_name(module == "all" ? g_level : level_for(module));
  if (module == "all") {
    g_level = *l;
    g_module_levels.clear();
  } else {
    g_module_levels.insert_or_assign(std::string(module), *l);
  }
  apply_levels();
  return was;
}

bool set_format(std::string_view format) {
  if (format != "text" && format != "json") return false;
  g_json = format == "json";
  spdlog::apply_all(
      [](const std::shared_ptr<spdlog::logger>& lg) { lg->set_formatter(formatter()); });
  return true;
}

}  // namespace closbgp::log
