#include "bgpd/config/monitoring_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "bgpd/config/config_writer.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

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

TEST(MrtConfig, FeedsAndWhereTheirFilesGo) {
  const std::string dir = ::testing::TempDir();
  const Config c =
      parsed("asn: 1\nrouter-id: 10.0.0.1\nmrt:\n  updates: {file: " + dir +
             "updates.%Y%m%d.%H%M, sent: true}\n  rib: {file: rib.%H%M, interval: 600}\n");
  ASSERT_TRUE(c.mrt.updates && c.mrt.rib);
  EXPECT_EQ(c.mrt.updates->interval, 300u);
  EXPECT_TRUE(c.mrt.updates->sent);
  EXPECT_FALSE(c.mrt.rib->sent);
  EXPECT_EQ(c.mrt.rib->interval, 600u);
  EXPECT_EQ(expand_time("updates.%Y%m%d.%H%M", 1796432400), "updates.20261205.0100");
  // Relative: under systemd's LogsDirectory, else beside the config file.
  ::unsetenv("LOGS_DIRECTORY");
  EXPECT_EQ(mrt_path("rib.%H", "/etc/closbgpd/closbgpd.yaml"), "/etc/closbgpd/rib.%H");
  ::setenv("LOGS_DIRECTORY", "/var/log/closbgpd", 1);
  EXPECT_EQ(mrt_path("rib.%H", "/etc/closbgpd/closbgpd.yaml"), "/var/log/closbgpd/rib.%H");
  EXPECT_EQ(mrt_path("/srv/mrt/rib.%H", "/etc/closbgpd/closbgpd.yaml"), "/srv/mrt/rib.%H");
  ::unsetenv("LOGS_DIRECTORY");
  const Config again = parsed(running_config_yaml(c));
  EXPECT_EQ(again.mrt, c.mrt);
}

TEST(MrtConfig, AMissingDirectoryIsAConfigError) {
  auto r = parse_config("asn: 1\nrouter-id: 10.0.0.1\nmrt:\n  updates: {file: /nonexistent/u.%H}\n",
                        "leaf.yaml", Files::Open);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 4);
  EXPECT_EQ(r.error().key, "mrt.updates.file");
  EXPECT_NE(r.error().message.find("the directory /nonexistent does not exist"), std::string::npos)
      << r.error().message;
  // A text a client sent names no file the daemon would check.
  EXPECT_TRUE(parse_config("asn: 1\nrouter-id: 10.0.0.1\nmrt: {updates: {file: /nonexistent/u}}\n",
                           "leaf.yaml", Files::Leave));
  expect_refused({"no file", "asn: 1\nrouter-id: 10.0.0.1\nmrt:\n  rib: {interval: 60}\n", 4,
                  "mrt.rib.file", "is required"});
}

}  // namespace
}  // namespace closbgp::config
