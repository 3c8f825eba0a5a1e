// What a list or route-map entry does with what it matches.
#pragma once

#include <optional>
#include <string_view>

namespace closbgp::policy {

enum class Action { Permit, Deny };

inline std::optional<Action> parse_action(std::string_view s) {
  if (s == "permit") return Action::Permit;
  if (s == "deny") return Action::Deny;
  return std::nullopt;
}

}  // namespace closbgp::policy
