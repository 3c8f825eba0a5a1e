// A route listing's filter: only the paths that carry one community or
// large community (`show bgp routes ... community C`).
#pragma once

#include <expected>
#include <string>

#include "bgpd/api/backend.h"

namespace closbgp::api {

struct CommunityFilter {
  std::string community;  // as RouteView writes it; empty: every path
  bool large = false;
  bool keeps(const RouteView& r) const;
};
// The filter for `text` ("65000:1", "no-export", "65000:1:2", ""), or why
// it is not a community.
std::expected<CommunityFilter, std::string> community_filter(const std::string& text);

}  // namespace closbgp::api
