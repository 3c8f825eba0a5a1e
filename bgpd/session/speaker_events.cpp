// What the speaker tells WatchEvents: best-path changes and FIB errors
// (sessions and BFD are published where peers report them, speaker.cpp).
// Nothing is built while nobody watches.
#include <map>

#include "bgpd/session/speaker.h"

namespace closbgp::session {

void Speaker::publish(api::EventKind kind, const std::string& neighbor, const std::string& prefix,
                      const std::string& state, const std::string& detail) {
  if (bus_.watched()) bus_.publish({kind, {}, neighbor, prefix, state, detail});
}

// Each changed prefix's new best path: the neighbours of its ECMP set.
void Speaker::publish_best_paths(const std::vector<wire::Prefix>& changed) {
  if (!bus_.watched()) return;
  std::map<uint32_t, std::string> names{{rib::kLocalSource, "local"}};
  for (const auto& [name, p] : peers_) names[p->id()] = name;
  for (const auto& prefix : changed) {
    const rib::LocRib::Entry* e = rib_.loc_rib().find(prefix);
    std::string via;
    if (e)
      for (uint16_t i : e->multipath())
        via += (via.empty() ? "via " : ", ") + names[e->path(i).source.peer_id];
    publish(api::EventKind::Route, "", prefix.to_string(), e ? "best" : "withdrawn", via);
  }
}

void Speaker::publish_fib_errors() {
  if (!fib_) return;
  const auto s = fib_->status();
  if (s.errors > fib_errors_seen_)
    publish(api::EventKind::Fib, "", "", "error",
            std::to_string(s.errors - fib_errors_seen_) + " failed; last: " + s.last_error);
  fib_errors_seen_ = s.errors;
}

}  // namespace closbgp::session
