// Prefix-lists: ordered entries of prefix with an optional length range
// (ge/le), first match wins, no match denies (as FRR and Cisco).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/wire/ip.h"
#include "policy/action.h"

namespace closbgp::policy {

struct PrefixListEntry {
  Action action = Action::Permit;
  wire::Prefix prefix;
  uint8_t min_length = 0, max_length = 0;  // the route's length must lie in between

  bool matches(const wire::Prefix& route) const;
};

// Without ge/le only the prefix itself matches; `ge` alone reaches up to the
// family's maximum, `le` alone starts at the prefix's own length. Requires
// length <= ge <= le <= maximum.
std::expected<PrefixListEntry, std::string> make_prefix_list_entry(Action action,
                                                                   const wire::Prefix& prefix,
                                                                   std::optional<uint8_t> ge,
                                                                   std::optional<uint8_t> le);

struct PrefixList {
  std::vector<PrefixListEntry> entries;
  bool permits(const wire::Prefix& route) const;
};

}  // namespace closbgp::policy
