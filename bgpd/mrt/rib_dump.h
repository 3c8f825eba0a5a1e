// The Loc-RIB as MRT TABLE_DUMP_V2 records (wire/mrt.h), for the API's
// DumpRib and the periodic RIB files: the neighbours and prefixes are
// taken when the dump starts, each batch encodes the paths its prefixes
// have then. Main loop only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "bgpd/session/speaker.h"

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

  const session::Speaker& speaker_;
  uint32_t timestamp_;
  std::map<uint32_t, uint16_t> peer_index_;  // source id -> index; ours is 0
  std::vector<uint8_t> peer_table_;          // sent first
  std::vector<wire::Prefix> prefixes_;
  size_t next_ = 0;
  uint32_t sequence_ = 0;
};

}  // namespace closbgp::mrt
