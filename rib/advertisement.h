// What the engine says to send, and to whom. The engine decides which
// attributes each neighbour gets for which prefixes; the session layer
// adds what only a session knows (its own next hop, the negotiated
// encoding) and writes the bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgpd/wire/codec.h"
#include "bgpd/wire/messages.h"
#include "policy/route_map.h"
#include "rib/drain.h"

namespace closbgp::rib {

// A source of paths (a neighbour's session) and a receiver of
// advertisements share one id; 0 is the node itself (kLocalSource).
using SourceId = uint32_t;

// An established session as export sees it.
struct Member {
  SourceId id = 0;
  bool ebgp = true;
  uint32_t peer_as = 0;
  wire::FamilySet negotiated;  // End-of-RIB goes for each
  wire::FamilySet families;    // negotiated and sendable: we have a next hop for it
  // Sessions that encode alike share groups: any value the session layer
  // derives from the negotiated encoding (4-octet AS, extended messages).
  uint8_t encoding = 0;
  // Families it negotiated to receive path ids in (RFC 7911 add-path): it
  // shares a group with nobody, and is sent what PeerPolicy::add_path says.
  wire::FamilySet add_path;
  // What route-map-out may match on: the neighbour's link and address.
  std::string interface;
  std::optional<wire::IpAddress> address;
  DrainState drain = DrainState::Live;  // its own; the node's comes on top
  // We restarted gracefully and it helps us: it would drop our stale
  // routes at our End-of-RIB, so none goes while the node is WARM.
  bool we_restarted = false;
  // It offered long-lived graceful restart (RFC 9494): it may be sent
  // long-lived stale paths (LLGR_STALE); others are not.
  bool llgr = false;
  policy::Neighbor neighbor() const { return {interface, address}; }
};

// One exported attribute set. Each session sets its own next hop, but
// where a reflected path keeps its source's (kept_next_hop).
struct Variant {
  wire::PathAttributes attributes;
  wire::Family family;
  std::optional<wire::IpAddress> next_hop;  // kept: sent as it is
  friend bool operator==(const Variant&, const Variant&) = default;
};

// The next hop `v` goes with: the one it keeps, else the session's `own`.
inline std::optional<wire::MpNextHop> sent_next_hop(const Variant& v,
                                                    const std::optional<wire::MpNextHop>& own) {
  return v.next_hop ? std::optional(wire::MpNextHop{*v.next_hop, std::nullopt}) : own;
}

// One member's share of a change: withdrawals, then announcements by
// variant, then End-of-RIB for these families.
struct Advertisement {
  std::span<const Variant> variants;
  std::vector<std::vector<wire::Nlri>> announce;  // by variant
  std::map<wire::Family, std::vector<wire::Nlri>> withdraw;
  // L2VPN EVPN routes (rib/evpn_export.h): announced by variant, whose
  // next hop is theirs (the VTEP), and withdrawn.
  std::vector<std::vector<wire::EvpnRoute>> evpn_announce;
  std::vector<wire::EvpnRoute> evpn_withdraw;
  std::vector<wire::Family> end_of_rib;
  bool empty() const {
    for (const auto& a : announce)
      if (!a.empty()) return false;
    for (const auto& a : evpn_announce)
      if (!a.empty()) return false;
    return withdraw.empty() && evpn_withdraw.empty() && end_of_rib.empty();
  }
};

// The bytes of `a` for one session, appended to `out`: withdrawals, then
// each variant's announcements with its kept next hop or the session's own
// for its family (`next_hop`; a family without one is skipped), EVPN
// routes with their variant's next hop, then End-of-RIB,
// encoded as negotiated (`ctx`). Returns how many messages.
using NextHopFor = std::function<std::optional<wire::MpNextHop>(wire::Family)>;
size_t encode(const Advertisement& a, const NextHopFor& next_hop, const wire::EncodeContext& ctx,
              std::vector<uint8_t>& out);

// Where advertisements go: the session layer, or a test's recorder.
class AdvertisementSink {
 public:
  virtual ~AdvertisementSink() = default;
  virtual void advertise(SourceId to, const Advertisement& what) = 0;
};

}  // namespace closbgp::rib
