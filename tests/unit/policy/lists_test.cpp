// Prefix-lists, community values and lists, AS-path lists.
#include <gtest/gtest.h>

#include "bgpd/wire/link_bandwidth.h"

#include "policy/as_path_list.h"
#include "policy/community.h"
#include "policy/community_list.h"
#include "policy/prefix_list.h"

namespace closbgp::policy {
namespace {

wire::Prefix P(const char* s) {
  return *wire::Prefix::parse(s);
}

PrefixListEntry entry(Action a, const char* p, std::optional<uint8_t> ge = {},
                      std::optional<uint8_t> le = {}) {
  return *make_prefix_list_entry(a, P(p), ge, le);
}

TEST(PrefixList, ExactGeLe) {
  EXPECT_TRUE(entry(Action::Permit, "10.0.0.0/16").matches(P("10.0.0.0/16")));
  EXPECT_FALSE(entry(Action::Permit, "10.0.0.0/16").matches(P("10.0.1.0/24")));
  EXPECT_TRUE(entry(Action::Permit, "10.0.0.0/16", 24).matches(P("10.0.1.0/24")));
  EXPECT_TRUE(entry(Action::Permit, "10.0.0.0/16", 24).matches(P("10.0.1.1/32")));
  EXPECT_FALSE(entry(Action::Permit, "10.0.0.0/16", 24).matches(P("10.0.0.0/23")));
  EXPECT_TRUE(entry(Action::Permit, "10.0.0.0/16", {}, 24).matches(P("10.0.0.0/16")));
  EXPECT_FALSE(entry(Action::Permit, "10.0.0.0/16", {}, 24).matches(P("10.0.0.0/25")));
  EXPECT_TRUE(entry(Action::Permit, "10.0.0.0/16", 24, 26).matches(P("10.0.3.64/26")));
  EXPECT_FALSE(entry(Action::Permit, "10.0.0.0/16", 24, 26).matches(P("10.1.0.0/24")));
  EXPECT_FALSE(entry(Action::Permit, "0.0.0.0/0", {}, 32).matches(P("::/0")));  // family
  EXPECT_TRUE(entry(Action::Permit, "::/0", {}, 128).matches(P("2001:db8::/64")));
}

TEST(PrefixList, RejectsInconsistentRanges) {
  EXPECT_FALSE(make_prefix_list_entry(Action::Permit, P("10.0.0.0/16"), 8, {}));
  EXPECT_FALSE(make_prefix_list_entry(Action::Permit, P("10.0.0.0/16"), 26, 24));
  EXPECT_FALSE(make_prefix_list_entry(Action::Permit, P("10.0.0.0/16"), {}, 33));
}

TEST(PrefixList, FirstMatchWinsAndNoMatchDenies) {
  PrefixList l;
  l.entries = {entry(Action::Deny, "10.0.9.0/24"), entry(Action::Permit, "10.0.0.0/16", {}, 32)};
  EXPECT_FALSE(l.permits(P("10.0.9.0/24")));
  EXPECT_TRUE(l.permits(P("10.0.9.0/25")));
  EXPECT_TRUE(l.permits(P("10.0.1.0/24")));
  EXPECT_FALSE(l.permits(P("10.1.0.0/24")));
  EXPECT_FALSE(PrefixList{}.permits(P("10.1.0.0/24")));
}

TEST(Community, ParsesAndPrints) {
  EXPECT_EQ(parse_community("65000:100"), 65000u << 16 | 100);
  EXPECT_EQ(parse_community("graceful-shutdown"), wire::kGracefulShutdown);
  EXPECT_EQ(parse_community("no-export"), 0xFFFFFF01u);
  EXPECT_FALSE(parse_community("65536:1"));
  EXPECT_FALSE(parse_community("1:2:3"));
  EXPECT_FALSE(parse_community("x:1"));
  EXPECT_EQ(community_text(65000u << 16 | 100), "65000:100");
  EXPECT_EQ(community_text(0xFFFFFF02), "no-advertise");
  EXPECT_EQ(parse_large_community("4200000000:1:2"), (wire::LargeCommunity{4200000000u, 1, 2}));
  EXPECT_FALSE(parse_large_community("1:2"));
  EXPECT_EQ(large_community_text({1, 2, 3}), "1:2:3");
  for (const char* s : {"rt:65000:100", "soo:65000:7", "rt:4200000000:5", "rt:10.0.0.1:9"}) {
    auto v = parse_ext_community(s);
    ASSERT_TRUE(v) << s;
    EXPECT_EQ(ext_community_text(*v), s);
  }
  EXPECT_EQ(*parse_ext_community("rt:65000:100"), 0x0002FDE800000064u);
  EXPECT_FALSE(parse_ext_community("rt:4200000000:70000"));  // 2-octet local part
  EXPECT_FALSE(parse_ext_community("xx:1:2"));
  EXPECT_EQ(ext_community_text(0x0303000000000001u), "0x0303000000000001");
}

// Link bandwidth (RFC 10005): FRR's encoding, in bytes per second as a float.
TEST(Communities, LinkBandwidthAsOperatorsWriteIt) {
  EXPECT_EQ(parse_bandwidth("300"), 37.5e6f);  // a bare number: Mbps, as FRR's
  EXPECT_EQ(parse_bandwidth("10G"), 1.25e9f);
  EXPECT_EQ(parse_bandwidth("2.5G"), 312.5e6f);
  EXPECT_EQ(parse_bandwidth("800K"), 100e3f);
  for (const char* bad : {"", "0", "-1", "10X", "fast", "1e40T", "G"})
    EXPECT_FALSE(parse_bandwidth(bad)) << bad;
  EXPECT_EQ(bandwidth_text(1.25e9f), "10G");
  EXPECT_EQ(bandwidth_text(312.5e6f), "2.5G");
  EXPECT_EQ(bandwidth_text(37.5e6f), "300M");
  // FRR's `set extcommunity bandwidth 300` from AS 65000, as it sends it.
  const uint64_t frr = 0x0004FDE8'4C0F0D18u;  // 0x4C0F0D18: 37.5e6 as a float
  EXPECT_EQ(wire::link_bandwidth(frr), 37.5e6f);
  EXPECT_EQ(ext_community_text(frr), "lb:65000:300M");
  EXPECT_EQ(parse_ext_community("lb:65000:300M"), frr);
  EXPECT_EQ(parse_ext_community("lb:65000:300"), frr);
  EXPECT_EQ(wire::link_bandwidth(frr | 0x4000000000000000u), 37.5e6f);  // the non-transitive form
  EXPECT_FALSE(parse_ext_community("lb:70000:1G"));                     // two octets of AS
  // A four-octet AS is AS_TRANS in the community.
  EXPECT_EQ(wire::link_bandwidth_community(4200000000u, 1e6f) >> 32, 0x00045BA0u);
  // Values that are no bandwidth are no community to weigh by.
  EXPECT_EQ(wire::link_bandwidth(0x0004FDE8'00000000u), 0.0f);  // zero
  EXPECT_EQ(wire::link_bandwidth(0x0004FDE8'BF800000u), 0.0f);  // -1
  EXPECT_EQ(wire::link_bandwidth(0x0004FDE8'7FC00000u), 0.0f);  // NaN
  EXPECT_EQ(wire::link_bandwidth(0x0004FDE8'7F800000u), 0.0f);  // infinity
  const std::vector<uint64_t> several = {0x0002FDE800000064u, 0x0004FDE8'00000000u, frr};
  EXPECT_EQ(wire::link_bandwidth(several), 37.5e6f);  // the first usable one
}

TEST(CommunityList, AllMembersMustBePresent) {
  CommunityList l;
  l.entries = {{Action::Deny, {1, 2}}, {Action::Permit, {1}}};
  const std::vector<uint32_t> both{2, 1, 7}, one{1}, none{7};
  EXPECT_FALSE(l.permits(both));
  EXPECT_TRUE(l.permits(one));
  EXPECT_FALSE(l.permits(none));
  EXPECT_FALSE(l.permits_value(1));  // the first entry naming 1 denies
  EXPECT_FALSE(l.permits_value(7));
}

TEST(AsPathList, UnderscoreIsABoundary) {
  auto r = AsPathRegex::compile("_65001_");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->matches("65001"));
  EXPECT_TRUE(r->matches("65000 65001 65002"));
  EXPECT_TRUE(r->matches("65000 {65001,65003}"));
  EXPECT_FALSE(r->matches("650011"));
  EXPECT_FALSE(r->matches("165001 2"));
  auto origin = AsPathRegex::compile("_65003$");
  EXPECT_TRUE(origin->matches("65000 65003"));
  EXPECT_FALSE(origin->matches("65003 65000"));
  auto empty = AsPathRegex::compile("^$");
  EXPECT_TRUE(empty->matches(""));
  EXPECT_FALSE(AsPathRegex::compile("(65001"));
}

TEST(AsPathList, TextOfSegments) {
  wire::AsPath p{{{wire::SegmentType::Sequence, {1, 2}},
                  {wire::SegmentType::Set, {3, 4}},
                  {wire::SegmentType::ConfedSequence, {5}}}};
  EXPECT_EQ(as_path_text(p), "1 2 {3,4} (5)");
  EXPECT_EQ(as_path_text({}), "");
}

TEST(AsPathList, HugePathsFromPeersAreSafe) {
  // A peer controls the subject: 16,000 ASes must neither crash nor hang.
  wire::AsPath p;
  for (int i = 0; i < 64; ++i)
    p.segments.push_back({wire::SegmentType::Sequence, std::vector<uint32_t>(250, 65000 + i)});
  const std::string text = as_path_text(p);
  AsPathList l;
  l.entries.push_back({Action::Permit, *AsPathRegex::compile("^(6[0-9]+_)*65063$")});
  EXPECT_TRUE(l.permits(text));
}

}  // namespace
}  // namespace closbgp::policy
