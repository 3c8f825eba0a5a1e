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
  // Per route-map, its definition and that of the lists it names, as
  // loaded: equal text, equal behaviour (a reload keeps the object).
  std::map<std::string, std::string> route_map_text;

  // For a reload: the route-maps whose text did not change become the
  // running objects again, so whatever uses them sees no change.
  void keep_unchanged(const Policies& running) {
    for (auto& [name, map] : route_maps) {
      auto old = running.route_maps.find(name);
      auto old_text = running.route_map_text.find(name);
      if (old != running.route_maps.end() && old_text != running.route_map_text.end() &&
          old_text->second == route_map_text.at(name))
        map = old->second;
    }
  }

  // nullptr for an empty name (no policy); names are checked when loaded.
  std::shared_ptr<const RouteMap> route_map(const std::string& name) const {
    auto it = route_maps.find(name);
    return it == route_maps.end() ? nullptr : it->second;
  }
};

}  // namespace closbgp::policy
