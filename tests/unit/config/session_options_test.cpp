// Per-neighbour options of how a session runs that are not policy:
// update-source, ebgp-multihop, sender-side loop detection, add-path,
// expected-routes.
#include <gtest/gtest.h>

#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

constexpr const char* kHead = "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n";

TEST(SessionOptions, LoopbackSessions) {
  auto c =
      parse_config(std::string(kHead) +
                       "  - {address: 10.255.0.2, remote-as: 65002, update-source: lo,"
                       " ebgp-multihop: 2}\n"
                       "  - {address: 2001:db8::2, remote-as: 65003, update-source: 2001:db8::1,"
                       " ebgp-multihop: true}\n"
                       "  - {address: 10.255.0.4, remote-as: internal, update-source: lo}\n",
                   "leaf.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].update_source, "lo");
  EXPECT_EQ(c->neighbors[0].ebgp_multihop, 2);
  EXPECT_EQ(c->neighbors[1].update_source, "2001:db8::1");
  EXPECT_EQ(c->neighbors[1].ebgp_multihop, 255);  // `true`, as FRR's bare ebgp-multihop
  EXPECT_EQ(c->neighbors[2].ebgp_multihop, 0);    // iBGP: TTL 255
}

TEST(SessionOptions, AddPath) {
  auto c = parse_config(std::string(kHead) +
                            "  - {interface: swp1, remote-as: external,"
                            " add-path: {receive: true, send: best-3}}\n"
                            "  - {interface: swp2, remote-as: external, add-path: {send: ecmp}}\n"
                            "  - {interface: swp3, remote-as: external}\n",
                        "leaf.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].add_path, (AddPath{true, AddPath::Send::Best, 3}));
  EXPECT_EQ(send_name(c->neighbors[0].add_path), "best-3");
  EXPECT_EQ(c->neighbors[1].add_path, (AddPath{false, AddPath::Send::Ecmp, 0}));
  EXPECT_EQ(c->neighbors[2].add_path, AddPath{});  // off both ways
  for (const char* send : {"best-0", "best-65", "best-2x", "best-", "some"}) {
    auto bad = parse_config(
        std::string(kHead) + "  - {interface: swp1, remote-as: external, add-path: {send: " + send +
            "}}\n",
        "leaf.yaml");
    ASSERT_FALSE(bad) << send;
    EXPECT_EQ(bad.error().key, "neighbors[0].add-path.send") << bad.error().to_string();
    EXPECT_NE(bad.error().message.find("best-N (N from 1 to 64)"), std::string::npos);
  }
}

TEST(SessionOptions, Evpn) {
  auto c = parse_config(std::string(kHead) +
                            "  - {interface: swp1, remote-as: external, evpn: true}\n"
                            "  - {interface: swp2, remote-as: external}\n",
                        "spine.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->neighbors[0].evpn);
  EXPECT_FALSE(c->neighbors[1].evpn);
  auto bad = parse_config(
      std::string(kHead) + "  - {interface: swp1, remote-as: external, evpn: yes-please}\n",
      "spine.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "neighbors[0].evpn");
}

TEST(SessionOptions, ExpectedRoutes) {
  auto c = parse_config(std::string(kHead) +
                            "  - {address: 192.0.2.1, remote-as: 65100,"
                            " expected-routes: {ipv4-unicast: 1000000}}\n"
                            "  - {interface: swp1, remote-as: external}\n",
                        "border.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].expected_routes, (ExpectedRoutes{1000000, 0}));
  EXPECT_EQ(c->neighbors[1].expected_routes, ExpectedRoutes{});  // no hint
}

TEST(SessionOptions, EachRefusalSaysWhy) {
  const BadCase cases[] = {
      {"add-path with a key it does not have",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {interface: swp1, remote-as: external, add-path: {transmit: all}}\n",
       4, "neighbors[0].add-path.transmit", ""},
      {"add-path receive not a boolean",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {interface: swp1, remote-as: external, add-path: {receive: maybe}}\n",
       4, "neighbors[0].add-path.receive", ""},
      {"update-source on an interface neighbour",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {interface: swp1, remote-as: external, update-source: lo}\n",
       4, "neighbors[0].update-source", "only a neighbour by address"},
      {"update-source of the other family",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.255.0.2, remote-as: 65002, update-source: \"2001:db8::1\"}\n",
       4, "neighbors[0].update-source", "not of the neighbour's address family"},
      {"update-source neither address nor interface",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.255.0.2, remote-as: 65002, update-source: \"a b\"}\n",
       4, "neighbors[0].update-source", "neither an IP address nor an interface name"},
      {"ebgp-multihop with ttl-security",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.255.0.2, remote-as: 65002, ttl-security: true, ebgp-multihop: 2}\n",
       4, "neighbors[0].ebgp-multihop", "cannot go with ttl-security"},
      {"ebgp-multihop out of range",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.255.0.2, remote-as: 65002, ebgp-multihop: 0}\n",
       4, "neighbors[0].ebgp-multihop", "1"},
      {"ebgp-multihop over iBGP",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.255.0.2, remote-as: internal, ebgp-multihop: 2}\n",
       4, "neighbors[0].ebgp-multihop", "eBGP neighbours only"},
      {"sender-side loop detection over iBGP",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 10.0.0.2, remote-as: internal, sender-as-path-loop-detection: false}\n",
       4, "neighbors[0].sender-as-path-loop-detection", "eBGP neighbours only"},
      {"expected-routes as one number",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 192.0.2.1, remote-as: 65100, expected-routes: 1000000}\n",
       4, "neighbors[0].expected-routes", "{ipv4-unicast: N, ipv6-unicast: M}"},
      {"expected-routes of a family it does not know",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 192.0.2.1, remote-as: 65100, expected-routes: {l2vpn-evpn: 5}}\n",
       4, "neighbors[0].expected-routes.l2vpn-evpn", ""},
      {"expected-routes beyond what a table is sized for",
       "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
       "  - {address: 192.0.2.1, remote-as: 65100, expected-routes: {ipv4-unicast: 99999999}}\n",
       4, "neighbors[0].expected-routes.ipv4-unicast", "16777216"},
  };
  for (const auto& bad : cases) expect_refused(bad);
}

}  // namespace
}  // namespace closbgp::config
