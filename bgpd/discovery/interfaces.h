// The host's network interfaces, as unnumbered neighbours need them: which
// exist, their index, whether they are up, and which match a pattern.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace closbgp::discovery {

struct InterfaceInfo {
  std::string name;
  uint32_t index = 0;
  bool up = false;  // administratively up and carrier present
};

std::vector<InterfaceInfo> list_interfaces();
// The interface that holds `local` (an address of this host): the link a
// numbered neighbour's session runs over. 0 if `local` is not ours or is
// on a loopback device: a session between loopbacks runs over no link of
// its own (its neighbour's address may still be a /32 reached through a
// link route, as on point-to-point links, so no subnet is required).
uint32_t link_of(const std::array<uint8_t, 16>& local, bool v4);
// The first address of interface `name` in family v4 or v6 that a session
// can start from (not 127/8, ::1 or link-local), in network order (IPv4 in
// the first 4 bytes); nullopt if it has none or does not exist.
std::optional<std::array<uint8_t, 16>> usable_address(const std::string& name, bool v4);
// The prefixes of the addresses on interfaces that are up ("10.1.1.0/24"),
// with the interface name: what "redistribute connected" originates.
struct ConnectedPrefix {
  std::string prefix;
  std::string interface;
};
std::vector<ConnectedPrefix> connected_prefixes();
// The addresses of interfaces that are up, with their subnets' lengths:
// what next hops resolve through, and which addresses are ours (those on
// a loopback device are only that).
struct InterfaceAddress {
  std::array<uint8_t, 16> address{};  // network order, IPv4 in the first 4 bytes
  bool v4 = false;
  uint8_t length = 0;
  std::string interface;
  uint32_t ifindex = 0;
  bool loopback = false;
};
std::vector<InterfaceAddress> interface_addresses();
// Shell-style pattern ("swp*", "swp[1-4]"), or an exact name.
bool interface_matches(const std::string& pattern, const std::string& name);

}  // namespace closbgp::discovery
