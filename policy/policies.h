// Every named list and route-map of a configuration. Shared pointers: a
// route-map refers to the lists it matches on, and the running daemon keeps
// what a peer uses while a reload builds the next set.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "policy/route_map.h"

namespace closbgp::policy {

struct Policies {
  std::map<std::string, std::shared_ptr<const PrefixList>> prefix_lists;
  std::map<std::string, std::shared_ptr<const CommunityList>> community_lists;
  std::map<std::string, std::shared_ptr<const LargeCommunityList>> large_community_lists;
  std::map<std::string, std::shared_ptr<const ExtCommunityList>> ext_community_lists;
  std::map<std::string, std::shared_ptr<const AsPathList>> as_path_lists;
  std::map<std::string, std::shared_ptr<const RouteMap>> route_maps;

  // nullptr for an empty name (no policy); names are checked when loaded.
  std::shared_ptr<const RouteMap> route_map(const std::string& name) const {
    auto it = route_maps.find(name);
    return it == route_maps.end() ? nullptr : it->second;
  }
};

}  // namespace closbgp::policy
