// EVPN NLRI (RFC 7432, RFC 9136): each route type from its octets, shown
// in FRR's notation, written back octet for octet; malformed routes refused.
#include "bgpd/wire/evpn.h"

#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"

#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {

constexpr const char* kRd1 = "0001 0a000001 0002";  // 10.0.0.1:2
constexpr const char* kNoEsi = "00000000000000000000";

std::vector<EvpnRoute> decoded(const std::string& hex) {
  std::vector<EvpnRoute> out;
  std::string why;
  EXPECT_TRUE(decode_evpn_nlri(test::hex(hex), out, why)) << why;
  // Written back as they came.
  std::vector<uint8_t> again;
  Writer w(again);
  for (const auto& r : out) encode_evpn_route(r, w);
  EXPECT_EQ(to_hex(again), to_hex(test::hex(hex)));
  return out;
}

std::string refused(const std::string& hex) {
  std::vector<EvpnRoute> out;
  std::string why;
  EXPECT_FALSE(decode_evpn_nlri(test::hex(hex), out, why)) << hex;
  return why;
}

TEST(Evpn, AMacIpRouteCarriesItsMacItsAddressAndItsVni) {
  const auto routes = decoded(std::string("02 25 ") + kRd1 + kNoEsi +
                              "00000000 30 aabbccddeeff 20 0a01010a 000064");
  ASSERT_EQ(routes.size(), 1u);
  const EvpnRoute& r = routes[0];
  EXPECT_EQ(r.type, uint8_t(EvpnType::MacIp));
  EXPECT_EQ(r.rd.to_string(), "10.0.0.1:2");
  EXPECT_EQ(mac_text(*r.mac), "aa:bb:cc:dd:ee:ff");
  EXPECT_EQ(parse_mac("AA:BB:CC:DD:EE:FF"), r.mac);  // and back, as an operator types it
  EXPECT_FALSE(parse_mac("aa:bb:cc:dd:ee"));
  EXPECT_FALSE(parse_mac("aa:bb:cc:dd:ee:fg"));
  EXPECT_EQ(r.ip->to_string(), "10.1.1.10");
  EXPECT_EQ(r.labels, std::vector<uint32_t>{100});  // the whole 24 bits: a VNI (RFC 8365)
  EXPECT_EQ(evpn_route_text(r), "[2]:[0]:[48]:[aa:bb:cc:dd:ee:ff]:[32]:[10.1.1.10]");
  // A MAC alone, with an L2 and an L3 VNI (symmetric IRB, RFC 9135).
  const auto mac_only =
      decoded(std::string("02 24 ") + kRd1 + kNoEsi + "00000000 30 aabbccddeeff 00 000064 001388");
  EXPECT_FALSE(mac_only[0].ip);
  EXPECT_EQ(mac_only[0].labels, (std::vector<uint32_t>{100, 5000}));
  EXPECT_EQ(evpn_route_text(mac_only[0]), "[2]:[0]:[48]:[aa:bb:cc:dd:ee:ff]");
}

TEST(Evpn, InclusiveMulticastEthernetSegmentAndAutoDiscoveryRoutes) {
  // Type 3 with RD 65000:100 (type 0) and type 4 with RD 4200000000:7
  // (type 2), in one NLRI field; then type 1.
  const auto routes = decoded(
      "03 11 0000 fde8 00000064 00000000 20 0a000001"
      "04 23 0002 fa56ea00 0007 00112233445566778899 80 20010db8000000000000000000000001");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].rd.to_string(), "65000:100");
  EXPECT_EQ(evpn_route_text(routes[0]), "[3]:[0]:[32]:[10.0.0.1]");
  EXPECT_EQ(routes[1].rd.to_string(), "4200000000:7");
  EXPECT_EQ(esi_text(routes[1].esi), "00:11:22:33:44:55:66:77:88:99");
  EXPECT_EQ(evpn_route_text(routes[1]), "[4]:[00:11:22:33:44:55:66:77:88:99]:[128]:[2001:db8::1]");
  const auto ad = decoded(std::string("01 19 ") + kRd1 + "00112233445566778899 ffffffff 000000");
  EXPECT_EQ(ad[0].ethernet_tag, 0xffffffffu);
  EXPECT_EQ(evpn_route_text(ad[0]), "[1]:[00:11:22:33:44:55:66:77:88:99]:[4294967295]");
}

TEST(Evpn, IpPrefixRoutesOfEitherFamily) {
  const auto v4 =
      decoded(std::string("05 22 ") + kRd1 + kNoEsi + "00000000 18 0a010000 00000000 001388");
  EXPECT_EQ(v4[0].prefix_length, 24);
  EXPECT_EQ(v4[0].ip->to_string(), "10.1.0.0");
  EXPECT_EQ(v4[0].gateway->to_string(), "0.0.0.0");
  EXPECT_EQ(v4[0].labels, std::vector<uint32_t>{5000});
  EXPECT_EQ(evpn_route_text(v4[0]), "[5]:[0]:[24]:[10.1.0.0]");
  const auto v6 = decoded(std::string("05 3a ") + kRd1 + kNoEsi +
                          "00000000 40 20010db8000100000000000000000000" +
                          "00000000000000000000000000000000 001388");
  EXPECT_EQ(evpn_route_text(v6[0]), "[5]:[0]:[64]:[2001:db8:1::]");
}

TEST(Evpn, UnknownTypesAreKeptAndMalformedRoutesRefused) {
  const auto other = decoded("09 03 010203");
  EXPECT_EQ(other[0].unknown, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(evpn_route_text(other[0]), "[9]:[01:02:03]");
  EXPECT_NE(refused("02 25 0001"), "");                      // runs past the field
  EXPECT_NE(refused(std::string("02 25 ") + kRd1 + kNoEsi +  // a 47-bit MAC
                    "00000000 2f aabbccddeeff 20 0a01010a 000064"),
            "");
  EXPECT_EQ(refused("03 0d 0000fde800000064 00000000 18 0a0000"),  // a 24-bit address
            "EVPN route of type 3 has a malformed value of 13 octets");
  EXPECT_NE(refused(std::string("05 22 ") + kRd1 + kNoEsi +  // /33 in IPv4
                    "00000000 21 0a010000 00000000 001388"),
            "");
  EXPECT_NE(refused(std::string("02 28 ") + kRd1 + kNoEsi +  // three labels
                    "00000000 30 aabbccddeeff 00 000064 001388 000001"),
            "");
}

TEST(Evpn, ItsExtendedCommunitiesByName) {
  EXPECT_EQ(evpn_ext_community_text(0x030c000000000008u), "encap:vxlan");
  EXPECT_EQ(evpn_ext_community_text(0x030c000000000002u), "encap:2");
  EXPECT_EQ(evpn_ext_community_text(0x030d000000000000u), "default-gw");
  EXPECT_EQ(evpn_ext_community_text(0x0600000000000005u), "mm:5");
  EXPECT_EQ(evpn_ext_community_text(0x0600010000000007u), "mm:7:sticky");
  EXPECT_EQ(evpn_ext_community_text(0x0601010000000064u), "esi-label:100:single-active");
  EXPECT_EQ(evpn_ext_community_text(0x0602001122334455u), "es-import:00:11:22:33:44:55");
  EXPECT_EQ(evpn_ext_community_text(0x0603aabbccddeeffu), "rmac:aa:bb:cc:dd:ee:ff");
  EXPECT_EQ(evpn_ext_community_text(kNdRouter), "nd:router");
  EXPECT_EQ(evpn_ext_community_text(0x0608060000000000u), "nd:override:proxy");
  EXPECT_TRUE(nd_router(std::vector<uint64_t>{kEncapVxlan, kNdRouter}));
  EXPECT_FALSE(nd_router(std::vector<uint64_t>{0x0608020000000000u}));    // override only
  EXPECT_EQ(evpn_ext_community_text(0x0002fde800000064u), std::nullopt);  // a route target
}

TEST(Evpn, ARouteDistinguisherOfAnotherTypeIsShownAsItsOctets) {
  RouteDistinguisher rd;
  rd.type = 3;
  rd.value = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(rd.to_string(), "3:01:02:03:04:05:06");
}

// Many routes under one attribute set: as few UPDATEs as the limit
// allows, each within it, the VTEP as next hop; withdrawn alike.
TEST(EvpnUpdates, RoutesArePackedUnderTheSizeLimit) {
  std::vector<EvpnRoute> routes;
  for (uint32_t i = 0; i < 300; ++i) {
    EvpnRoute r;
    r.type = uint8_t(EvpnType::MacIp);
    r.rd.type = 1;
    r.rd.value = {10, 0, 0, 1, 0, 2};
    r.mac = MacAddress{0xaa, 0, 0, 0, uint8_t(i >> 8), uint8_t(i)};
    r.ip = IpAddress::v4(0x0a010000 + i);
    r.labels = {100};
    routes.push_back(r);
  }
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = AsPath{};
  a.ext_communities = {0x030c00000000'0008};  // encap:vxlan
  const IpAddress vtep = IpAddress::v4(0x0a000001);
  DecodeContext ctx;
  ctx.families.add(Family::L2vpnEvpn);
  for (bool withdraw : {false, true}) {
    std::vector<uint8_t> out;
    const size_t messages = withdraw ? encode_evpn_withdraw(routes, {}, out)
                                     : encode_evpn_announce(a, vtep, routes, {}, out);
    EXPECT_EQ(messages, 3u);  // 300 routes of 39 octets in 4,096-octet messages
    std::vector<EvpnRoute> back;
    EXPECT_EQ(for_each_message(out,
                               [&](std::span<const uint8_t> m) {
                                 EXPECT_LE(m.size(), 4096u);
                                 auto u = decode(m, ctx);
                                 ASSERT_TRUE(u.has_value());
                                 const auto& update = std::get<UpdateMessage>(*u);
                                 const auto& evpn =
                                     withdraw ? update.mp_unreach->evpn : update.mp_reach->evpn;
                                 if (!withdraw) {
                                   EXPECT_EQ(update.mp_reach->next_hop.address, vtep);
                                   EXPECT_EQ(update.attributes.ext_communities, a.ext_communities);
                                 }
                                 back.insert(back.end(), evpn.begin(), evpn.end());
                               }),
              messages);
    EXPECT_EQ(back, routes);
  }
}

}  // namespace
}  // namespace closbgp::wire
