// A neighbour's BFD session (RFC 5880), followed as BGP needs it: watched
// while the neighbour is enabled and its address known, moved when the
// address moves, and given up (AdminDown: the neighbour keeps its BGP
// session) when it stops. Its news reaches the owner on the main loop,
// for the current session only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/bfd/client.h"

namespace closbgp::session {

class BfdWatch {
 public:
  // `on_change(before, event)`: the session's state was `before`.
  using OnChange = std::function<void(bfd::State before, const bfd::StateEvent& event)>;
  // Without `params` nothing is watched; `strict`: no BGP session unless BFD is Up.
  BfdWatch(bfd::BfdClient& bfd, std::optional<bfd::Params> params, bool strict, OnChange on_change);
  ~BfdWatch();
  BfdWatch(const BfdWatch&) = delete;
  BfdWatch& operator=(const BfdWatch&) = delete;

  // Watches `address` (on `ifindex` if link-local) while `enabled`; with
  // `multihop`, as a multihop session (RFC 5883) with those settings.
  void follow(bool enabled, const std::optional<asio::ip::address>& address, uint32_t ifindex,
              const std::optional<bfd::Multihop>& multihop);
  bool multihop() const { return key_ && key_->multihop; }
  // With strict BFD, whether it allows a BGP session now.
  bool allows() const { return !strict_ || state_ == bfd::State::Up; }
  bool strict() const { return strict_; }
  // "up", "down", "init", "admin-down"; empty when nothing is watched.
  std::string state_name() const;
  std::optional<bfd::SessionView> view() const;

 private:
  bfd::BfdClient& bfd_;
  std::optional<bfd::Params> params_;
  bool strict_;
  OnChange on_change_;
  std::optional<bfd::PeerKey> key_;
  bfd::Multihop multihop_;  // key_'s, if multihop
  bfd::State state_ = bfd::State::Down;
  // BFD callbacks are posted to the main loop; this tells them we are gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace closbgp::session
