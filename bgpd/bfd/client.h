// How BGP asks for BFD: watch a peer, hear about state changes on the main
// loop (DESIGN.md "Contracts between the parts").
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "bgpd/asio.h"
#include "bgpd/bfd/session.h"

namespace closbgp::bfd {

// A peer as BFD sees it: its address and, for a link-local one, the link;
// whether the session is single-hop (RFC 5881: UDP 3784, on a link) or
// multihop (RFC 5883: UDP 4784, routed). Packets are matched to sessions
// by this key, so a single-hop packet never feeds a multihop session.
struct PeerKey {
  asio::ip::address address;  // no scope; IPv4-mapped turned into IPv4
  uint32_t ifindex = 0;       // set for link-local addresses only
  bool multihop = false;
  // Boost 1.74's address has < and == but no <=>.
  friend bool operator<(const PeerKey& a, const PeerKey& b) {
    if (a.multihop != b.multihop) return a.multihop < b.multihop;
    return a.ifindex != b.ifindex ? a.ifindex < b.ifindex : a.address < b.address;
  }
  friend bool operator==(const PeerKey& a, const PeerKey& b) {
    return a.multihop == b.multihop && a.ifindex == b.ifindex && a.address == b.address;
  }
  std::string to_string() const;
};
PeerKey make_key(const asio::ip::address& address, uint32_t ifindex, bool multihop = false);

// A multihop session's own settings (RFC 5883 sec. 3-5): the address our
// packets leave from, which the peer's session is keyed on (a loopback, as
// BGP's update-source), and the lowest TTL accepted from the peer, which
// bounds how many routers away a sender may be.
struct Multihop {
  std::optional<asio::ip::address> source;  // unset: the kernel's choice
  uint8_t min_ttl = 1;
  friend bool operator==(const Multihop&, const Multihop&) = default;
};

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
  // `on_change` runs on the main io_context; `multihop` is read for a
  // multihop key only.
  virtual void watch(const PeerKey& peer, const Params& params, const Multihop& multihop,
                     std::function<void(const StateEvent&)> on_change) = 0;
  virtual void unwatch(const PeerKey& peer) = 0;
  virtual std::optional<SessionView> view(const PeerKey& peer) const = 0;
};

}  // namespace closbgp::bfd
