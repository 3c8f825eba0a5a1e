#include "bgpd/discovery/interfaces.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

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

// "ADDRESS/LENGTH" of an address and its netmask; empty for other families.
std::string prefix_text(const sockaddr* addr, const sockaddr* mask) {
  char text[INET6_ADDRSTRLEN] = {};
  int length = 0;
  if (addr->sa_family == AF_INET) {
    in_addr a = reinterpret_cast<const sockaddr_in*>(addr)->sin_addr;
    const uint32_t m = ntohl(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr);
    length = __builtin_popcount(m);
    a.s_addr &= htonl(m);
    inet_ntop(AF_INET, &a, text, sizeof text);
  } else if (addr->sa_family == AF_INET6) {
    in6_addr a = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
    const auto& m = reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr;
    for (int i = 0; i < 16; ++i) {
      length += __builtin_popcount(m.s6_addr[i]);
      a.s6_addr[i] &= m.s6_addr[i];
    }
    inet_ntop(AF_INET6, &a, text, sizeof text);
  } else {
    return "";
  }
  return std::string(text) + "/" + std::to_string(length);
}

}  // namespace

std::vector<ConnectedPrefix> connected_prefixes() {
  std::vector<ConnectedPrefix> out;
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return out;
  for (ifaddrs* i = all; i; i = i->ifa_next) {
    if (!i->ifa_addr || !i->ifa_netmask || !(i->ifa_flags & IFF_UP) ||
        !(i->ifa_flags & IFF_RUNNING))
      continue;
    auto text = prefix_text(i->ifa_addr, i->ifa_netmask);
    if (!text.empty()) out.push_back({std::move(text), i->ifa_name});
  }
  freeifaddrs(all);
  return out;
}

bool interface_matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace closbgp::discovery
