// Dense UPDATE packing: every prefix arrives, no message exceeds the limit,
// and a 4096-octet message holds as many /24s as fit.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"

namespace closbgp::wire {
namespace {

std::vector<Nlri> slash24s(size_t n, uint32_t path_id = 0) {
  std::vector<Nlri> v;
  for (size_t i = 0; i < n; ++i)
    v.push_back(Nlri{Prefix(IpAddress::v4(0x0a000000u + (uint32_t(i) << 8)), 24), path_id});
  return v;
}

PathAttributes attrs() {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = AsPath{{{SegmentType::Sequence, {65001, 65002}}}};
  a.communities = {1, 2, 3};
  return a;
}

// Splits a stream of messages and decodes each.
std::vector<UpdateMessage> split(const std::vector<uint8_t>& stream, const DecodeContext& ctx,
                                 size_t max) {
  std::vector<UpdateMessage> out;
  std::span<const uint8_t> rest(stream);
  while (!rest.empty()) {
    auto h = decode_header(rest, ctx);
    EXPECT_TRUE(h);
    if (!h) break;
    EXPECT_LE(h->length, max);
    auto m = decode(rest.first(h->length), ctx);
    EXPECT_TRUE(m) << m.error().reason;
    if (!m) break;
    out.push_back(std::get<UpdateMessage>(*m));
    rest = rest.subspan(h->length);
  }
  return out;
}

TEST(Packing, Ipv4LegacyAnnouncePacksDensely) {
  const auto nlri = slash24s(3000);
  std::vector<uint8_t> out;
  const size_t n = encode_announce(attrs(), MpNextHop{*IpAddress::parse("10.0.0.1"), {}},
                                   Family::Ipv4Unicast, nlri, EncodeContext{}, out);
  const auto msgs = split(out, DecodeContext{}, 4096);
  ASSERT_EQ(msgs.size(), n);
  // Each /24 takes 4 octets; about 1000 fit in 4096 with the attributes.
  EXPECT_EQ(n, 3u);
  std::vector<Nlri> got;
  for (const auto& m : msgs) {
    EXPECT_EQ(m.attributes.next_hop, IpAddress::parse("10.0.0.1"));
    EXPECT_EQ(m.attributes.communities, attrs().communities);
    got.insert(got.end(), m.nlri.begin(), m.nlri.end());
  }
  EXPECT_EQ(got, nlri);
  EXPECT_GT(msgs.front().nlri.size(), 1000u);
}

TEST(Packing, MpReachWithAddPathAndExtendedMessages) {
  const auto nlri = slash24s(20000, 7);
  const MpNextHop nh{*IpAddress::parse("2001:db8::1"), IpAddress::parse("fe80::1")};
  EncodeContext ectx;
  ectx.add_path.add(Family::Ipv4Unicast);
  DecodeContext dctx;
  dctx.add_path.add(Family::Ipv4Unicast);
  for (bool extended : {false, true}) {
    ectx.extended_message = dctx.extended_message = extended;
    std::vector<uint8_t> out;
    const size_t n = encode_announce(attrs(), nh, Family::Ipv4Unicast, nlri, ectx, out);
    const auto msgs = split(out, dctx, extended ? 65535 : 4096);
    ASSERT_EQ(msgs.size(), n);
    // With a path id a /24 takes 8 octets: about 500 per 4096-octet message.
    EXPECT_EQ(n, extended ? 3u : 40u);
    std::vector<Nlri> got;
    for (const auto& m : msgs) {
      ASSERT_TRUE(m.mp_reach);
      EXPECT_EQ(m.mp_reach->next_hop, nh);
      EXPECT_FALSE(m.attributes.next_hop);
      got.insert(got.end(), m.mp_reach->nlri.begin(), m.mp_reach->nlri.end());
    }
    EXPECT_EQ(got, nlri);
  }
}

TEST(Packing, WithdrawBothFamilies) {
  const auto v4 = slash24s(2500);
  std::vector<uint8_t> out;
  EXPECT_EQ(encode_withdraw(Family::Ipv4Unicast, v4, EncodeContext{}, out), 3u);
  std::vector<Nlri> got;
  for (const auto& m : split(out, DecodeContext{}, 4096))
    got.insert(got.end(), m.withdrawn.begin(), m.withdrawn.end());
  EXPECT_EQ(got, v4);

  std::vector<Nlri> v6;
  for (uint32_t i = 0; i < 1000; ++i) {
    std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, uint8_t(i >> 8), uint8_t(i)};
    v6.push_back(Nlri{Prefix(IpAddress::v6(b), 48), 0});
  }
  out.clear();
  encode_withdraw(Family::Ipv6Unicast, v6, EncodeContext{}, out);
  got.clear();
  for (const auto& m : split(out, DecodeContext{}, 4096)) {
    ASSERT_TRUE(m.mp_unreach);
    got.insert(got.end(), m.mp_unreach->withdrawn.begin(), m.mp_unreach->withdrawn.end());
  }
  EXPECT_EQ(got, v6);
}

TEST(Packing, TwoOctetPeerGetsAsTransAndAs4Path) {
  PathAttributes a = attrs();
  a.as_path = AsPath{{{SegmentType::Sequence, {4200000001u, 65001}}}};
  EncodeContext ectx;
  ectx.four_octet_as = false;
  DecodeContext dctx;
  dctx.four_octet_as = false;
  std::vector<uint8_t> out;
  encode_announce(a, MpNextHop{*IpAddress::parse("10.0.0.1"), {}}, Family::Ipv4Unicast, slash24s(1),
                  ectx, out);
  const auto msgs = split(out, dctx, 4096);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].attributes.as_path, a.as_path);
}

}  // namespace
}  // namespace closbgp::wire
