// The tables a collector is sent when it connects (and a neighbour's
// post-policy view again when its import policy changes), in batches
// paced by how fast the collector reads: for each neighbour the views
// configured, then the Loc-RIB, each followed by End-of-RIB: unicast
// prefixes first, then the view's EVPN routes where the step asks. Each
// batch reads the engine as it is then; live changes go out meanwhile, so
// the collector ends with the tables as they are. Main loop only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "bgpd/bmp/route_messages.h"
#include "bgpd/wire/bmp.h"
#include "rib/rib.h"

namespace closbgp::bmp {

class TableSync {
 public:
  struct Step {
    View view = View::LocRib;
    rib::SourceId source = rib::kLocalSource;
    wire::bmp::PeerHeader peer;
    std::vector<wire::Family> end_of_rib;  // sent when the view is done
    // A prefix the view no longer holds is withdrawn (a re-sent view)
    // rather than skipped (a first one).
    bool withdraw_missing = false;
    wire::FamilySet ids;  // families whose NLRI carry path ids (add-path)
    // The view's EVPN routes too (append_evpn_routes).
    bool evpn = false;
  };
  // Whether the neighbour of `source` is up (its Peer Up has gone out and
  // no Peer Down since): a neighbour's view is dropped when it is not.
  using IsUp = std::function<bool(rib::SourceId)>;

  TableSync(const rib::Rib& rib, IsUp is_up) : rib_(rib), is_up_(std::move(is_up)) {}

  void add(Step step) { steps_.push_back(std::move(step)); }
  bool done() const { return steps_.empty(); }
  // Appends the messages of up to `max_prefixes` prefixes to `out`,
  // stopping early once `out` holds `max_bytes` (a few KB more at most).
  void next(size_t max_prefixes, size_t max_bytes, std::vector<uint8_t>& out);

 private:
  // The prefixes and EVPN routes of the first step's view, taken when it
  // starts.
  void start_step();

  const rib::Rib& rib_;
  IsUp is_up_;
  std::deque<Step> steps_;
  std::vector<wire::Nlri> nlri_;
  std::vector<rib::EvpnTable::Key> evpn_;
  size_t next_ = 0;  // into nlri_, then evpn_
  bool started_ = false;
};

}  // namespace closbgp::bmp
