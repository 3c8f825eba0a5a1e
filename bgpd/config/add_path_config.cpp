#include "bgpd/config/add_path_config.h"

#include <charconv>

namespace closbgp::config {
using namespace yaml;

AddPath parse_add_path(const YAML::Node& n, const std::string& path) {
  AddPath a;
  Section s(n, path, {"receive", "send"});
  if (s.has("receive")) a.receive = boolean(s.get("receive"), s.key_path("receive"));
  if (!s.has("send")) return a;
  const auto node = s.get("send");
  const std::string v = scalar(node, s.key_path("send"));
  unsigned best = 0;
  const char* digits = v.data() + std::min<size_t>(5, v.size());
  const auto [end, err] = std::from_chars(digits, v.data() + v.size(), best);
  if (v == "all") {
    a.send = AddPath::Send::All;
  } else if (v == "ecmp") {
    a.send = AddPath::Send::Ecmp;
  } else if (v.starts_with("best-") && err == std::errc{} && end == v.data() + v.size() &&
             best >= 1 && best <= 64) {
    a.send = AddPath::Send::Best;
    a.best = uint8_t(best);
  } else if (v != "false") {
    fail(node, s.key_path("send"),
         "'" + v + "' must be all, ecmp, best-N (N from 1 to 64) or false");
  }
  return a;
}

std::string send_name(const AddPath& a) {
  switch (a.send) {
    case AddPath::Send::All:
      return "all";
    case AddPath::Send::Ecmp:
      return "ecmp";
    case AddPath::Send::Best:
      return "best-" + std::to_string(a.best);
    case AddPath::Send::Off:
      break;
  }
  return "false";
}

}  // namespace closbgp::config
