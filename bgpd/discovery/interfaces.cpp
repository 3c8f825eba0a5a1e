#include "bgpd/discovery/interfaces.h"

#include <fnmatch.h>
#include <net/if.h>
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

bool interface_matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace closbgp::discovery
