// Duplicate IP addresses: an address of a VNI that hosts with different
// MACs claim, one here and one behind another VTEP, or two behind others
// (two hosts configured with one address). FRR detects them by counting
// moves, as it lets such an address flip between local and remote; here
// the conflict is stable (a local binding wins on its own leaf and a
// remote one is installed NOARP, which the kernel's ARP never overwrites;
// elsewhere the higher sequence, then the lower VTEP wins), so it is known
// at once: logged when it starts and ends, flagged and counted per VNI.
// Default Gateway routes are left out: leaves sharing a gateway address
// under MACs of their own is a set-up, not a conflict.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "bgpd/wire/evpn.h"
#include "bgpd/wire/ip.h"
#include "rib/evpn_import.h"

namespace closbgp::rib {

class EvpnDuplicateIps {
 public:
  using IpKey = std::pair<uint32_t, wire::IpAddress>;  // VNI, address
  struct Claim {
    wire::MacAddress mac{};
    std::optional<wire::IpAddress> vtep;  // none: here
    friend bool operator==(const Claim&, const Claim&) = default;
  };
  // A duplicate found (its claims) or over (no claims).
  struct Change {
    IpKey key;
    std::vector<Claim> claims;
  };

  // `k`'s claims now, the node's own (`local`, the MAC it has the address
  // at) and the remote ones (Default Gateway routes left out): a
  // duplicate while they name more than one MAC.
  void check(const IpKey& k, const std::optional<wire::MacAddress>& local,
             EvpnImport::IpClaims remote);
  bool duplicate(const IpKey& k) const { return duplicates_.contains(k); }
  const std::set<IpKey>& all() const { return duplicates_; }
  // What started or ended since the last call.
  std::vector<Change> take_changes() { return std::exchange(changes_, {}); }

 private:
  std::set<IpKey> duplicates_;
  std::vector<Change> changes_;
};

}  // namespace closbgp::rib
