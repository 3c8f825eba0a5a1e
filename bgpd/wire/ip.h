// IP addresses and prefixes as value types. IPv4 and IPv6 share one type so
// that config, API and codec can carry "a prefix" without a variant; the RIB
// keys its tables by family and uses compact keys of its own.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bgpd/wire/family.h"

namespace closbgp::wire {

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(uint32_t host_order);
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);
  // Reads 4 or 16 network-order bytes.
  static IpAddress from_bytes(Afi afi, const uint8_t* bytes);
  static std::optional<IpAddress> parse(std::string_view text);

  Afi afi() const { return afi_; }
  bool is_v4() const { return afi_ == Afi::Ipv4; }
  bool is_v6() const { return afi_ == Afi::Ipv6; }
  uint32_t v4_host_order() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }  // v4 uses the first 4
  size_t size() const { return is_v4() ? 4 : 16; }
  bool is_link_local() const;  // fe80::/10 or 169.254/16
  bool is_unspecified() const;
  // ::ffff:a.b.c.d for an IPv4 address (RFC 4291 sec. 2.5.5.2), as the
  // kernel takes an IPv4 gateway of an IPv6 route; an IPv6 address as is.
  IpAddress v4_mapped() const;
  // The IPv4 address an IPv4-mapped one holds; nullopt for any other.
  std::optional<IpAddress> unmapped_v4() const;
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  friend class Prefix;
  Afi afi_ = Afi::Ipv4;
  std::array<uint8_t, 16> bytes_{};
};

// A prefix with host bits always zero.
class Prefix {
 public:
  Prefix() = default;
  // Clears bits beyond `length`; length must be valid for the family.
  Prefix(const IpAddress& addr, uint8_t length);
  static std::optional<Prefix> parse(std::string_view text);  // "10.0.0.0/24"
  // From NLRI octets: reads (length + 7) / 8 bytes; length must be valid for
  // the family. The hot path of UPDATE decoding, hence no re-validation.
  static Prefix from_wire(Afi afi, uint8_t length, const uint8_t* bytes);

  const IpAddress& address() const { return addr_; }
  uint8_t length() const { return length_; }
  Afi afi() const { return addr_.afi(); }
  bool contains(const Prefix& other) const;
  std::string to_string() const;

  friend bool operator==(const Prefix&, const Prefix&) = default;
  friend auto operator<=>(const Prefix&, const Prefix&) = default;

 private:
  IpAddress addr_;
  uint8_t length_ = 0;
};

inline uint8_t max_prefix_length(Afi afi) {
  return afi == Afi::Ipv4 ? 32 : 128;
}

}  // namespace closbgp::wire
