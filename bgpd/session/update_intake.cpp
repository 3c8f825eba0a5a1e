#include "bgpd/session/update_intake.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

void UpdateIntake::new_session(Clock::time_point established_at) {
  end_of_rib_ = {};
  filter_logged_.reset();
  quiet_since_ = established_at;
}

std::optional<wire::Family> UpdateIntake::received(const wire::UpdateMessage& u) {
  if (u.action != wire::AttrAction::None) log_attribute_errors(u);
  treat_as_withdraw_ += u.action == wire::AttrAction::TreatAsWithdraw;
  quiet_since_ = time_.now();
  auto eor = u.end_of_rib();
  if (eor) end_of_rib_.add(*eor);
  return eor;
}

// How long a neighbour that did not promise End-of-RIB may be silent before
// its initial table counts as in: FRR sends its first UPDATE more than a
// second after the session comes up (its update coalescing).
constexpr auto kQuietTable = std::chrono::seconds(3);

bool UpdateIntake::initial_table_done(const Negotiated& n) const {
  bool all = true;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f) && !end_of_rib_.has(f)) all = false;
  return all || (!n.peer_sends_end_of_rib && time_.now() - quiet_since_ >= kQuietTable);
}

// An error of the peer is worth a warning each time; what the operator's
// filter does is expected, and said once per attribute and session.
void UpdateIntake::log_attribute_errors(const wire::UpdateMessage& u) {
  bool by_peer = false, by_filter = false;
  for (const auto& err : u.errors) {
    (err.configured ? by_filter : by_peer) = true;
    if (!err.configured) {
      neighbor_log(spdlog::level::warn, name_, "UPDATE attribute {}: {} ({})", err.attr_type,
                   err.reason, wire::action_name(err.action));
    } else if (!filter_logged_.test(err.attr_type)) {
      filter_logged_.set(err.attr_type);
      neighbor_log(spdlog::level::info, name_, "UPDATE {}; counted, not logged again this session",
                   err.reason);
    }
  }
  rfc7606_events_ += by_peer;
  updates_filtered_ += by_filter;
}

}  // namespace closbgp::session
