// A BFD service that watches nobody: tests of BGP without BFD, or that
// report BFD states by hand through the callback it keeps.
#pragma once

#include <map>

#include "bgpd/bfd/client.h"

namespace closbgp::mocks {

class FakeBfd final : public bfd::BfdClient {
 public:
  void watch(const bfd::PeerKey& peer, const bfd::Params&, const bfd::Multihop& mh,
             std::function<void(const bfd::StateEvent&)> on_change) override {
    watched[peer] = std::move(on_change);
    multihop[peer] = mh;
  }
  void unwatch(const bfd::PeerKey& peer) override { watched.erase(peer); }
  std::optional<bfd::SessionView> view(const bfd::PeerKey&) const override { return std::nullopt; }

  std::map<bfd::PeerKey, std::function<void(const bfd::StateEvent&)>> watched;
  std::map<bfd::PeerKey, bfd::Multihop> multihop;  // as last watched
};

}  // namespace closbgp::mocks
