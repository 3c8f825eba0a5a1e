// What a neighbour's established session has received as UPDATEs, apart
// from the routes themselves (the RIB engine holds those): the attribute
// errors it survived and what the operator's path-attribute filter did
// (counted, logged with care), its End-of-RIB markers, and when it last
// sent anything, which together say whether its initial table is in.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "bgpd/net/time_source.h"
#include "bgpd/session/fsm.h"
#include "bgpd/wire/codec.h"

namespace closbgp::session {

class UpdateIntake {
 public:
  UpdateIntake(net::TimeSource& time, std::string name) : time_(time), name_(std::move(name)) {}

  // A new session: no End-of-RIB yet, the filter's actions logged again.
  void new_session(Clock::time_point established_at);
  // One UPDATE of the established session; returns the family whose
  // End-of-RIB it is, or nullopt when it carries routes.
  std::optional<wire::Family> received(const wire::UpdateMessage& u);
  // End-of-RIB for every family of the session, or (for peers that did not
  // promise one: Negotiated::peer_sends_end_of_rib) three seconds without
  // UPDATEs.
  bool initial_table_done(const Negotiated& n) const;

  uint64_t rfc7606_events() const { return rfc7606_events_; }
  uint64_t updates_filtered() const { return updates_filtered_; }
  uint64_t treat_as_withdraw() const { return treat_as_withdraw_; }

 private:
  void log_attribute_errors(const wire::UpdateMessage& u);

  net::TimeSource& time_;
  std::string name_;
  uint64_t rfc7606_events_ = 0;      // UPDATEs with attribute errors the session survived
  uint64_t updates_filtered_ = 0;    // UPDATEs the path-attribute filter acted on
  uint64_t treat_as_withdraw_ = 0;   // UPDATEs whose routes were withdrawn (RFC 7606)
  std::bitset<256> filter_logged_;   // attribute codes whose filtering was logged this session
  wire::FamilySet end_of_rib_;       // families whose End-of-RIB arrived this session
  Clock::time_point quiet_since_{};  // the last UPDATE, or the session's start
};

}  // namespace closbgp::session
