// Duplicate MAC detection: a MAC that keeps moving between this VTEP and
// others (two hosts with one MAC, or a loop) makes both leaves advertise it
// with ever higher sequence numbers (RFC 7432 sec. 15.1 asks to detect
// it). One that moves `max_moves` times within `window` is a duplicate:
// frozen for `freeze` (not advertised by us, the other VTEP's claim
// installed), then it may move again; a freeze of 0 lasts until an
// operator clears it (FRR's `freeze permanent`). FRR's defaults: 5 moves
// in 180 s, frozen for 180 s.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "bgpd/wire/evpn.h"

namespace closbgp::evpn {

class DuplicateMacs {
 public:
  using Time = std::chrono::steady_clock::time_point;
  using Key = std::pair<uint32_t, wire::MacAddress>;  // VNI, MAC

  explicit DuplicateMacs(uint32_t max_moves = 5,
                         std::chrono::seconds window = std::chrono::seconds(180),
                         std::chrono::seconds freeze = std::chrono::seconds(180))
      : max_moves_(max_moves), window_(window), freeze_(freeze) {}

  // `k` moved (to us, or away from us) at `now`: true when this move makes
  // it a duplicate, frozen from now on.
  bool moved(const Key& k, Time now);
  // The keys whose freeze ran out by `now`: no longer frozen, moves forgotten.
  std::vector<Key> thaw(Time now);
  // An operator's clearing: what is known of the MACs of `vni` (all with
  // nullopt), or of `mac` only, is forgotten; returns those that were frozen.
  std::vector<Key> clear(std::optional<uint32_t> vni, std::optional<wire::MacAddress> mac);
  // When the next freeze runs out, if any is frozen for a time.
  std::optional<Time> next_thaw() const;
  bool permanent() const { return freeze_.count() == 0; }
  uint32_t max_moves() const { return max_moves_; }
  std::chrono::seconds window() const { return window_; }
  std::chrono::seconds freeze() const { return freeze_; }

 private:
  struct Record {
    std::deque<Time> moves;  // within the window
    std::optional<Time> frozen_until;
  };
  uint32_t max_moves_;
  std::chrono::seconds window_;
  std::chrono::seconds freeze_;
  std::map<Key, Record> records_;
};

}  // namespace closbgp::evpn
