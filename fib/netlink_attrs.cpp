#include "fib/netlink_attrs.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <cstring>

namespace closbgp::fib {

std::string_view link_kind(nlmsghdr* h, nlattr** tb, nlattr** data) {
  if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0 || !tb[IFLA_LINKINFO]) return {};
  nlattr* info[IFLA_INFO_MAX + 1];
  if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], nullptr) < 0 ||
      !info[IFLA_INFO_KIND])
    return {};
  if (data) *data = info[IFLA_INFO_DATA];
  // NUL-terminated as the kernel sends it; strnlen keeps a malformed one inside.
  const auto* kind = static_cast<const char*>(nla_data(info[IFLA_INFO_KIND]));
  return {kind, strnlen(kind, size_t(nla_len(info[IFLA_INFO_KIND])))};
}

nlattr* kind_data(nlmsghdr* h, nlattr** tb, const char* kind) {
  nlattr* data = nullptr;
  return link_kind(h, tb, &data) == kind ? data : nullptr;
}

std::optional<wire::MacAddress> mac_of(nlattr* lladdr) {
  if (!lladdr || nla_len(lladdr) != 6) return std::nullopt;
  wire::MacAddress mac;
  std::memcpy(mac.data(), nla_data(lladdr), 6);
  return mac;
}

std::optional<wire::IpAddress> address_of(nlattr* a) {
  if (!a) return std::nullopt;
  const auto* bytes = static_cast<const uint8_t*>(nla_data(a));
  if (nla_len(a) == 4) return wire::IpAddress::from_bytes(wire::Afi::Ipv4, bytes);
  if (nla_len(a) == 16) return wire::IpAddress::from_bytes(wire::Afi::Ipv6, bytes);
  return std::nullopt;
}

}  // namespace closbgp::fib
