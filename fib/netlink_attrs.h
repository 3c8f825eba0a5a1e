// Attribute readers the rtnetlink parsers of the VXLAN state share: a
// link's kind-specific data, a MAC, an address.
#pragma once

#include <optional>
#include <string_view>

#include "bgpd/wire/evpn.h"
#include "bgpd/wire/ip.h"

struct nlattr;
struct nlmsghdr;

namespace closbgp::fib {

// A link message's attributes into `tb` (IFLA_MAX + 1 of them) and, for a
// link of kind `kind`, its IFLA_INFO_DATA; nullptr for any other kind.
nlattr* kind_data(nlmsghdr* h, nlattr** tb, const char* kind);
// A link message's kind ("vxlan", "bridge", ...; pointing into the
// message), "" for a link without one (a physical port, a bridge port's
// AF_BRIDGE message), its IFLA_INFO_DATA into `data` if it has some.
std::string_view link_kind(nlmsghdr* h, nlattr** tb, nlattr** data = nullptr);
// A six-octet link-layer address; nullopt for none or another length.
std::optional<wire::MacAddress> mac_of(nlattr* lladdr);
// An IPv4 or IPv6 address; nullopt for none or another length.
std::optional<wire::IpAddress> address_of(nlattr* a);

}  // namespace closbgp::fib
