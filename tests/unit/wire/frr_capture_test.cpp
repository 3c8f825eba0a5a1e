// Bytes captured from a real FRR 8.4 unnumbered session (tests/data): every
// message decodes cleanly, carries what a fabric relies on, and survives
// our re-encoding.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {

std::vector<Message> captured_messages() {
  std::ifstream in(CLOSBGP_TEST_DATA "/frr_unnumbered.hex");
  EXPECT_TRUE(in) << "missing " CLOSBGP_TEST_DATA "/frr_unnumbered.hex";
  std::vector<Message> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto bytes = test::hex(line.substr(line.find(' ') + 1));
    std::span<const uint8_t> rest(bytes);
    while (!rest.empty()) {
      auto h = decode_header(rest, DecodeContext{});
      EXPECT_TRUE(h) << h.error().reason;
      if (!h) break;
      auto m = decode(rest.first(h->length), DecodeContext{});
      EXPECT_TRUE(m) << m.error().reason;
      if (m) out.push_back(std::move(*m));
      rest = rest.subspan(h->length);
    }
  }
  return out;
}

TEST(FrrCapture, OpenCarriesTheUnnumberedCapabilities) {
  int opens = 0;
  for (const auto& m : captured_messages()) {
    const auto* o = std::get_if<OpenMessage>(&m);
    if (!o) continue;
    ++opens;
    const auto& c = o->capabilities;
    EXPECT_EQ(o->hold_time, 9);  // "frr defaults datacenter"
    ASSERT_TRUE(c.four_octet_as);
    EXPECT_TRUE(*c.four_octet_as == 65000 || *c.four_octet_as == 65101);
    EXPECT_EQ(c.extended_next_hop, (std::vector<ExtendedNextHop>{{1, 1, 2}}));
    EXPECT_EQ(c.multiprotocol, (std::vector<AfiSafi>{{1, 1}, {2, 1}}));
    EXPECT_TRUE(c.route_refresh);
    EXPECT_TRUE(c.enhanced_route_refresh);
    EXPECT_TRUE(c.extended_message);
    ASSERT_TRUE(c.fqdn);
    EXPECT_TRUE(c.fqdn->hostname == "spine1" || c.fqdn->hostname == "leaf1");
    ASSERT_TRUE(c.graceful_restart);
    EXPECT_EQ(c.graceful_restart->restart_time, 120);
  }
  EXPECT_EQ(opens, 2);
}

TEST(FrrCapture, UpdatesCarryIpv4ViaIpv6LinkLocal) {
  int v4 = 0, v6 = 0, eor = 0, echoed = 0;
  for (const auto& m : captured_messages()) {
    const auto* u = std::get_if<UpdateMessage>(&m);
    if (!u) continue;
    EXPECT_EQ(u->action, AttrAction::None);
    if (u->end_of_rib()) {
      ++eor;
      continue;
    }
    ASSERT_TRUE(u->mp_reach);
    const auto& nh = u->mp_reach->next_hop;
    // FRR sends the 32-octet form with the link-local address in both halves.
    EXPECT_TRUE(nh.address.is_link_local());
    ASSERT_TRUE(nh.link_local);
    EXPECT_TRUE(nh.link_local->is_link_local());
    ASSERT_EQ(u->mp_reach->nlri.size(), 1u);
    ASSERT_TRUE(u->attributes.as_path);
    if (u->attributes.as_path->length() == 2) ++echoed;
    (u->mp_reach->family == Family::Ipv4Unicast ? v4 : v6)++;
    // Re-encoded in our canonical form, it decodes to the same value.
    auto again = encode(Message{*u}, EncodeContext{});
    ASSERT_TRUE(again);
    auto back = decode(*again, DecodeContext{});
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<UpdateMessage>(*back), *u);
  }
  // Each speaker's loopbacks, plus the peer's own routes sent back to it:
  // FRR does no sender-side loop check, the receiver drops them by AS_PATH.
  EXPECT_EQ(v4, 4);
  EXPECT_EQ(v6, 4);
  EXPECT_EQ(echoed, 4);
  EXPECT_EQ(eor, 4);  // IPv4 and IPv6, each way
}

}  // namespace
}  // namespace closbgp::wire
