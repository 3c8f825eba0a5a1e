// The L2VPN EVPN table (RFC 7432, RFC 8365): each route's candidate paths,
// one per neighbour and path id, and the best of them. What identifies a
// route is its NLRI without the fields RFC 7432 sec. 7.2 (and RFC 9136
// sec. 3.1) make attributes of a path: the labels (VNIs under VXLAN), and
// for MAC/IP and IP prefix routes the ESI and gateway. Those go with each
// path as it was received. Nothing here is installed: a spine keeps these
// routes and passes them on (rib/evpn_export.h).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "bgpd/wire/evpn.h"
#include "rib/best_path.h"
#include "rib/evpn_key.h"
#include "rib/loc_rib.h"

namespace closbgp::rib {

// The candidate of a leaf's own routes (its VNIs', its tenant's).
inline constexpr CandidateKey kOwnEvpnRoutes{kLocalSource, 0};

class EvpnTable {
 public:
  // A route's identity as octets: its NLRI with the path's fields cleared
  // (one zero label for the types that carry labels, so that it still
  // parses). Ordered, compact, shared, and read back by route_of().
  using Key = EvpnKey;
  static Key key_of(const wire::EvpnRoute& route);
  // The route a key stands for, labels zero: what a withdrawal carries.
  static wire::EvpnRoute route_of(const Key& key);

  // What of a route a path brings with it: the labels (VNIs), the ESI and
  // the gateway; the route's key holds the rest. A candidate keeps only
  // these, not a copy of the route: a leaf may hold a hundred thousand.
  struct PathFields {
    std::array<uint32_t, 2> labels{};  // at most two (a MAC/IP route's)
    uint8_t label_count = 0;
    wire::Esi esi{};
    std::optional<wire::IpAddress> gateway;  // an IP prefix route's
    static PathFields of(const wire::EvpnRoute& route);
    std::span<const uint32_t> label_span() const { return {labels.data(), label_count}; }
    friend bool operator==(const PathFields&, const PathFields&) = default;
  };
  struct Candidate {
    PathRef path;
    PathFields fields;
    // The route as this path brought it: `key`'s, with its fields.
    wire::EvpnRoute route(const Key& key) const;
  };
  struct Entry {
    // By CandidateKey; mostly one, held inline.
    boost::container::small_vector<Candidate, 1> candidates;
    uint32_t best = 0;  // index into candidates
    const Candidate& best_candidate() const { return candidates[best]; }
  };

  // `path` becomes its source's candidate for each of `routes` (replacing
  // one the source had).
  void announce(const PathRef& path, std::span<const wire::EvpnRoute> routes);
  // The candidates of `source` for `routes` go.
  void withdraw(CandidateKey source, std::span<const wire::EvpnRoute> routes);
  // Every candidate of neighbour `peer_id` goes; returns how many.
  size_t remove_source(uint32_t peer_id);
  // Graceful restart of neighbour `peer_id` (RFC 4724): its candidates
  // stay, stale, the best paths unchanged, until it sends them again;
  // returns how many are stale.
  size_t mark_stale(uint32_t peer_id);
  // Its candidates still stale go (End-of-RIB, or its restart is over);
  // returns how many.
  size_t sweep_stale(uint32_t peer_id);
  size_t stale(uint32_t peer_id) const {
    auto it = stale_.find(peer_id);
    return it == stale_.end() ? 0 : it->second.size();
  }

  // The routes whose best path changed, or that went, since the last call.
  std::vector<Key> take_changes();
  bool pending() const { return !changed_.empty(); }

  const Entry* find(const Key& key) const;
  const std::map<Key, Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // How many routes neighbour `peer_id` has in the table (its candidates).
  size_t held(uint32_t peer_id) const {
    auto it = held_.find(peer_id);
    return it == held_.end() ? 0 : it->second;
  }

 private:
  // `peer_id` sent (or withdrew) the route at `key`: stale no more.
  void refreshed(uint32_t peer_id, const Key& key);
  // The candidates of `peer_id` at entry `it` go; returns how many.
  size_t remove_at(std::map<Key, Entry>::iterator it, uint32_t peer_id);
  // Selects the best of `e`'s candidates again; marks `key` changed if the
  // best path (or its route) moved, or if the entry is left empty (erased).
  void reselect(std::map<Key, Entry>::iterator it, const Candidate* best_before);

  std::map<Key, Entry> entries_;
  std::vector<Key> changed_;         // may repeat; take_changes() makes it unique
  std::map<uint32_t, size_t> held_;  // candidates per source (peer id)
  // The routes of restarting neighbours still stale, by neighbour: beside
  // the candidates, so that a candidate costs nothing more in a table of a
  // hundred thousand MACs; empty but while a neighbour restarts.
  std::map<uint32_t, std::set<Key>> stale_;
};

}  // namespace closbgp::rib
