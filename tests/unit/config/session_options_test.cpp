// Per-neighbour options of how a session runs that are not policy:
// update-source, ebgp-multihop, sender-side loop detection.
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

TEST(SessionOptions, EachRefusalSaysWhy) {
  const BadCase cases[] = {
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
  };
  for (const auto& bad : cases) expect_refused(bad);
}

}  // namespace
}  // namespace closbgp::config
