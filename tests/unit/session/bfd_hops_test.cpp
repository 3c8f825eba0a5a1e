#include "bgpd/session/bfd_hops.h"

#include <gtest/gtest.h>

namespace closbgp::session {
namespace {

config::Neighbor neighbor(const std::string& text) {
  auto c = config::parse_config("asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n  - " + text + "\n",
                                "t.yaml");
  EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
  return c ? c->neighbors.at(0) : config::Neighbor{};
}

TEST(BfdHops, MultihopOffTheLinksOrWithEbgpMultihop) {
  const std::vector<rib::ConnectedAddress> connected = {
      {*wire::IpAddress::parse("192.0.2.1"), 30, 2, false},
      {*wire::IpAddress::parse("10.255.0.1"), 32, 1, true},
      {*wire::IpAddress::parse("10.9.0.1"), 16, 1, true}};  // a subnet on lo is no link
  auto at = [&](const config::Neighbor& n, const char* address) {
    return bfd_multihop(n, asio::ip::make_address(address), connected);
  };
  const auto ibgp = neighbor("{address: 10.255.0.2, remote-as: internal, bfd: true}");
  EXPECT_EQ(at(ibgp, "192.0.2.2"), std::nullopt);                       // on the link: single hop
  EXPECT_EQ(at(ibgp, "10.255.0.2"), (bfd::Multihop{std::nullopt, 1}));  // any TTL, as FRR's iBGP
  EXPECT_EQ(at(ibgp, "10.9.0.2"), (bfd::Multihop{std::nullopt, 1}));
  // One router between us at most; from the update-source address.
  const auto two = neighbor(
      "{address: 192.0.2.2, remote-as: 65002, ebgp-multihop: 2, update-source: 10.255.0.1}");
  const bfd::Multihop from_lo{asio::ip::make_address("10.255.0.1"), 254};
  EXPECT_EQ(at(two, "192.0.2.2"), from_lo);
  EXPECT_EQ(at(two, "10.255.0.2"), from_lo);
}

}  // namespace
}  // namespace closbgp::session
