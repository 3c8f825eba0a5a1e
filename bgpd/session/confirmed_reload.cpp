#include "bgpd/session/confirmed_reload.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

ConfirmedReload::ConfirmedReload(net::TimeSource& time, Apply apply)
    : time_(time), apply_(std::move(apply)), timer_(time.timer()) {}

std::string ConfirmedReload::begin(config::Config previous, std::chrono::seconds within) {
  if (!rollback_) rollback_ = std::move(previous);
  deadline_ = time_.now() + within;
  timer_->arm(deadline_, [this] { roll_back(); });
  const std::string line = "rolls back in " + std::to_string(within.count()) +
                           " s unless confirmed (closctl config confirm)";
  session_logger()->warn("reload: {}", line);
  return line;
}

std::expected<std::string, OpError> ConfirmedReload::confirm() {
  if (!rollback_)
    return std::unexpected(OpError{OpError::Kind::Conflict,
                                   "nothing to confirm: no reload with --confirm is pending"});
  timer_->cancel();
  rollback_.reset();
  session_logger()->info("reload: confirmed; the running configuration stays");
  return "confirmed: the running configuration stays";
}

std::optional<std::chrono::seconds> ConfirmedReload::remaining() const {
  if (!rollback_) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(deadline_ - time_.now());
}

void ConfirmedReload::roll_back() {
  auto previous = std::move(*rollback_);
  rollback_.reset();
  const std::string file = previous.source;
  session_logger()->warn(
      "reload was not confirmed in time: rolling back to the configuration before it (the "
      "reload: lines below)");
  auto applied = apply_(std::move(previous));
  if (!applied) {
    // Cannot happen: the reload being undone passed the same check the
    // other way round. Said, should it ever.
    session_logger()->error("rollback failed: {}; the unconfirmed configuration stays",
                            applied.error());
    return;
  }
  session_logger()->warn(
      "rollback: {} still holds the unconfirmed configuration; the next reload or restart "
      "applies it again unless it is edited",
      file);
}

}  // namespace closbgp::session
