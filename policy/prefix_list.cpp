#include "policy/prefix_list.h"

namespace closbgp::policy {

bool PrefixListEntry::matches(const wire::Prefix& route) const {
  return route.afi() == prefix.afi() && route.length() >= min_length &&
         route.length() <= max_length && prefix.contains(route);
}

std::expected<PrefixListEntry, std::string> make_prefix_list_entry(Action action,
                                                                   const wire::Prefix& prefix,
                                                                   std::optional<uint8_t> ge,
                                                                   std::optional<uint8_t> le) {
  const uint8_t max = wire::max_prefix_length(prefix.afi());
  PrefixListEntry e{action, prefix, prefix.length(), prefix.length()};
  if (ge) e.min_length = *ge, e.max_length = max;
  if (le) e.max_length = *le;
  if (e.min_length < prefix.length())
    return std::unexpected("ge " + std::to_string(e.min_length) + " is shorter than the prefix " +
                           prefix.to_string());
  if (e.max_length > max)
    return std::unexpected("le " + std::to_string(e.max_length) + " is longer than " +
                           std::to_string(max));
  if (e.min_length > e.max_length)
    return std::unexpected("ge " + std::to_string(e.min_length) + " is greater than le " +
                           std::to_string(e.max_length));
  return e;
}

bool PrefixList::permits(const wire::Prefix& route) const {
  for (const auto& e : entries)
    if (e.matches(route)) return e.action == Action::Permit;
  return false;
}

}  // namespace closbgp::policy
