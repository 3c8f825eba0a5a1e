// The host's network interfaces, as unnumbered neighbours need them: which
// exist, their index, whether they are up, and which match a pattern.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace closbgp::discovery {

struct InterfaceInfo {
  std::string name;
  uint32_t index = 0;
  bool up = false;  // administratively up and carrier present
};

std::vector<InterfaceInfo> list_interfaces();
// Shell-style pattern ("swp*", "swp[1-4]"), or an exact name.
bool interface_matches(const std::string& pattern, const std::string& name);

}  // namespace closbgp::discovery
