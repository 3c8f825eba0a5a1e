// BMP messages byte by byte (RFC 7854 sec. 4, RFC 9069): the common
// header, the per-peer header's flags and addresses, and each message's body.
#include "bgpd/wire/bmp.h"

#include <gtest/gtest.h>

#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {

using test::hex;

bmp::PeerHeader v6_peer() {
  bmp::PeerHeader h;
  h.address = *IpAddress::parse("fe80::1");
  h.asn = 65000;
  h.bgp_id = 0x0a000001;
  h.seconds = 0x01020304;
  h.microseconds = 5;
  return h;
}

// type 0, V flag, distinguisher 0, fe80::1, AS 65000, 10.0.0.1, time
const char* kV6PeerHex =
    "00 80 0000000000000000 fe800000000000000000000000000001 0000fde8 0a000001 01020304 "
    "00000005";

TEST(Bmp, InitiationCarriesItsTlvs) {
  std::vector<uint8_t> out;
  const bmp::InfoTlv tlvs[] = {{bmp::info::kSysDescr, "x"}, {bmp::info::kSysName, "ab"}};
  bmp::initiation(tlvs, out);
  EXPECT_EQ(out, hex("03 00000011 04  0001 0001 78  0002 0002 6162"));
}

TEST(Bmp, TerminationSaysWhyInTextAndCode) {
  std::vector<uint8_t> out;
  bmp::termination(bmp::termination_reason::kAdminClose, "bye", out);
  EXPECT_EQ(out, hex("03 00000013 05  0000 0003 627965  0001 0002 0000"));
}

TEST(Bmp, PerPeerHeaderFlagsAndAddresses) {
  std::vector<uint8_t> out;
  auto h = v6_peer();
  h.post_policy = true;
  const std::vector<uint8_t> keepalive = hex("ffffffffffffffffffffffffffffffff 0013 04");
  bmp::route_monitoring(h, keepalive, out);
  EXPECT_EQ(out.size(), 6u + 42 + 19);
  EXPECT_EQ(out[7], 0xc0);  // V and L
  // An IPv4 neighbour: no V flag, its address in the last four octets.
  h.address = *IpAddress::parse("192.0.2.1");
  h.post_policy = false;
  out.clear();
  bmp::route_monitoring(h, keepalive, out);
  EXPECT_EQ(out[7], 0x00);
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 16, out.begin() + 32),
            hex("000000000000000000000000 c0000201"));
  // The Loc-RIB instance: type 3, no address whatever is set.
  h.type = bmp::PeerType::LocRib;
  out.clear();
  bmp::route_monitoring(h, keepalive, out);
  EXPECT_EQ(out[6], 3);
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 16, out.begin() + 32), std::vector<uint8_t>(16, 0));
}

TEST(Bmp, OneRouteMonitoringMessagePerBgpMessage) {
  std::vector<uint8_t> out;
  const std::vector<uint8_t> two =
      hex("ffffffffffffffffffffffffffffffff 0017 02 0000 0000"
          "ffffffffffffffffffffffffffffffff 0013 04");
  bmp::route_monitoring(v6_peer(), two, out);
  EXPECT_EQ(out, hex(std::string("03 00000047 00 ") + kV6PeerHex +
                     " ffffffffffffffffffffffffffffffff 0017 02 0000 0000"
                     "03 00000043 00 " +
                     kV6PeerHex + " ffffffffffffffffffffffffffffffff 0013 04"));
  // A truncated message is not sent.
  out.clear();
  bmp::route_monitoring(v6_peer(), std::span(two).first(30), out);
  EXPECT_EQ(out.size(), 6u + 42 + 23);
}

TEST(Bmp, PeerUpAndDown) {
  std::vector<uint8_t> out;
  bmp::PeerUp up;
  up.local_address = *IpAddress::parse("fe80::2");
  up.local_port = 179;
  up.remote_port = 40000;
  up.sent_open = hex("aa");
  up.received_open = hex("bb");
  up.information = {{bmp::info::kString, "interface swp1"}};
  bmp::peer_up(v6_peer(), up, out);
  EXPECT_EQ(out, hex(std::string("03 00000058 03 ") + kV6PeerHex +
                     " fe800000000000000000000000000002 00b3 9c40 aa bb"
                     " 0000 000e 696e7465726661636520737770 31"));
  out.clear();
  bmp::peer_down(v6_peer(), bmp::DownReason::RemoteNotification, hex("cc dd"), out);
  EXPECT_EQ(out, hex(std::string("03 00000033 02 ") + kV6PeerHex + " 03 ccdd"));
}

TEST(Bmp, StatisticsOfEachKind) {
  std::vector<uint8_t> out;
  const bmp::Stat stats[] = {
      {bmp::stat::kRejectedByPolicy, 7},
      {bmp::stat::kAdjRibIn, 9, bmp::Stat::Kind::Gauge64},
      {bmp::stat::kAdjRibInFamily, 3, bmp::Stat::Kind::FamilyGauge64, 2, 1},
  };
  bmp::statistics(v6_peer(), stats, out);
  EXPECT_EQ(out, hex(std::string("03 00000057 01 ") + kV6PeerHex +
                     " 00000003"
                     " 0000 0004 00000007"
                     " 0007 0008 0000000000000009"
                     " 0009 000b 0002 01 0000000000000003"));
}

}  // namespace
}  // namespace closbgp::wire
