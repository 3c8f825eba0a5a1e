// Community lists (standard, large, extended): ordered entries, each a set
// of values that must all be present on the route; first match wins, no
// match denies (FRR's "standard" lists).
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "bgpd/wire/attributes.h"
#include "policy/action.h"

namespace closbgp::policy {

template <class T>
struct CommunityListEntry {
  Action action = Action::Permit;
  std::vector<T> members;
};

template <class T>
struct BasicCommunityList {
  std::vector<CommunityListEntry<T>> entries;

  // A route matches when the first entry whose members it all carries permits.
  bool permits(std::span<const T> route) const {
    for (const auto& e : entries)
      if (std::all_of(e.members.begin(), e.members.end(), [&](const T& m) {
            return std::find(route.begin(), route.end(), m) != route.end();
          }))
        return e.action == Action::Permit;
    return false;
  }
  // For "delete": whether one value is permitted, judged by the first
  // entry that names it.
  bool permits_value(const T& value) const {
    for (const auto& e : entries)
      if (std::find(e.members.begin(), e.members.end(), value) != e.members.end())
        return e.action == Action::Permit;
    return false;
  }
};

using CommunityList = BasicCommunityList<uint32_t>;
using LargeCommunityList = BasicCommunityList<wire::LargeCommunity>;
using ExtCommunityList = BasicCommunityList<uint64_t>;

}  // namespace closbgp::policy
