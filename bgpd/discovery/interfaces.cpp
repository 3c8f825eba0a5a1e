#include "bgpd/discovery/interfaces.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace closbgp::discovery {

std::vector<InterfaceInfo> list_interfaces() {
  std::vector<InterfaceInfo> out;
  struct if_nameindex* all = if_nameindex();
  if (!all) return out;
  const int s = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  for (struct if_nameindex* i = all; i->if_index != 0; ++i) {
    InterfaceInfo info{i->if_name, i->if_index, false};
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, i->if_name, IF_NAMESIZE - 1);
    if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0)
      info.up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
    out.push_back(std::move(info));
  }
  if (s >= 0) ::close(s);
  if_freenameindex(all);
  return out;
}

uint32_t link_of(const std::array<uint8_t, 16>& local, bool v4) {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return 0;
  const int family = v4 ? AF_INET : AF_INET6;
  uint32_t found = 0;
  for (const ifaddrs* i = all; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != family) continue;
    const void* address =
        v4 ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr)
           : static_cast<const void*>(
                 &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr);
    if (std::memcmp(address, local.data(), v4 ? 4 : 16) != 0) continue;
    if (i->ifa_flags & IFF_LOOPBACK) break;  // ours, but on no link
    found = if_nametoindex(i->ifa_name);
  }
  freeifaddrs(all);
  return found;
}

std::optional<std::array<uint8_t, 16>> usable_address(const std::string& name, bool v4) {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return std::nullopt;
  std::optional<std::array<uint8_t, 16>> found;
  for (const ifaddrs* i = all; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || name != i->ifa_name) continue;
    std::array<uint8_t, 16> bytes{};
    if (v4 && i->ifa_addr->sa_family == AF_INET) {
      std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, 4);
      if (bytes[0] != 127) found = bytes;
    } else if (!v4 && i->ifa_addr->sa_family == AF_INET6) {
      const auto& in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr;
      std::memcpy(bytes.data(), &in6, 16);
      if (!IN6_IS_ADDR_LINKLOCAL(&in6) && !IN6_IS_ADDR_LOOPBACK(&in6)) found = bytes;
    }
  }
  freeifaddrs(all);
  return found;
}

namespace {

// An IPv4 or IPv6 address and its netmask's length; nullopt for other
// families.
std::optional<InterfaceAddress> address_of(const sockaddr* addr, const sockaddr* mask) {
  InterfaceAddress out;
  if (addr->sa_family == AF_INET) {
    out.v4 = true;
    std::memcpy(out.address.data(), &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, 4);
    out.length =
        uint8_t(__builtin_popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr));
  } else if (addr->sa_family == AF_INET6) {
    std::memcpy(out.address.data(), &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, 16);
    for (uint8_t byte : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr)
      out.length = uint8_t(out.length + __builtin_popcount(byte));
  } else {
    return std::nullopt;
  }
  return out;
}

bool up_and_running(const ifaddrs* i) {
  return (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_RUNNING);
}

}  // namespace

std::vector<InterfaceAddress> interface_addresses() {
  std::vector<InterfaceAddress> out;
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return out;
  for (const ifaddrs* i = all; i; i = i->ifa_next) {
    if (!i->ifa_addr || !i->ifa_netmask || !up_and_running(i)) continue;
    auto a = address_of(i->ifa_addr, i->ifa_netmask);
    if (!a) continue;
    a->interface = i->ifa_name;
    a->ifindex = if_nametoindex(i->ifa_name);
    a->loopback = i->ifa_flags & IFF_LOOPBACK;
    out.push_back(std::move(*a));
  }
  freeifaddrs(all);
  return out;
}

std::vector<ConnectedPrefix> connected_prefixes() {
  std::vector<ConnectedPrefix> out;
  for (auto& a : interface_addresses()) {
    for (size_t i = 0; i < (a.v4 ? 4u : 16u); ++i) {  // the host bits cleared
      const int bits = std::clamp(int(a.length) - int(i) * 8, 0, 8);
      a.address[i] &= uint8_t(0xff00 >> bits);
    }
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(a.v4 ? AF_INET : AF_INET6, a.address.data(), text, sizeof text);
    out.push_back({std::string(text) + "/" + std::to_string(a.length), std::move(a.interface)});
  }
  return out;
}

bool interface_matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace closbgp::discovery
