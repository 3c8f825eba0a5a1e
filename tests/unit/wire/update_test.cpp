// UPDATE golden vectors, decoded and encoded both ways.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {
using test::to_hex;
using test::update_msg;

Nlri P(const char* text, uint32_t path_id = 0) {
  return Nlri{*Prefix::parse(text), path_id};
}
IpAddress A(const char* text) {
  return *IpAddress::parse(text);
}
AsPath seq(std::vector<uint32_t> asns) {
  return AsPath{{{SegmentType::Sequence, std::move(asns)}}};
}

constexpr const char* kOrigin = "40 01 01 00";
constexpr const char* kAsPath = "40 02 06 02 01 0000fde9";
constexpr const char* kNextHop = "40 03 04 0a000001";

PathAttributes base_attrs() {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = seq({65001});
  return a;
}

struct Golden {
  const char* name;
  std::vector<uint8_t> bytes;
  UpdateMessage value;
  DecodeContext dctx{};
  EncodeContext ectx{};
  bool encode_too = true;  // false where our canonical encoding differs
};

std::vector<Golden> golden() {
  std::vector<Golden> g;
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.next_hop = A("10.0.0.1");
    u.attributes.med = 100;
    u.attributes.communities = {0xfde90001, kGracefulShutdown};
    u.nlri = {P("10.1.2.0/24"), P("10.0.0.1/32"), P("0.0.0.0/0")};
    g.push_back({"ipv4 announce",
                 update_msg("",
                            std::string(kOrigin) + kAsPath + kNextHop +
                                "80 04 04 00000064 c0 08 08 fde90001 ffff0000",
                            "18 0a0102 20 0a000001 00"),
                 u});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.mp_reach =
        MpReach{Family::Ipv6Unicast, {A("2001:db8::1"), A("fe80::1")}, {P("2001:db8:1::/64")}, {}};
    g.push_back({"ipv6 mp_reach, global + link-local next hop",
                 update_msg("",
                            "80 0e 2e 0002 01 20 20010db8000000000000000000000001"
                            "fe800000000000000000000000000001 00 40 20010db800010000" +
                                std::string(kOrigin) + kAsPath,
                            ""),
                 u});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.mp_reach = MpReach{Family::Ipv4Unicast, {A("fe80::1"), std::nullopt}, {P("10.1.2.0/24")}, {}};
    g.push_back({"rfc 8950 ipv4 via ipv6 link-local",
                 update_msg("",
                            "80 0e 19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102" +
                                std::string(kOrigin) + kAsPath,
                            ""),
                 u});
  }
  {
    UpdateMessage u;
    u.withdrawn = {P("10.1.2.0/24")};
    g.push_back({"ipv4 withdraw", update_msg("18 0a0102", "", ""), u});
  }
  {
    UpdateMessage u;
    u.mp_unreach = MpUnreach{Family::Ipv6Unicast, {P("2001:db8:1::/64")}, {}};
    g.push_back({"ipv6 mp_unreach", update_msg("", "80 0f 0c 0002 01 40 20010db800010000", ""), u});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.next_hop = A("10.0.0.1");
    u.attributes.local_pref = 200;
    u.attributes.atomic_aggregate = true;
    u.attributes.aggregator = Aggregator{65001, 0x0a000001};
    u.attributes.originator_id = 0x0a000002;
    u.attributes.cluster_list = {0x0a000003};
    u.attributes.ext_communities = {0x0002fde900000064};
    u.attributes.large_communities = {{65001, 1, 2}};
    u.attributes.otc = 65001;
    u.nlri = {P("10.1.2.0/24")};
    DecodeContext ibgp;
    ibgp.ebgp = false;
    g.push_back({"every attribute, ibgp",
                 update_msg("",
                            std::string(kOrigin) + kAsPath + kNextHop +
                                "40 05 04 000000c8 40 06 00 c0 07 08 0000fde9 0a000001"
                                "80 09 04 0a000002 80 0a 04 0a000003 c0 10 08 0002fde900000064"
                                "c0 20 0c 0000fde9 00000001 00000002 c0 23 04 0000fde9",
                            "18 0a0102"),
                 u, ibgp});
  }
  {
    // A 2-octet session: AS_TRANS in AS_PATH and AGGREGATOR, the real ASNs
    // in AS4_PATH and AS4_AGGREGATOR (RFC 6793).
    UpdateMessage u;
    u.attributes.origin = Origin::Igp;
    u.attributes.as_path = seq({65001, 65536});
    u.attributes.next_hop = A("10.0.0.1");
    u.attributes.aggregator = Aggregator{65536, 0x0a000001};
    u.nlri = {P("10.1.2.0/24")};
    DecodeContext d2;
    d2.four_octet_as = false;
    EncodeContext e2;
    e2.four_octet_as = false;
    g.push_back({"2-octet session with AS4_PATH",
                 update_msg("",
                            std::string(kOrigin) + "40 02 06 02 02 fde9 5ba0" + kNextHop +
                                "c0 07 06 5ba0 0a000001 c0 11 0a 02 02 0000fde9 00010000"
                                "c0 12 08 00010000 0a000001",
                            "18 0a0102"),
                 u, d2, e2});
    // A shorter AS4_PATH replaces only the tail of AS_PATH.
    UpdateMessage v = u;
    v.attributes.as_path = seq({100, 65536});
    v.attributes.aggregator.reset();
    g.push_back({"2-octet session, AS4_PATH shorter than AS_PATH",
                 update_msg("",
                            std::string(kOrigin) + "40 02 06 02 02 0064 5ba0" + kNextHop +
                                "c0 11 06 02 01 00010000",
                            "18 0a0102"),
                 v, d2, e2, false});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.next_hop = A("10.0.0.1");
    u.nlri = {P("10.1.2.0/24", 1), P("10.1.2.0/24", 2)};
    DecodeContext d;
    d.add_path.add(Family::Ipv4Unicast);
    EncodeContext e;
    e.add_path.add(Family::Ipv4Unicast);
    g.push_back({"add-path ipv4",
                 update_msg("", std::string(kOrigin) + kAsPath + kNextHop,
                            "00000001 18 0a0102 00000002 18 0a0102"),
                 u, d, e});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.next_hop = A("10.0.0.1");
    u.attributes.unknown = {RawAttribute{0xe0, 0x63, {0xab, 0xcd}}};
    u.nlri = {P("10.1.2.0/24")};
    g.push_back(
        {"unknown optional transitive attribute kept",
         update_msg("", std::string(kOrigin) + kAsPath + kNextHop + "e0 63 02 abcd", "18 0a0102"),
         u});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.next_hop = A("10.0.0.1");
    u.nlri = {P("10.1.2.0/24")};
    g.push_back(
        {"unknown optional non-transitive attribute dropped",
         update_msg("", std::string(kOrigin) + kAsPath + kNextHop + "80 64 01 00", "18 0a0102"),
         u,
         {},
         {},
         false});
  }
  {
    UpdateMessage u;
    u.attributes = base_attrs();
    u.attributes.as_path = AsPath{{{SegmentType::Sequence, {65001}}, {SegmentType::Set, {1, 2}}}};
    u.attributes.next_hop = A("10.0.0.1");
    u.nlri = {P("10.1.2.0/24")};
    g.push_back({"as_path with a set, extended length on the wire",
                 update_msg("",
                            std::string(kOrigin) +
                                "50 02 0010 02 01 0000fde9 01 02 00000001 00000002" + kNextHop,
                            "18 0a0102"),
                 u,
                 {},
                 {},
                 false});
  }
  return g;
}

TEST(Update, GoldenVectorsBothWays) {
  for (const auto& c : golden()) {
    auto got = decode(c.bytes, c.dctx);
    ASSERT_TRUE(got) << c.name << ": " << got.error().reason;
    const auto& u = std::get<UpdateMessage>(*got);
    EXPECT_EQ(u.action, AttrAction::None) << c.name;
    EXPECT_EQ(u, c.value) << c.name;
    if (!c.encode_too) continue;
    auto out = encode(Message{c.value}, c.ectx);
    ASSERT_TRUE(out) << c.name << ": " << out.error();
    EXPECT_EQ(to_hex(*out), to_hex(c.bytes)) << c.name;
  }
}

TEST(Update, UnknownTransitiveAttributeIsPassedOnWithPartialBit) {
  auto got = decode(
      update_msg("", std::string(kOrigin) + kAsPath + kNextHop + "c0 63 02 abcd", "18 0a0102"),
      DecodeContext{});
  ASSERT_TRUE(got);
  const auto& u = std::get<UpdateMessage>(*got);
  ASSERT_EQ(u.attributes.unknown.size(), 1u);
  EXPECT_EQ(u.attributes.unknown[0].flags, 0xc0);
  auto out = encode(Message{u}, EncodeContext{});
  ASSERT_TRUE(out);
  EXPECT_NE(to_hex(*out).find("e06302abcd"), std::string::npos) << to_hex(*out);
}

TEST(Update, EndOfRib) {
  auto v4 = decode(update_msg("", "", ""), DecodeContext{});
  EXPECT_EQ(std::get<UpdateMessage>(*v4).end_of_rib(), Family::Ipv4Unicast);
  auto v6 = decode(update_msg("", "80 0f 03 0002 01", ""), DecodeContext{});
  EXPECT_EQ(std::get<UpdateMessage>(*v6).end_of_rib(), Family::Ipv6Unicast);
  auto not_eor = decode(update_msg("18 0a0102", "", ""), DecodeContext{});
  EXPECT_FALSE(std::get<UpdateMessage>(*not_eor).end_of_rib());
  std::vector<uint8_t> out;
  encode_end_of_rib(Family::Ipv6Unicast, out);
  EXPECT_EQ(to_hex(out), to_hex(update_msg("", "80 0f 03 0002 01", "")));
}

TEST(Update, TooLargeToEncodeIsAnError) {
  UpdateMessage u;
  for (int i = 0; i < 2000; ++i)
    u.withdrawn.push_back(Nlri{Prefix(IpAddress::v4(uint32_t(i) << 8), 24), 0});
  auto out = encode(Message{u}, EncodeContext{});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().find("exceeds"), std::string::npos);
  EncodeContext big;
  big.extended_message = true;
  EXPECT_TRUE(encode(Message{u}, big));
}

}  // namespace
}  // namespace closbgp::wire
