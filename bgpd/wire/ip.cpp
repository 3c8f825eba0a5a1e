#include "bgpd/wire/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace closbgp::wire {

bool to_family(uint16_t afi, uint8_t safi, Family& out) {
  if (safi != uint8_t(Safi::Unicast)) return false;
  if (afi == uint16_t(Afi::Ipv4)) {
    out = Family::Ipv4Unicast;
    return true;
  }
  if (afi == uint16_t(Afi::Ipv6)) {
    out = Family::Ipv6Unicast;
    return true;
  }
  return false;
}

std::string_view family_name(Family f) {
  return f == Family::Ipv4Unicast   ? "ipv4-unicast"
         : f == Family::Ipv6Unicast ? "ipv6-unicast"
                                    : "l2vpn-evpn";
}

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.bytes_[0] = uint8_t(host_order >> 24);
  a.bytes_[1] = uint8_t(host_order >> 16);
  a.bytes_[2] = uint8_t(host_order >> 8);
  a.bytes_[3] = uint8_t(host_order);
  return a;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.afi_ = Afi::Ipv6;
  a.bytes_ = bytes;
  return a;
}

IpAddress IpAddress::from_bytes(Afi afi, const uint8_t* bytes) {
  IpAddress a;
  a.afi_ = afi;
  std::memcpy(a.bytes_.data(), bytes, afi == Afi::Ipv4 ? 4 : 16);
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.bytes_.data()) == 1) return a;
  if (inet_pton(AF_INET6, buf, a.bytes_.data()) == 1) {
    a.afi_ = Afi::Ipv6;
    return a;
  }
  return std::nullopt;
}

uint32_t IpAddress::v4_host_order() const {
  return uint32_t(bytes_[0]) << 24 | uint32_t(bytes_[1]) << 16 | uint32_t(bytes_[2]) << 8 |
         bytes_[3];
}

bool IpAddress::is_link_local() const {
  if (is_v4()) return bytes_[0] == 169 && bytes_[1] == 254;
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IpAddress::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (bytes_[i] != 0) return false;
  return true;
}

IpAddress IpAddress::v4_mapped() const {
  if (!is_v4()) return *this;
  std::array<uint8_t, 16> b{};
  b[10] = b[11] = 0xff;
  std::copy_n(bytes_.begin(), 4, b.begin() + 12);
  return v6(b);
}

std::optional<IpAddress> IpAddress::unmapped_v4() const {
  constexpr std::array<uint8_t, 12> kPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!is_v6() || !std::equal(kPrefix.begin(), kPrefix.end(), bytes_.begin())) return std::nullopt;
  return from_bytes(Afi::Ipv4, bytes_.data() + 12);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

Prefix::Prefix(const IpAddress& addr, uint8_t length) : addr_(addr), length_(length) {
  auto bytes = addr.bytes();
  const size_t size = addr.size();
  for (size_t i = 0; i < size; ++i) {
    const int keep = int(length) - int(i) * 8;
    if (keep <= 0)
      bytes[i] = 0;
    else if (keep < 8)
      bytes[i] &= uint8_t(0xff00 >> keep);
  }
  addr_ = addr.is_v4() ? IpAddress::from_bytes(Afi::Ipv4, bytes.data()) : IpAddress::v6(bytes);
}

Prefix Prefix::from_wire(Afi afi, uint8_t length, const uint8_t* bytes) {
  Prefix p;
  p.length_ = length;
  p.addr_.afi_ = afi;
  const size_t n = (length + 7u) / 8u;
  std::memcpy(p.addr_.bytes_.data(), bytes, n);
  if (length % 8 != 0) p.addr_.bytes_[n - 1] &= uint8_t(0xff00 >> (length % 8));
  return p;
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned len = 0;
  const auto digits = text.substr(slash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
      len > max_prefix_length(addr->afi()))
    return std::nullopt;
  return Prefix(*addr, uint8_t(len));
}

bool Prefix::contains(const Prefix& other) const {
  return afi() == other.afi() && other.length_ >= length_ &&
         Prefix(other.addr_, length_).addr_ == addr_;
}

std::string Prefix::to_string() const {
  return addr_.to_string() + "/" + std::to_string(length_);
}

}  // namespace closbgp::wire
