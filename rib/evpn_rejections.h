// Remote EVPN routes a leaf refuses to turn into kernel entries (a MAC or
// VTEP no entry can have, a tenant route it cannot install), kept for the
// log: the first few since the last take, and how many more, so that a
// neighbour sending a flood of them costs a line per flush, not one each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rib/evpn_table.h"

namespace closbgp::rib {

class EvpnRejections {
 public:
  struct Entry {
    uint32_t peer_id = 0;
    std::string route;  // "RD:[2]:[0]:[48]:[...]", as `show bgp evpn routes` names it
    std::string why;
  };
  struct Taken {
    std::vector<Entry> first;
    uint64_t more = 0;
  };

  void add(uint32_t peer_id, const EvpnTable::Key& key, std::string why);
  Taken take();
  // Every rejection so far.
  uint64_t total() const { return total_; }

 private:
  static constexpr size_t kKept = 8;
  Taken pending_;
  uint64_t total_ = 0;
};

}  // namespace closbgp::rib
