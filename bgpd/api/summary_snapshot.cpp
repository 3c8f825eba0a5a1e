#include "bgpd/api/summary_snapshot.h"

namespace closbgp::api {

void SummarySnapshot::publish(std::shared_ptr<const SummaryView> view, Time at) {
  std::lock_guard lock(mu_);
  view_ = std::move(view);
  at_ = at;
}

std::optional<SummarySnapshot::Aged> SummarySnapshot::latest(Time now) const {
  std::lock_guard lock(mu_);
  if (!view_) return std::nullopt;
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - at_);
  return Aged{view_, std::max(age, std::chrono::milliseconds(1))};
}

}  // namespace closbgp::api
