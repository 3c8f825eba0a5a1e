// How BGP asks for BFD: watch a peer, hear about state changes on the main
// loop (DESIGN.md "Contracts between the parts").
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/bfd/session.h"

namespace closbgp::bfd {

// A peer as BFD sees it: its address and, for a link-local one, the link.
struct PeerKey {
  asio::ip::address address;  // no scope; IPv4-mapped turned into IPv4
  uint32_t ifindex = 0;       // set for link-local addresses only
  // Boost 1.74's address has < and == but no <=>.
  friend bool operator<(const PeerKey& a, const PeerKey& b) {
    return a.ifindex != b.ifindex ? a.ifindex < b.ifindex : a.address < b.address;
  }
  friend bool operator==(const PeerKey& a, const PeerKey& b) {
    return a.ifindex == b.ifindex && a.address == b.address;
  }
  std::string to_string() const;
};
PeerKey make_key(const asio::ip::address& address, uint32_t ifindex);

struct StateEvent {
  State state = State::Down;
  Diag diag = Diag::None;
  bool peer_admin_down = false;
};

struct SessionView {
  State state = State::Down;
  Diag diag = Diag::None;
  Counters counters;
};

class BfdClient {
 public:
  virtual ~BfdClient() = default;
  // `on_change` runs on the main io_context.
  virtual void watch(const PeerKey& peer, const Params& params,
                     std::function<void(const StateEvent&)> on_change) = 0;
  virtual void unwatch(const PeerKey& peer) = 0;
  virtual std::optional<SessionView> view(const PeerKey& peer) const = 0;
};

}  // namespace closbgp::bfd
