#include "bgpd/api/community_filter.h"

#include <algorithm>

#include "policy/community.h"

namespace closbgp::api {

bool CommunityFilter::keeps(const RouteView& r) const {
  if (community.empty()) return true;
  const auto& carried = large ? r.large_communities : r.communities;
  return std::find(carried.begin(), carried.end(), community) != carried.end();
}

std::expected<CommunityFilter, std::string> community_filter(const std::string& text) {
  if (text.empty()) return CommunityFilter{};
  if (auto c = policy::parse_community(text)) return CommunityFilter{policy::community_text(*c)};
  if (auto c = policy::parse_large_community(text))
    return CommunityFilter{policy::large_community_text(*c), true};
  return std::unexpected("'" + text +
                         "' is not a community (65000:1, no-export) or a large community "
                         "(65000:1:2)");
}

}  // namespace closbgp::api
