#include <gtest/gtest.h>

#include "bgpd/wire/ip.h"

namespace closbgp::wire {
namespace {

TEST(Prefix, ParsesAndClearsHostBits) {
  auto p = Prefix::parse("10.1.2.3/16");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->to_string(), "10.1.0.0/16");
  EXPECT_EQ(p->afi(), Afi::Ipv4);
  auto q = Prefix::parse("2001:db8::1/32");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->to_string(), "2001:db8::/32");
  EXPECT_EQ(Prefix::parse("10.0.0.0/7")->to_string(), "10.0.0.0/7");
  EXPECT_EQ(Prefix::parse("0.0.0.0/0")->to_string(), "0.0.0.0/0");
}

TEST(Prefix, RejectsMalformedText) {
  for (const char* bad :
       {"10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/3x", "10.0.0/8", "swp1/24", ""})
    EXPECT_FALSE(Prefix::parse(bad)) << bad;
}

TEST(Prefix, Contains) {
  const auto p16 = *Prefix::parse("10.1.0.0/16");
  EXPECT_TRUE(p16.contains(*Prefix::parse("10.1.2.0/24")));
  EXPECT_TRUE(p16.contains(p16));
  EXPECT_FALSE(p16.contains(*Prefix::parse("10.2.0.0/24")));
  EXPECT_FALSE(p16.contains(*Prefix::parse("10.0.0.0/8")));
  EXPECT_FALSE(p16.contains(*Prefix::parse("::/0")));
}

TEST(IpAddress, ClassifiesLinkLocal) {
  EXPECT_TRUE(IpAddress::parse("fe80::1")->is_link_local());
  EXPECT_TRUE(IpAddress::parse("febf::1")->is_link_local());
  EXPECT_FALSE(IpAddress::parse("fec0::1")->is_link_local());
  EXPECT_TRUE(IpAddress::parse("169.254.0.1")->is_link_local());
  EXPECT_FALSE(IpAddress::parse("10.0.0.1")->is_link_local());
  EXPECT_EQ(IpAddress::parse("10.0.0.1")->v4_host_order(), 0x0a000001u);
  EXPECT_EQ(IpAddress::v4(0x0a000001u).to_string(), "10.0.0.1");
}

TEST(IpAddress, Ipv4MappedBothWays) {
  const IpAddress v4 = *IpAddress::parse("10.0.0.2");
  EXPECT_EQ(v4.v4_mapped(), *IpAddress::parse("::ffff:10.0.0.2"));
  EXPECT_EQ(v4.v4_mapped().unmapped_v4(), v4);
  EXPECT_EQ(IpAddress::parse("2001:db8::1")->v4_mapped(), *IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(IpAddress::parse("2001:db8::1")->unmapped_v4(), std::nullopt);
  EXPECT_EQ(v4.unmapped_v4(), std::nullopt);
}

}  // namespace
}  // namespace closbgp::wire
