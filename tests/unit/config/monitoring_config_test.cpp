#include "bgpd/config/monitoring_config.h"

#include <gtest/gtest.h>

#include "bgpd/config/config_writer.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

Config parsed(const std::string& text) {
  auto c = parse_config(text, "leaf.yaml", Files::Leave);
  EXPECT_TRUE(c) << c.error().to_string() << "\n" << text;
  return c ? *c : Config{};
}

TEST(BmpConfig, DefaultsAndNames) {
  const Config c = parsed(
      "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  collectors:\n"
      "    - {address: 192.0.2.9}\n    - {address: 2001:db8::9, port: 11019, name: archive}\n");
  ASSERT_EQ(c.bmp.collectors.size(), 2u);
  EXPECT_EQ(c.bmp.collectors[0].name, "192.0.2.9:1790");
  EXPECT_EQ(c.bmp.collectors[0].port, 1790);
  EXPECT_EQ(c.bmp.collectors[1].name, "archive");
  EXPECT_TRUE(c.bmp.pre_policy && c.bmp.post_policy && c.bmp.loc_rib);
  EXPECT_EQ(c.bmp.statistics_interval, 60u);
  EXPECT_EQ(c.bmp.buffer_kib, 16384u);
  const Config only = parsed(
      "asn: 1\nrouter-id: 10.0.0.1\nbmp: {collectors: [{address: 192.0.2.9}], "
      "route-monitoring: [loc-rib], statistics-interval: 0}\n");
  EXPECT_FALSE(only.bmp.pre_policy || only.bmp.post_policy);
  EXPECT_TRUE(only.bmp.loc_rib);
  EXPECT_EQ(only.bmp.statistics_interval, 0u);
}

TEST(BmpConfig, ReadsBackFromTheRunningConfig) {
  const Config first = parsed(
      "asn: 1\nrouter-id: 10.0.0.1\nbmp: {collectors: [{address: 2001:db8::9, name: a}], "
      "route-monitoring: [pre-policy, loc-rib], buffer-kib: 1024}\n");
  const Config again = parsed(running_config_yaml(first));
  EXPECT_EQ(again.bmp, first.bmp);
}

TEST(BmpConfig, MistakesAreRefusedWithTheirLine) {
  const BadCase cases[] = {
      {"no address", "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  collectors:\n    - {port: 1790}\n", 5,
       "bmp.collectors[0].address", "is required"},
      {"a name, not an address",
       "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  collectors:\n    - {address: pmacct.example}\n", 5,
       "bmp.collectors[0].address", "IPv4 or IPv6 address"},
      {"twice",
       "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  collectors:\n    - {address: 192.0.2.9}\n"
       "    - {address: 192.0.2.9}\n",
       6, "bmp.collectors[1]", "configured twice"},
      {"unknown view", "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  route-monitoring: [adj-rib-out]\n", 4,
       "bmp.route-monitoring", "pre-policy, post-policy or loc-rib"},
      {"tiny buffer", "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  buffer-kib: 1\n", 4, "bmp.buffer-kib",
       ""},
      {"unknown key", "asn: 1\nrouter-id: 10.0.0.1\nbmp:\n  collector: []\n", 4, "bmp.collector",
       ""},
  };
  for (const auto& c : cases) expect_refused(c);
}

}  // namespace
}  // namespace closbgp::config
