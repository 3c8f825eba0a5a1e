// What L2VPN EVPN neighbours are sent (RFC 7432 sec. 7, RFC 8365 sec. 5):
// the best path of every route, its next hop unchanged (the VTEP that
// originated it: tunnels end at the leaves, never at a spine), under the
// session's export rules (eBGP: our AS prepended, MED and LOCAL_PREF
// removed; iBGP: reflection only; drain states; sender-side loop
// detection), then its EVPN route-map-out route by route (the unicast
// route-maps are about prefixes and are not applied). A member is sent the table when it comes up,
// then End-of-RIB.
#pragma once

#include <map>
#include <set>
#include <span>

#include <absl/container/btree_set.h>

#include "rib/advertisement.h"
#include "rib/evpn_table.h"
#include "rib/route_policy.h"

namespace closbgp::rib {

class EvpnExport {
 public:
  EvpnExport(uint32_t local_as, uint8_t drain_prepend, uint32_t cluster_id)
      : local_as_(local_as), drain_prepend_(drain_prepend), cluster_id_(cluster_id) {}

  // A member that negotiated EVPN: the table, then End-of-RIB (not while
  // WARM: both go when it leaves WARM).
  void add(const Member& m, const PeerPolicy& policy, DrainState node_drain, const EvpnTable& table,
           AdvertisementSink& sink);
  void remove(SourceId id) { members_.erase(id); }
  // New export policy or drain state for a member, or (`id` unset) the
  // node's drain state for all: each is sent what now differs.
  void set_policy(SourceId id, const PeerPolicy& policy, const EvpnTable& table,
                  AdvertisementSink& sink);
  void set_member_drain(SourceId id, DrainState drain, const EvpnTable& table,
                        AdvertisementSink& sink);
  void set_node_drain(DrainState drain, const EvpnTable& table, AdvertisementSink& sink);
  // ROUTE-REFRESH from the member: its table again.
  void refresh(SourceId id, const EvpnTable& table, AdvertisementSink& sink);
  // The routes `keys` changed: every member is sent its share.
  void export_changes(std::span<const EvpnTable::Key> keys, const EvpnTable& table,
                      AdvertisementSink& sink);
  // How many routes member `id` has been sent.
  size_t sent(SourceId id) const;

 private:
  struct Receiver {
    Member info;
    PeerPolicy policy;
    DrainState node_drain = DrainState::Live;
    absl::btree_set<EvpnTable::Key> sent;  // a spine's: every route, to every member
    bool end_of_rib_sent = false;
  };
  ExportRules rules_of(const Receiver& r) const;
  // What `r` is sent for `keys` (all of the table when `keys` is null);
  // End-of-RIB after its first table.
  void send(Receiver& r, const std::vector<EvpnTable::Key>* keys, const EvpnTable& table,
            AdvertisementSink& sink);

  uint32_t local_as_;
  uint8_t drain_prepend_;
  uint32_t cluster_id_;
  std::map<SourceId, Receiver> members_;
};

}  // namespace closbgp::rib
