#include "bgpd/config/monitoring_config.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

namespace closbgp::config {
using namespace yaml;
namespace {

BmpCollector parse_collector(const YAML::Node& n, const std::string& path) {
  Section s(n, path, {"address", "port", "name"});
  if (!s.has("address")) fail(n, s.key_path("address"), "is required");
  BmpCollector c;
  const std::string text = scalar(s.get("address"), s.key_path("address"));
  const auto address = wire::IpAddress::parse(text);
  if (!address || address->is_unspecified())
    fail(s.get("address"), s.key_path("address"),
         "'" + text + "' must be the collector's IPv4 or IPv6 address");
  c.address = *address;
  if (s.has("port")) c.port = uint16_t(number(s.get("port"), s.key_path("port"), 1, 65535));
  const std::string host = c.address.is_v4() ? text : "[" + c.address.to_string() + "]";
  c.name = s.has("name") ? scalar(s.get("name"), s.key_path("name"))
                         : host + ":" + std::to_string(c.port);
  if (c.name.empty()) fail(s.get("name"), s.key_path("name"), "an empty name");
  return c;
}

MrtFeed parse_feed(const YAML::Node& n, const std::string& path, const char* interval_key,
                   uint32_t default_interval, Files files, const std::string& source,
                   std::set<std::string> more_keys = {}) {
  more_keys.insert({"file", interval_key});
  Section s(n, path, std::move(more_keys));
  if (!s.has("file")) fail(n, s.key_path("file"), "is required");
  MrtFeed f{scalar(s.get("file"), s.key_path("file")), default_interval};
  if (f.file.empty() || f.file.ends_with("/"))
    fail(s.get("file"), s.key_path("file"),
         "a file name pattern (strftime), like updates.%Y%m%d.%H%M");
  if (s.has(interval_key))
    f.interval = uint32_t(number(s.get(interval_key), s.key_path(interval_key), 1, 86400));
  if (files == Files::Open) {
    const std::string now = expand_time(mrt_path(f.file, source), std::time(nullptr));
    const std::filesystem::path dir = std::filesystem::path(now).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      fail(s.get("file"), s.key_path("file"),
           "'" + f.file + "': the directory " + dir.string() + " does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
      fail(s.get("file"), s.key_path("file"),
           "'" + f.file + "': the directory " + dir.string() + " is not writable");
  }
  return f;
}

}  // namespace

std::string mrt_path(const std::string& pattern, const std::string& source) {
  if (pattern.starts_with("/")) return pattern;
  if (const char* logs = std::getenv("LOGS_DIRECTORY"); logs && *logs)
    return (std::filesystem::path(logs) / pattern).string();
  return (std::filesystem::path(source).parent_path() / pattern).string();
}

std::string expand_time(const std::string& pattern, std::time_t t) {
  std::tm utc{};
  gmtime_r(&t, &utc);
  char out[4096];
  const size_t n = std::strftime(out, sizeof out, pattern.c_str(), &utc);
  return n == 0 ? pattern : std::string(out, n);
}

Mrt parse_mrt(const YAML::Node& n, Files files, const std::string& source) {
  Section s(n, "mrt", {"updates", "rib"});
  Mrt m;
  if (s.has("updates")) {
    const auto n_updates = s.get("updates");
    m.updates =
        parse_feed(n_updates, "mrt.updates", "rotate-interval", 300, files, source, {"sent"});
    if (n_updates["sent"]) m.updates->sent = boolean(n_updates["sent"], "mrt.updates.sent");
  }
  if (s.has("rib")) m.rib = parse_feed(s.get("rib"), "mrt.rib", "interval", 3600, files, source);
  return m;
}

Bmp parse_bmp(const YAML::Node& n) {
  Section s(n, "bmp", {"collectors", "route-monitoring", "statistics-interval", "buffer-kib"});
  Bmp b;
  if (s.has("collectors")) {
    const auto list = s.get("collectors");
    if (!list.IsSequence()) fail(list, "bmp.collectors", "must be a list");
    std::set<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = "bmp.collectors[" + std::to_string(i) + "]";
      BmpCollector c = parse_collector(list[i], path);
      if (!names.insert(c.name).second)
        fail(list[i], path, "'" + c.name + "' is configured twice (give each a name)");
      b.collectors.push_back(std::move(c));
    }
  }
  if (s.has("route-monitoring")) {
    b.pre_policy = b.post_policy = b.loc_rib = false;
    for (const auto& item : items(s.get("route-monitoring"))) {
      const std::string view = scalar(item, "bmp.route-monitoring");
      if (view == "pre-policy")
        b.pre_policy = true;
      else if (view == "post-policy")
        b.post_policy = true;
      else if (view == "loc-rib")
        b.loc_rib = true;
      else
        fail(item, "bmp.route-monitoring",
             "'" + view + "' must be pre-policy, post-policy or loc-rib");
    }
  }
  if (s.has("statistics-interval"))
    b.statistics_interval =
        uint32_t(number(s.get("statistics-interval"), "bmp.statistics-interval", 0, 86400));
  if (s.has("buffer-kib"))
    b.buffer_kib = uint32_t(number(s.get("buffer-kib"), "bmp.buffer-kib", 64, 1048576));
  return b;
}

}  // namespace closbgp::config
