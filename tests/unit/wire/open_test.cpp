// OPEN and capabilities: golden vectors both ways, and every OPEN error.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {
using test::framed;
using test::hex;
using test::to_hex;

// An OPEN as FRR sends it on an unnumbered fabric link, in our encoder's order.
constexpr const char* kFabricOpenBody =
    "04 fde9 00b4 0a000001 36 02 34"
    "010400010001"          // MP IPv4 unicast
    "010400020001"          // MP IPv6 unicast
    "0200"                  // route refresh
    "0506000100010002"      // extended next hop: IPv4 unicast via IPv6
    "4002c078"              // graceful restart: R, N, 120 s, no families
    "41040000fde9"          // 4-octet AS 65001
    "450400010103"          // add-path IPv4 unicast send+receive
    "4600"                  // enhanced route refresh
    "4908067370696e653100"  // hostname "spine1", no domain
    "8000";                 // old Cisco route refresh: kept, not interpreted

OpenMessage fabric_open() {
  OpenMessage m;
  m.my_as = 65001;
  m.hold_time = 180;
  m.bgp_id = 0x0a000001;
  auto& c = m.capabilities;
  c.multiprotocol = {{1, 1}, {2, 1}};
  c.route_refresh = true;
  c.extended_next_hop = {{1, 1, 2}};
  c.graceful_restart = GracefulRestart{true, true, 120, {}};
  c.four_octet_as = 65001;
  c.add_path = {{1, 1, AddPathMode::Both}};
  c.enhanced_route_refresh = true;
  c.fqdn = Fqdn{"spine1", ""};
  c.unknown = {{128, {}}};
  return m;
}

TEST(Open, FabricOpenBothWays) {
  const auto bytes = framed(1, kFabricOpenBody);
  auto decoded = decode(bytes, DecodeContext{});
  ASSERT_TRUE(decoded) << decoded.error().reason;
  EXPECT_EQ(std::get<OpenMessage>(*decoded), fabric_open());
  auto encoded = encode(Message{fabric_open()}, EncodeContext{});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(to_hex(*encoded), to_hex(bytes));
}

TEST(Open, CapabilityGoldenVectors) {
  struct Row {
    const char* caps_hex;
    Capabilities want;
  };
  Capabilities gr;
  gr.graceful_restart = GracefulRestart{false, false, 90, {{1, 1, true}, {2, 1, false}}};
  Capabilities llgr;  // RFC 9494: IPv4 kept (F) for a day, IPv6 for 16777215 s
  llgr.long_lived_gr = LongLivedGracefulRestart{{{1, 1, true, 86400}, {2, 1, false, 16777215}}};
  Capabilities ext_msg;
  ext_msg.extended_message = true;
  Capabilities fqdn;
  fqdn.fqdn = Fqdn{"leaf1", "dc1.example"};
  Capabilities unknown;
  unknown.unknown = {{99, {0xab, 0xcd}}};
  const Row rows[] = {
      {"400a 005a 0001 01 80 0002 01 00", gr},
      {"470e 0001 01 80 015180 0002 01 00 ffffff", llgr},
      {"0600", ext_msg},
      {"4912 05 6c65616631 0b 6463312e6578616d706c65", fqdn},
      {"6302abcd", unknown},
  };
  for (const auto& row : rows) {
    const auto caps = hex(row.caps_hex);
    std::string body = "04 fde9 0009 0a000001 ";
    const char* d = "0123456789abcdef";
    auto byte = [&](size_t v) { return std::string{d[v >> 4], d[v & 15]}; };
    body += byte(caps.size() + 2) + "02" + byte(caps.size()) + row.caps_hex;
    auto m = decode(framed(1, body), DecodeContext{});
    ASSERT_TRUE(m) << row.caps_hex << ": " << m.error().reason;
    EXPECT_EQ(std::get<OpenMessage>(*m).capabilities, row.want) << row.caps_hex;
    std::vector<uint8_t> out;
    encode_capabilities(row.want, out);
    EXPECT_EQ(to_hex(out), to_hex(caps)) << row.caps_hex;
  }
}

TEST(Open, CapabilitiesSplitOverParametersAreMerged) {
  // FRR puts each capability in its own optional parameter.
  auto m = decode(framed(1, "04 fde9 00b4 0a000001 10 0206010400010001 0206010400020001"),
                  DecodeContext{});
  ASSERT_TRUE(m);
  EXPECT_EQ(std::get<OpenMessage>(*m).capabilities.multiprotocol,
            (std::vector<AfiSafi>{{1, 1}, {2, 1}}));
}

TEST(Open, ExtendedOptionalParametersRfc9072) {
  // Decodes the extended form even when a peer uses it for a short list.
  auto small = decode(framed(1, "04 fde9 00b4 0a000001 ff ff 0005 02 0002 0200"), DecodeContext{});
  ASSERT_TRUE(small) << small.error().reason;
  EXPECT_TRUE(std::get<OpenMessage>(*small).capabilities.route_refresh);

  // A capability list over 255 octets is sent in the extended form.
  OpenMessage big = fabric_open();
  for (uint8_t code = 200; code < 203; ++code)
    big.capabilities.unknown.push_back({code, std::vector<uint8_t>(100, code)});
  auto bytes = encode(Message{big}, EncodeContext{});
  ASSERT_TRUE(bytes);
  EXPECT_EQ((*bytes)[28], 0xff);
  EXPECT_EQ((*bytes)[29], 0xff);
  auto back = decode(*bytes, DecodeContext{});
  ASSERT_TRUE(back) << back.error().reason;
  EXPECT_EQ(std::get<OpenMessage>(*back), big);
}

TEST(Open, EachErrorGivesItsNotification) {
  struct Row {
    const char* name;
    const char* body;
    uint8_t subcode;
    std::vector<uint8_t> data;
  };
  const Row rows[] = {
      {"version 3", "03 fde9 00b4 0a000001 00", open_error::kUnsupportedVersion, {0, 4}},
      {"hold time 1", "04 fde9 0001 0a000001 00", open_error::kUnacceptableHoldTime, {}},
      {"hold time 2", "04 fde9 0002 0a000001 00", open_error::kUnacceptableHoldTime, {}},
      {"BGP id 0", "04 fde9 00b4 00000000 00", open_error::kBadBgpId, {}},
      {"authentication parameter",
       "04 fde9 00b4 0a000001 04 01 02 0000",
       open_error::kUnsupportedOptParam,
       {}},
      {"capability overruns", "04 fde9 00b4 0a000001 04 02 02 4104", open_error::kUnspecific, {}},
      {"4-octet AS of 2 octets",
       "04 fde9 00b4 0a000001 06 02 04 4102fde9",
       open_error::kUnspecific,
       {}},
      {"MP of 3 octets", "04 fde9 00b4 0a000001 07 02 05 0103000100", open_error::kUnspecific, {}},
      {"parameters longer than OPEN", "04 fde9 00b4 0a000001 10 0200", open_error::kUnspecific, {}},
      {"trailing octets", "04 fde9 00b4 0a000001 00 ff", open_error::kUnspecific, {}},
      {"extended length truncated", "04 fde9 00b4 0a000001 ff ff 00", open_error::kUnspecific, {}},
  };
  for (const auto& row : rows) {
    auto r = decode(framed(1, row.body), DecodeContext{});
    ASSERT_FALSE(r) << row.name;
    EXPECT_EQ(r.error().code, ErrorCode::Open) << row.name;
    EXPECT_EQ(r.error().subcode, row.subcode) << row.name << ": " << r.error().reason;
    EXPECT_EQ(r.error().data, row.data) << row.name;
  }
}

}  // namespace
}  // namespace closbgp::wire
