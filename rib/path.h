// A path as the RIB holds it: interned attributes, next hop, and what
// best-path selection needs to know about where it came from.
#pragma once

#include <cstdint>
#include <memory>

#include "bgpd/wire/messages.h"

namespace closbgp::rib {

inline constexpr uint32_t kLocalSource = 0;  // peer id of locally originated paths
inline constexpr uint32_t kDefaultLocalPref = 100;

struct PathSource {
  uint32_t peer_id = kLocalSource;
  bool ebgp = true;
  uint32_t peer_as = 0;
  uint32_t peer_router_id = 0;  // host order
  wire::IpAddress peer_address;
  uint32_t ifindex = 0;  // the link of an interface (unnumbered) neighbour
};

struct Path {
  std::shared_ptr<const wire::PathAttributes> attributes;
  wire::MpNextHop next_hop;
  PathSource source;

  // LOCAL_PREF, 100 when absent, 0 with the GRACEFUL_SHUTDOWN community
  // (RFC 8326: a draining neighbour's paths are used only as a last resort).
  uint32_t local_pref() const;
  // The AS the path was received from: the first AS of its AS_PATH.
  uint32_t neighbor_as() const;
  size_t as_path_length() const;
};

}  // namespace closbgp::rib
