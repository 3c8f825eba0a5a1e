// The small state file: what an operator set at run time that must survive
// a reload and a restart (drain states, neighbours shut down, routes added),
// so a reboot never undrains a switch under maintenance. YAML; written whole to a temporary file
// and renamed, so it is never half-written.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace closbgp::config {

// A route originated through the API (a service address).
struct SavedRoute {
  std::vector<std::string> communities, large_communities;  // as operators write them
  std::optional<uint32_t> med;
  friend bool operator==(const SavedRoute&, const SavedRoute&) = default;
};

struct SavedState {
  std::string drain;                             // the node's: "live", "drained"; empty: unset
  std::map<std::string, std::string> neighbors;  // neighbour name -> drain state
  std::map<std::string, SavedRoute> routes;      // prefix -> what it carries
  std::set<std::string> shutdown;                // neighbours shut down by the operator
  friend bool operator==(const SavedState&, const SavedState&) = default;
};

// A missing file is an empty state; an unreadable or invalid one an error.
std::expected<SavedState, std::string> load_state(const std::string& path);
std::expected<void, std::string> save_state(const std::string& path, const SavedState& state);

}  // namespace closbgp::config
