// The words after a route listing (`show bgp routes`, `received-routes`,
// `advertised-routes`): [ipv4|ipv6] [PREFIX|ADDRESS [longer-prefixes]]
// [community C].
// Checked here, so a typo is a usage error (exit 2), not an empty answer.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace closbgp::cli {

struct RouteSelection {
  std::string prefix;     // empty: every prefix
  bool longer = false;    // the prefix and those inside it
  bool longest = false;   // `prefix` is an address: the longest prefix holding it
  std::string community;  // only paths with this (large) community; empty: all
};

// The selection, or why the words are not one.
std::expected<RouteSelection, std::string> route_selection(std::vector<std::string> words);

// The words after `show bgp evpn routes`: [type 1-5] [vni V] [rd RD], in any order.
struct EvpnSelection {
  uint32_t type = 0, vni = 0;  // 0: any
  std::string rd;              // empty: any
};
std::expected<EvpnSelection, std::string> evpn_selection(const std::vector<std::string>& words);

// `show evpn vni [V]`, `mac vni V`, `arp-cache vni V`, `vrf`: what part of
// which VNI (0: every one); `words` follow "show evpn".
enum class EvpnVniPart { Vnis, Macs, ArpCache, Tenants };
std::expected<std::pair<EvpnVniPart, uint32_t>, std::string> evpn_vni_selection(
    const std::vector<std::string>& words);

// The words after `clear evpn dup-addr`: [vni all|V [mac MAC]], as FRR's.
struct DupAddrSelection {
  uint32_t vni = 0;  // 0: every VNI
  std::string mac;   // empty: every MAC
};
std::expected<DupAddrSelection, std::string> dup_addr_selection(
    const std::vector<std::string>& words);

}  // namespace closbgp::cli
