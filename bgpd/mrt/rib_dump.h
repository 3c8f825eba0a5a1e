// The Loc-RIB as MRT TABLE_DUMP_V2 records (wire/mrt.h), for the API's
// DumpRib and the periodic RIB files: the unicast prefixes, then the EVPN
// routes. The neighbours, prefixes and routes are taken when the dump
// starts, each batch encodes the paths they have then. Main loop only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "bgpd/session/speaker.h"
#include "bgpd/wire/mrt.h"

namespace closbgp::mrt {

class RibDump {
 public:
  // `family`: that table only; nullopt: every table.
  explicit RibDump(const session::Speaker& speaker,
                   std::optional<wire::Family> family = std::nullopt);
  // The next whole records (the PEER_INDEX_TABLE first), for up to
  // `max_prefixes` prefixes; empty at the end.
  std::vector<uint8_t> next(size_t max_prefixes);

 private:
  // The record of one prefix with every path it has now, if it has any.
  void append(const wire::Prefix& prefix, std::vector<uint8_t>& out);
  // The records of one EVPN route: one per set of labels its paths carry
  // (the labels are part of an EVPN NLRI), each with those paths.
  void append_evpn(const rib::EvpnTable::Key& key, std::vector<uint8_t>& out);
  // The entry of `path` (of `prefix`; nullptr: of an EVPN route), if its
  // neighbour is in the PEER_INDEX_TABLE.
  std::optional<wire::mrt::RibEntry> entry_of(const rib::Path& path,
                                              const wire::Prefix* prefix) const;

  const session::Speaker& speaker_;
  uint32_t timestamp_;
  std::map<uint32_t, uint16_t> peer_index_;  // source id -> index; ours is 0
  std::vector<uint8_t> peer_table_;          // sent first
  std::vector<wire::Prefix> prefixes_;
  std::vector<rib::EvpnTable::Key> evpn_;
  size_t next_ = 0;  // into prefixes_, then evpn_
  uint32_t sequence_ = 0;
};

}  // namespace closbgp::mrt
