#include "bgpd/cli/route_selection.h"

#include <gtest/gtest.h>

namespace closbgp::cli {
namespace {

RouteSelection ok(std::vector<std::string> words) {
  auto s = route_selection(words);
  EXPECT_TRUE(s) << (s ? "" : s.error());
  return s.value_or(RouteSelection{});
}

std::string refused(std::vector<std::string> words) {
  auto s = route_selection(words);
  EXPECT_FALSE(s);
  return s ? "" : s.error();
}

TEST(RouteSelection, EverythingAFamilyAPrefixOrAnAddress) {
  EXPECT_EQ(ok({}).prefix, "");
  const auto v4 = ok({"ipv4"});
  EXPECT_EQ(v4.prefix, "0.0.0.0/0");
  EXPECT_TRUE(v4.longer);
  EXPECT_EQ(ok({"ipv6"}).prefix, "::/0");
  const auto exact = ok({"10.1.0.0/24"});
  EXPECT_FALSE(exact.longer || exact.longest);
  EXPECT_TRUE(ok({"ipv4", "10.0.0.0/8", "longer-prefixes"}).longer);
  const auto address = ok({"10.1.0.7"});
  EXPECT_EQ(address.prefix, "10.1.0.7");
  EXPECT_TRUE(address.longest);
  EXPECT_TRUE(ok({"ipv6", "2001:db8::1"}).longest);
}

TEST(RouteSelection, CommunityLast) {
  const auto tagged = ok({"10.0.0.0/8", "longer-prefixes", "community", "65000:7"});
  EXPECT_TRUE(tagged.longer);
  EXPECT_EQ(tagged.community, "65000:7");
  EXPECT_EQ(ok({"comm", "no-export"}).community, "no-export");
  EXPECT_EQ(ok({"ipv6", "community", "65000:1:2"}).prefix, "::/0");
  EXPECT_EQ(refused({"community", "65000"}),
            "'65000' is not a community (65000:1, no-export) or a large community (65000:1:2)");
}

TEST(RouteSelection, MistakesAreNamed) {
  EXPECT_EQ(refused({"10.0.0.1/24"}), "'10.0.0.1/24' has host bits set: 10.0.0.0/24?");
  EXPECT_EQ(refused({"10.0.0.0/33"}), "'10.0.0.0/33' is not a prefix");
  EXPECT_EQ(refused({"swp1"}), "'swp1' is not a prefix or an address");
  EXPECT_EQ(refused({"10.0.0.1", "longer-prefixes"}),
            "longer-prefixes needs a prefix (10.0.0.1/32?)");
  EXPECT_EQ(refused({"ipv6", "10.0.0.0/8"}), "'10.0.0.0/8' is not an IPv6 prefix");
  EXPECT_EQ(refused({"10.0.0.0/8", "shorter"}), "unexpected 'shorter'");
}

TEST(EvpnSelection, TypeVniAndRdInAnyOrderMistakesNamed) {
  const auto all = evpn_selection({});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->type, 0u);
  const auto some = evpn_selection({"rd", "10.0.0.1:2", "type", "2", "vni", "100"});
  ASSERT_TRUE(some);
  EXPECT_EQ(some->type, 2u);
  EXPECT_EQ(some->vni, 100u);
  EXPECT_EQ(some->rd, "10.0.0.1:2");
  EXPECT_EQ(evpn_selection({"type", "6"}).error(), "type 6: a route type is 1 to 5");
  EXPECT_EQ(evpn_selection({"vni", "0"}).error(), "vni 0: a VNI is 1 to 16777215");
  EXPECT_EQ(evpn_selection({"vni"}).error(), "'vni' needs a value");
  EXPECT_EQ(evpn_selection({"mac", "aa"}).error(), "unexpected 'mac' (type N, vni V, rd RD)");
}

TEST(EvpnVniSelection, WhichPartOfWhichVni) {
  using P = std::pair<EvpnVniPart, uint32_t>;
  EXPECT_EQ(evpn_vni_selection({"vni"}), P(EvpnVniPart::Vnis, 0));
  EXPECT_EQ(evpn_vni_selection({"vni", "100"}), P(EvpnVniPart::Vnis, 100));
  EXPECT_EQ(evpn_vni_selection({"mac", "vni", "100"}), P(EvpnVniPart::Macs, 100));
  EXPECT_EQ(evpn_vni_selection({"arp-cache", "vni", "7"}), P(EvpnVniPart::ArpCache, 7));
  EXPECT_EQ(evpn_vni_selection({"mac", "vni", "16777216"}).error(),
            "vni 16777216: a VNI is 1 to 16777215");
  EXPECT_EQ(evpn_vni_selection({"vrf"}), P(EvpnVniPart::Tenants, 0));
  EXPECT_EQ(evpn_vni_selection({"mac"}).error(),
            "vni [VNI], mac vni VNI, arp-cache vni VNI or vrf");
  EXPECT_EQ(evpn_vni_selection({"vrf", "x"}).error(),
            "vni [VNI], mac vni VNI, arp-cache vni VNI or vrf");
}

// `clear evpn dup-addr [vni all|VNI [mac MAC]]`, as FRR's.
TEST(DupAddrSelection, EveryVniOneOrOneMac) {
  const auto of = [](const std::vector<std::string>& words) {
    auto s = dup_addr_selection(words);
    return s ? std::pair{s->vni, s->mac} : std::pair{uint32_t(99), s.error()};
  };
  EXPECT_EQ(of({}), std::pair(uint32_t(0), std::string()));
  EXPECT_EQ(of({"vni", "all"}), std::pair(uint32_t(0), std::string()));
  EXPECT_EQ(of({"vni", "100"}), std::pair(uint32_t(100), std::string()));
  EXPECT_EQ(of({"vni", "100", "mac", "aa:bb:cc:00:00:01"}),
            std::pair(uint32_t(100), std::string("aa:bb:cc:00:00:01")));
  EXPECT_EQ(of({"vni", "0"}).second, "vni 0: a VNI is 1 to 16777215");
  EXPECT_EQ(of({"vni", "all", "mac", "aa:bb:cc:00:00:01"}).second, "[vni all|VNI [mac MAC]]");
  EXPECT_EQ(of({"mac", "aa:bb:cc:00:00:01"}).second, "[vni all|VNI [mac MAC]]");
}

}  // namespace
}  // namespace closbgp::cli
