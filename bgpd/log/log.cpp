#include "bgpd/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "bgpd/json/json_writer.h"

namespace closbgp::log {
namespace {

spdlog::level::level_enum g_level = spdlog::level::info;

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
          .field("message", text)
          .end_object();
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
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = std::make_shared<spdlog::logger>(module, sink());
  logger->set_formatter(formatter());
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

bool set_format(std::string_view format) {
  if (format != "text" && format != "json") return false;
  g_json = format == "json";
  spdlog::apply_all(
      [](const std::shared_ptr<spdlog::logger>& lg) { lg->set_formatter(formatter()); });
  return true;
}

}  // namespace closbgp::log
