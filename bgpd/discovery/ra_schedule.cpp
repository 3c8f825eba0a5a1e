#include "bgpd/discovery/ra_schedule.h"

namespace closbgp::discovery {

bool RaSchedule::enable(uint32_t ifindex, Clock::time_point now) {
  return links_.try_emplace(ifindex, Link{.next = now}).second;
}

std::vector<uint32_t> RaSchedule::due(Clock::time_point now) const {
  std::vector<uint32_t> out;
  for (const auto& [ifindex, link] : links_)
    if (link.next <= now) out.push_back(ifindex);
  return out;
}

std::optional<RaSchedule::Clock::time_point> RaSchedule::next() const {
  std::optional<Clock::time_point> earliest;
  for (const auto& [ifindex, link] : links_)
    if (!earliest || link.next < *earliest) earliest = link.next;
  return earliest;
}

bool RaSchedule::needs_solicitation(uint32_t ifindex) const {
  auto it = links_.find(ifindex);
  return it != links_.end() && !it->second.solicited;
}

void RaSchedule::solicitation_sent(uint32_t ifindex) {
  if (auto it = links_.find(ifindex); it != links_.end()) it->second.solicited = true;
}

void RaSchedule::advertised(uint32_t ifindex, bool sent, Clock::time_point now) {
  auto it = links_.find(ifindex);
  if (it == links_.end()) return;
  Link& link = it->second;
  if (!sent) {
    link.next = now + kFast;
  } else if (link.fast_left > 0) {
    --link.fast_left;
    link.next = now + kFast;
  } else {
    link.next = now + kInterval;
  }
}

bool RaSchedule::answer(uint32_t ifindex, Clock::time_point now) {
  auto it = links_.find(ifindex);
  if (it == links_.end()) return false;
  auto& answered = it->second.answered;
  if (answered && now - *answered < kFast) return false;
  answered = now;
  return true;
}

}  // namespace closbgp::discovery
