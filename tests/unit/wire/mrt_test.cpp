#include "bgpd/wire/mrt.h"

#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "bgpd/wire/evpn.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {

uint32_t u32_at(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}
uint16_t u16_at(const std::vector<uint8_t>& b, size_t at) {
  return uint16_t(b[at] << 8 | b[at + 1]);
}

TEST(Mrt, PeerIndexTable) {
  const mrt::Peer peers[] = {{0x0a000001, *IpAddress::parse("0.0.0.0"), 65001},
                             {0x0a000002, *IpAddress::parse("fe80::2"), 4200000000u}};
  std::vector<uint8_t> out;
  mrt::peer_index_table(1700000000, 0x0a000001, "main", peers, out);
  ASSERT_GE(out.size(), 12u);
  EXPECT_EQ(u32_at(out, 0), 1700000000u);
  EXPECT_EQ(u16_at(out, 4), 13);  // TABLE_DUMP_V2
  EXPECT_EQ(u16_at(out, 6), 1);   // PEER_INDEX_TABLE
  EXPECT_EQ(u32_at(out, 8), out.size() - 12);
  // collector id, view "main", 2 peers: v4 AS4 (1+4+4+4), v6 AS4 (1+4+16+4)
  EXPECT_EQ(out.size(), 12u + 4 + 2 + 4 + 2 + 13 + 25);
  EXPECT_EQ(out[12 + 4 + 2 + 4 + 2], 0x02);
  EXPECT_EQ(out[12 + 4 + 2 + 4 + 2 + 13], 0x03);
  EXPECT_EQ(u32_at(out, out.size() - 4), 4200000000u);
}

TEST(Mrt, RibEntriesCarryTheirNextHopWhereTheRfcSays) {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = AsPath{{{SegmentType::Sequence, {65001, 4200000000u}}}};
  a.communities = {0xfde80001};
  const mrt::RibEntry v4[] = {{0, 1700000000, 0, &a, {*IpAddress::parse("192.0.2.1"), {}}}};
  std::vector<uint8_t> out;
  mrt::rib(1700000001, 7, *Prefix::parse("10.1.0.0/23"), v4, out);
  EXPECT_EQ(u16_at(out, 6), 2);  // RIB_IPV4_UNICAST
  EXPECT_EQ(u32_at(out, 12), 7u);
  EXPECT_EQ(out[16], 23);
  EXPECT_EQ(out[17], 10);
  EXPECT_EQ(out[19], 0);  // three prefix octets
  EXPECT_EQ(u16_at(out, 20), 1);
  const size_t attrs_at = 22 + 2 + 4 + 2;
  const uint16_t attrs_len = u16_at(out, 28);
  EXPECT_EQ(attrs_at + attrs_len, out.size());
  // ORIGIN, AS_PATH (4-octet), NEXT_HOP 192.0.2.1, COMMUNITIES: decodable
  // as an UPDATE's attributes.
  const std::vector<uint8_t> attr_bytes(out.begin() + attrs_at, out.end());
  const uint8_t next_hop[] = {0x40, 3, 4, 192, 0, 2, 1};
  EXPECT_NE(
      std::search(attr_bytes.begin(), attr_bytes.end(), std::begin(next_hop), std::end(next_hop)),
      attr_bytes.end());

  // IPv6 with a link-local next hop: MP_REACH_NLRI holding only the next hops.
  const mrt::RibEntry v6[] = {
      {1, 1700000000, 0, &a, {*IpAddress::parse("2001:db8::1"), IpAddress::parse("fe80::1")}}};
  out.clear();
  mrt::rib(1700000001, 8, *Prefix::parse("2001:db8:1::/48"), v6, out);
  EXPECT_EQ(u16_at(out, 6), 4);  // RIB_IPV6_UNICAST
  const size_t entry = 12 + 4 + 1 + 6 + 2;
  EXPECT_EQ(u16_at(out, entry), 1);  // peer index
  const size_t mp = entry + 2 + 4 + 2;
  EXPECT_EQ(out[mp], 0x80);
  EXPECT_EQ(out[mp + 1], 14);
  EXPECT_EQ(out[mp + 2], 33);  // next-hop length octet + 32
  EXPECT_EQ(out[mp + 3], 32);
}

TEST(Mrt, ANeighboursSeveralPathsAreWrittenWithTheirPathIds) {
  PathAttributes a;
  a.origin = Origin::Igp;
  const mrt::RibEntry paths[] = {{0, 1700000000, 7, &a, {*IpAddress::parse("192.0.2.1"), {}}},
                                 {0, 1700000000, 9, &a, {*IpAddress::parse("192.0.2.2"), {}}}};
  std::vector<uint8_t> out;
  mrt::rib(1700000001, 1, *Prefix::parse("10.1.0.0/24"), paths, out);
  EXPECT_EQ(u16_at(out, 6), 8);  // RIB_IPV4_UNICAST_ADDPATH (RFC 8050)
  const size_t entry = 12 + 4 + 1 + 3 + 2;
  EXPECT_EQ(u32_at(out, entry + 2 + 4), 7u);  // after peer index and originated time
  const size_t second = entry + 2 + 4 + 4 + 2 + u16_at(out, entry + 2 + 4 + 4);
  EXPECT_EQ(u32_at(out, second + 2 + 4), 9u);
}

TEST(Mrt, AnEvpnRouteIsARibGenericRecordWithItsNlriAndTheVtep) {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.ext_communities = {kEncapVxlan};
  EvpnRoute r;
  r.type = uint8_t(EvpnType::MacIp);
  r.rd.type = 1;
  r.rd.value = {10, 0, 0, 1, 0, 2};
  r.mac = MacAddress{0xaa, 0xbb, 0xcc, 0, 0, 1};
  r.labels = {100};
  const mrt::RibEntry vtep[] = {{2, 1700000000, 0, &a, {*IpAddress::parse("10.0.0.1"), {}}}};
  std::vector<uint8_t> out;
  mrt::rib_evpn(1700000001, 5, r, vtep, out);
  EXPECT_EQ(u16_at(out, 6), 6);  // RIB_GENERIC
  EXPECT_EQ(u32_at(out, 8), out.size() - 12);
  EXPECT_EQ(u32_at(out, 12), 5u);
  EXPECT_EQ(u16_at(out, 16), 25);  // AFI L2VPN
  EXPECT_EQ(out[18], 70);          // SAFI EVPN
  // The route as MP_REACH_NLRI carries it, read back whole.
  const size_t nlri = 19, nlri_len = 2u + out[20];
  std::vector<EvpnRoute> back;
  std::string why;
  ASSERT_TRUE(decode_evpn_nlri(std::span(out).subspan(nlri, nlri_len), back, why)) << why;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], r);
  const size_t entry = nlri + nlri_len + 2;
  EXPECT_EQ(u16_at(out, entry - 2), 1);  // one entry
  EXPECT_EQ(u16_at(out, entry), 2);      // peer index
  // Its attributes: MP_REACH_NLRI with the VTEP only, then the others.
  const size_t mp = entry + 2 + 4 + 2;
  EXPECT_EQ(u16_at(out, entry + 6), out.size() - mp);
  EXPECT_EQ(out[mp + 1], 14);
  EXPECT_EQ(out[mp + 2], 5);  // next-hop length octet + 4
  EXPECT_EQ(out[mp + 3], 4);
  EXPECT_EQ(u32_at(out, mp + 4), 0x0a000001u);
}

TEST(Mrt, Bgp4mpRecordsCarryTheSessionAndTheMessage) {
  const mrt::Session session{65000, 4200000000u, 7, *IpAddress::parse("fe80::1"),
                             *IpAddress::parse("fe80::2")};
  const std::vector<uint8_t> keepalive = test::hex("ffffffffffffffffffffffffffffffff 0013 04");
  std::vector<uint8_t> out;
  mrt::bgp4mp_message(1700000000, session, keepalive, out);
  EXPECT_EQ(out, test::hex("6553f100 0010 0004 0000003f"  // BGP4MP, MESSAGE_AS4, length 63
                           " 0000fde8 fa56ea00 0007 0002"
                           " fe800000000000000000000000000001 fe800000000000000000000000000002"
                           " ffffffffffffffffffffffffffffffff 0013 04"));
  // What we sent: BGP4MP_MESSAGE_AS4_LOCAL, the same fields.
  std::vector<uint8_t> local;
  mrt::bgp4mp_message(1700000000, session, keepalive, local, true);
  EXPECT_EQ(u16_at(local, 6), 7);
  EXPECT_TRUE(std::equal(out.begin() + 8, out.end(), local.begin() + 8));
  out.clear();
  const mrt::Session v4{65000, 65101, 0, *IpAddress::parse("192.0.2.1"),
                        *IpAddress::parse("192.0.2.2")};
  mrt::bgp4mp_state_change(1700000000, v4, 5, 6, out);
  EXPECT_EQ(out, test::hex("6553f100 0010 0005 00000018"  // STATE_CHANGE_AS4, length 24
                           " 0000fde8 0000fe4d 0000 0001 c0000201 c0000202 0005 0006"));
}

}  // namespace
}  // namespace closbgp::wire
