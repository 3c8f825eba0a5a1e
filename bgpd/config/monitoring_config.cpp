#include "bgpd/config/monitoring_config.h"

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

}  // namespace

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
