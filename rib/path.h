// A path as the RIB holds it: interned attributes, next hop, and what
// best-path selection needs to know about where it came from. Every prefix
// of one UPDATE shares one Path object (PathRef: an 8-byte counted
// reference, not atomic: the RIB lives on the main thread only).
#pragma once

#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>
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
  // The link the session runs over: an interface (unnumbered) neighbour's,
  // or a directly connected numbered one's; 0 otherwise.
  uint32_t ifindex = 0;
  // An iBGP neighbour we reflect for (RFC 4456): its paths go to every
  // iBGP neighbour, not only to clients.
  bool rr_client = false;
  // The path identifier it came with (RFC 7911 add-path); 0 without. One
  // neighbour's paths for a prefix are told apart by it.
  uint32_t path_id = 0;
};

// What best-path selection compares, worked out once when the path is
// made: every prefix of an UPDATE shares the Path, and selection runs per
// prefix each time one of its candidates changes.
struct PathRank {
  // LOCAL_PREF, 100 when absent, 0 with the GRACEFUL_SHUTDOWN community
  // (RFC 8326: a draining neighbour's paths are used only as a last resort).
  uint32_t local_pref = kDefaultLocalPref;
  uint32_t as_path_length = 0;
  uint32_t origin = 2;  // INCOMPLETE when absent
  uint32_t med = 0;
  // The AS the path was received from: the first AS of its AS_PATH.
  uint32_t neighbor_as = 0;
  uint32_t router_id = 0;  // ORIGINATOR_ID, else the peer's router-id
  uint32_t cluster_list_length = 0;
  // LLGR_STALE (RFC 9494): kept long-lived after its neighbour's restart
  // time; less preferred than any other path, sent only to neighbours
  // that negotiated long-lived graceful restart.
  bool llgr_stale = false;
};

// Immutable once made (PathRef points at a const Path).
struct Path : boost::intrusive_ref_counter<Path, boost::thread_unsafe_counter> {
  explicit Path(std::shared_ptr<const wire::PathAttributes> a, wire::MpNextHop nh = {},
                PathSource s = {}, bool ok = true);

  std::shared_ptr<const wire::PathAttributes> attributes;
  wire::MpNextHop next_hop;
  PathSource source;
  // False for a loop (our AS in the AS_PATH more often than allowas-in
  // permits): kept in the Adj-RIB-In, never selected.
  bool accepted = true;
  PathRank rank;
  // Its link bandwidth community's value (bytes per second), 0 without
  // one: the path's weight in a weighted ECMP set.
  float link_bandwidth = 0;

  uint32_t local_pref() const { return rank.local_pref; }
  uint32_t neighbor_as() const { return rank.neighbor_as; }
  size_t as_path_length() const { return rank.as_path_length; }
};

using PathRef = boost::intrusive_ptr<const Path>;

template <class... Args>
PathRef make_path(Args&&... args) {
  return PathRef(new Path(std::forward<Args>(args)...));
}

}  // namespace closbgp::rib
