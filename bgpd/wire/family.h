// Address families (RFC 4760) and the subset this daemon routes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace closbgp::wire {

enum class Afi : uint16_t { Ipv4 = 1, Ipv6 = 2 };
enum class Safi : uint8_t { Unicast = 1 };

// Address families, a bit each in FamilySet. L2VPN EVPN (AFI 25, SAFI 70)
// has a table of its own (rib/evpn_table.h): kAllFamilies, afi_of,
// family_of and to_family are about the unicast families, whose tables
// are keyed by prefix.
enum class Family : uint8_t { Ipv4Unicast = 0, Ipv6Unicast = 1, L2vpnEvpn = 2 };
inline constexpr Family kAllFamilies[] = {Family::Ipv4Unicast, Family::Ipv6Unicast};

inline Afi afi_of(Family f) {
  return f == Family::Ipv4Unicast ? Afi::Ipv4 : Afi::Ipv6;
}
inline Family family_of(Afi a) {
  return a == Afi::Ipv4 ? Family::Ipv4Unicast : Family::Ipv6Unicast;
}
// Maps raw AFI/SAFI codes to a routed family; false for anything else.
bool to_family(uint16_t afi, uint8_t safi, Family& out);
std::string_view family_name(Family f);  // "ipv4-unicast"

class FamilySet {
 public:
  constexpr FamilySet() = default;
  constexpr FamilySet(std::initializer_list<Family> fs) {
    for (Family f : fs) add(f);
  }
  constexpr void add(Family f) { bits_ |= bit(f); }
  constexpr bool has(Family f) const { return (bits_ & bit(f)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(FamilySet, FamilySet) = default;

 private:
  static constexpr uint8_t bit(Family f) { return uint8_t(1u << uint8_t(f)); }
  uint8_t bits_ = 0;
};

}  // namespace closbgp::wire
