#include "bgpd/session/bfd_watch.h"

namespace closbgp::session {

BfdWatch::BfdWatch(bfd::BfdClient& bfd, std::optional<bfd::Params> params, bool strict,
                   OnChange on_change)
    : bfd_(bfd), params_(params), strict_(strict && params), on_change_(std::move(on_change)) {}

BfdWatch::~BfdWatch() {
  if (key_) bfd_.unwatch(*key_);
}

void BfdWatch::follow(bool enabled, const std::optional<asio::ip::address>& address,
                      uint32_t ifindex, const std::optional<bfd::Multihop>& multihop) {
  std::optional<bfd::PeerKey> want;
  if (enabled && address && params_) want = bfd::make_key(*address, ifindex, multihop.has_value());
  const bfd::Multihop settings = multihop.value_or(bfd::Multihop{});
  if (want == key_ && (!want || settings == multihop_)) return;
  if (key_) bfd_.unwatch(*key_);  // sends AdminDown: the peer keeps its session
  key_ = want;
  multihop_ = settings;
  state_ = bfd::State::Down;
  if (!want) return;
  bfd_.watch(*want, *params_, settings,
             [this, alive = std::weak_ptr<bool>(alive_), key = *want](const bfd::StateEvent& ev) {
               if (alive.expired() || key_ != key) return;  // a stale session's news
               const bfd::State before = std::exchange(state_, ev.state);
               on_change_(before, ev);
             });
}

std::string BfdWatch::state_name() const {
  static constexpr const char* kNames[] = {"admin-down", "down", "init", "up"};
  return key_ ? kNames[uint8_t(state_)] : "";
}

std::optional<bfd::SessionView> BfdWatch::view() const {
  return key_ ? bfd_.view(*key_) : std::nullopt;
}

}  // namespace closbgp::session
