#include "bgpd/config/intake_config.h"

#include <algorithm>

namespace closbgp::config {
using namespace yaml;
namespace {

// Attribute type codes the filter may not name: without them no route can
// be read (MP_REACH_NLRI / MP_UNREACH_NLRI carry the prefixes themselves),
// and the well-known mandatory ones cannot be dropped from a valid route.
constexpr uint8_t kMpReach = 14, kMpUnreach = 15;
bool may_discard(uint8_t type) {
  return type > 3 && type != kMpReach && type != kMpUnreach;
}
bool may_withdraw(uint8_t type) {
  return type != kMpReach && type != kMpUnreach;
}

std::vector<uint8_t> attribute_codes(const YAML::Node& n, const std::string& path,
                                     bool (*allowed)(uint8_t), const char* why_not) {
  std::vector<uint8_t> codes;
  for (const auto& item : items(n)) {
    const auto code = uint8_t(number(item, path, 1, 255));
    if (!allowed(code)) fail(item, path, "attribute " + std::to_string(code) + " " + why_not);
    codes.push_back(code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

}  // namespace

MaxPrefix parse_max_prefix(const YAML::Node& n, const std::string& path) {
  MaxPrefix m;
  if (n.IsScalar()) {
    m.limit = uint32_t(number(n, path, 1, 4294967295u));
    return m;
  }
  Section s(n, path, {"limit", "action", "restart-after", "warning-percent"});
  if (!s.has("limit")) fail(n, s.key_path("limit"), "is required");
  m.limit = uint32_t(number(s.get("limit"), s.key_path("limit"), 1, 4294967295u));
  if (s.has("action")) {
    const std::string a = scalar(s.get("action"), s.key_path("action"));
    if (a == "warn")
      m.action = MaxPrefix::Action::Warn;
    else if (a == "restart")
      m.action = MaxPrefix::Action::Restart;
    else if (a == "idle")
      m.action = MaxPrefix::Action::Idle;
    else
      fail(s.get("action"), s.key_path("action"), "'" + a + "' must be warn, restart or idle");
  }
  if (s.has("restart-after")) {
    if (m.action != MaxPrefix::Action::Restart)
      fail(s.get("restart-after"), s.key_path("restart-after"),
           "applies to action restart only (action is " + std::string(action_name(m.action)) + ")");
    m.restart_after =
        uint32_t(number(s.get("restart-after"), s.key_path("restart-after"), 1, 86400));
  }
  if (s.has("warning-percent"))
    m.warning_percent =
        uint8_t(number(s.get("warning-percent"), s.key_path("warning-percent"), 1, 100));
  return m;
}

// expected-routes: {ipv4-unicast: N, ipv6-unicast: M}: per family, since
// a wrong family's table would hold the room for nothing.
ExpectedRoutes parse_expected_routes(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) fail(n, path, "must be a map of families: {ipv4-unicast: N, ipv6-unicast: M}");
  Section s(n, path, {"ipv4-unicast", "ipv6-unicast"});
  ExpectedRoutes e;
  for (auto [key, count] : {std::pair{"ipv4-unicast", &e.ipv4}, std::pair{"ipv6-unicast", &e.ipv6}})
    if (s.has(key)) *count = uint32_t(number(s.get(key), s.key_path(key), 0, kMaxExpectedRoutes));
  return e;
}

PathAttributeFilter parse_path_attribute(const YAML::Node& n, const std::string& path) {
  Section s(n, path, {"discard", "treat-as-withdraw"});
  PathAttributeFilter f;
  if (s.has("discard"))
    f.discard = attribute_codes(
        s.get("discard"), s.key_path("discard"), may_discard,
        "cannot be discarded (ORIGIN, AS_PATH, NEXT_HOP and the MP attributes are needed)");
  if (s.has("treat-as-withdraw"))
    f.treat_as_withdraw =
        attribute_codes(s.get("treat-as-withdraw"), s.key_path("treat-as-withdraw"), may_withdraw,
                        "carries the prefixes and cannot withdraw them");
  for (uint8_t code : f.discard)
    if (std::binary_search(f.treat_as_withdraw.begin(), f.treat_as_withdraw.end(), code))
      fail(n, path, "attribute " + std::to_string(code) + " is in both lists");
  return f;
}

std::string_view action_name(MaxPrefix::Action a) {
  switch (a) {
    case MaxPrefix::Action::Warn:
      return "warn";
    case MaxPrefix::Action::Restart:
      return "restart";
    case MaxPrefix::Action::Idle:
      break;
  }
  return "idle";
}

}  // namespace closbgp::config
