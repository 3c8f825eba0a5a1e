// closctl decode: hex input forms, JSON for each message, errors with their
// NOTIFICATION, several messages in one capture.
#include <gtest/gtest.h>

#include <sstream>

#include "bgpd/cli/decode_command.h"
#include "bgpd/wire/hex.h"

namespace closbgp::cli {
namespace {

std::string run(std::string_view hex, wire::DecodeContext ctx = {}, int* status = nullptr) {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(wire::parse_hex(hex, bytes));
  std::ostringstream out;
  const int rc = decode_messages(bytes, ctx, out);
  if (status) *status = rc;
  return out.str();
}

constexpr const char* kMarker = "ffffffffffffffffffffffffffffffff";

TEST(Decode, AcceptsCommonHexForms) {
  std::vector<uint8_t> a, b, c;
  EXPECT_TRUE(wire::parse_hex("ff ff:0x13\n04", a));
  EXPECT_EQ(a, (std::vector<uint8_t>{0xff, 0xff, 0x13, 0x04}));
  EXPECT_FALSE(wire::parse_hex("fg", b));
  EXPECT_FALSE(wire::parse_hex("fff", c));
}

TEST(Decode, UpdateAsJson) {
  int rc = -1;
  const std::string out = run(std::string(kMarker) +
                                  "0047 02 0000 0030"
                                  "800e19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102"
                                  "40010100 400206020100 00fde9 c00804ffff0000",
                              {}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(
      out,
      "{\"length\":71,\"type\":\"UPDATE\",\"withdrawn\":[],\"attributes\":{\"origin\":\"igp\","
      "\"as_path\":[{\"type\":\"sequence\",\"asns\":[65001]}],\"communities\":[\"graceful-"
      "shutdown\"]},\"mp_reach\":{\"family\":\"ipv4-unicast\",\"next_hop\":\"fe80::1\","
      "\"nlri\":[\"10.1.2.0/24\"]},\"nlri\":[]}\n");
}

TEST(Decode, ExtendedCommunitiesByName) {
  // A route target, a link bandwidth of 300 Mbps, and VXLAN encapsulation:
  // as show bgp routes writes them.
  const std::string out = run(std::string(kMarker) +
                              "005b 02 0000 0044"
                              "800e19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102"
                              "40010100 400206020100 00fde9"
                              "c01018 0002fde800000064 0004fde84c0f0d18 030c000000000008");
  EXPECT_NE(out.find("\"extended_communities\":[\"rt:65000:100\",\"lb:65000:300M\","
                     "\"encap:vxlan\"]"),
            std::string::npos)
      << out;
}

TEST(Decode, EvpnRoutesAndTheirCommunities) {
  // A MAC/IP route (VNI 100) from VTEP 10.0.0.1 with a route target, VXLAN
  // encapsulation and the router's MAC.
  const std::string update = std::string(kMarker) +
                             "0072 02 0000 005b 40010100 400206020100 00fde9"
                             "c01018 0002fde800000064 030c000000000008 0603aabbccddeeff"
                             "800e30 0019 46 04 0a000001 00"
                             "02 25 0001 0a000001 0002 00000000000000000000 00000000"
                             "30 aabbccddeeff 20 0a01010a 000064";
  wire::DecodeContext evpn;
  evpn.families.add(wire::Family::L2vpnEvpn);
  const std::string out = run(update, evpn);
  EXPECT_NE(out.find("\"extended_communities\":[\"rt:65000:100\",\"encap:vxlan\","
                     "\"rmac:aa:bb:cc:dd:ee:ff\"]"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"mp_reach\":{\"family\":\"l2vpn-evpn\",\"next_hop\":\"10.0.0.1\","
                     "\"nlri\":[],\"evpn\":[{\"type\":2,\"route\":\"[2]:[0]:[48]:[aa:bb:cc:dd:"
                     "ee:ff]:[32]:[10.1.1.10]\",\"rd\":\"10.0.0.1:2\",\"esi\":\"00:00:00:00:00:"
                     "00:00:00:00:00\",\"ethernet_tag\":0,\"mac\":\"aa:bb:cc:dd:ee:ff\",\"ip\":"
                     "\"10.1.1.10\",\"vni\":[100]}]}"),
            std::string::npos)
      << out;
  // A session that did not negotiate EVPN ignores the attribute (RFC 4760).
  const std::string unicast = run(update);
  EXPECT_EQ(unicast.find("\"mp_reach\""), std::string::npos) << unicast;
  EXPECT_NE(unicast.find("AFI 25 SAFI 70, which was not negotiated"), std::string::npos);
}

TEST(Decode, LongLivedGracefulRestartCapability) {
  // Capabilities: LLGR (71) for IPv4 unicast, F bit, 3600 s.
  const std::string out =
      run(std::string(kMarker) + "0028 01 04 fde8 0009 0a000001 0b 02 09 47 07 0001 01 80 000e10");
  EXPECT_NE(out.find("\"long_lived_graceful_restart\":[{\"afi\":1,\"safi\":1,"
                     "\"forwarding_preserved\":true,\"stale_time\":3600}]"),
            std::string::npos)
      << out;
}

TEST(Decode, Rfc7606OutcomeIsShown) {
  // COMMUNITIES of 5 octets: treat-as-withdraw.
  const std::string out = run(std::string(kMarker) +
                              "0037 02 0000 001c 40010100 400206020100 00fde9 4003040a000001 "
                              "c00805 0000000000 180a0102");
  EXPECT_NE(out.find("\"rfc7606\":{\"action\":\"treat-as-withdraw\",\"errors\":[{\"attribute\":8"),
            std::string::npos)
      << out;
}

TEST(Decode, ErrorShowsTheNotificationAndFails) {
  int rc = -1;
  const std::string out = run(std::string(kMarker) + "0013 09", {}, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("\"code\":1,\"subcode\":3"), std::string::npos) << out;
  EXPECT_NE(out.find("\"subcode_name\":\"Bad Message Type\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"data\":\"09\""), std::string::npos) << out;
}

TEST(Decode, SeveralMessagesOneLineEach) {
  const std::string out =
      run(std::string(kMarker) + "001304" + kMarker + "0017 03 0602 0161" + kMarker + "001304");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
  EXPECT_NE(out.find("\"shutdown_message\":\"a\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"subcode_name\":\"Administrative Shutdown\""), std::string::npos) << out;
}

// A shutdown message is the peer's bytes: not UTF-8, it is still valid JSON.
TEST(Decode, AShutdownMessageThatIsNotUtf8StaysValidJson) {
  const std::string out = run(std::string(kMarker) + "0018 03 0602 02fffe");
  EXPECT_NE(out.find("\"shutdown_message\":\"\\ufffd\\ufffd\""), std::string::npos) << out;
}

}  // namespace
}  // namespace closbgp::cli
