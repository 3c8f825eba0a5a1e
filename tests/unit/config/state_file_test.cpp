#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bgpd/config/config.h"
#include "bgpd/config/state_file.h"

namespace closbgp::config {
namespace {

TEST(Config, DrainAndStateFile) {
  auto c = parse_config("asn: 1\nrouter-id: 10.0.0.1\n", "/etc/closbgpd/x.yaml");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->drain, (Drain{2, 60}));
  EXPECT_EQ(c->state_file, "/var/lib/closbgpd/x.yaml.state");  // /etc is read-only to the service
  c = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\ndrain: {prepend: 4, warm-up: 0}\nstate-file: /var/lib/s\n",
      "x.yaml");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->drain, (Drain{4, 0}));
  EXPECT_EQ(c->state_file, "/var/lib/s");
  EXPECT_EQ(parse_config("asn: 1\nrouter-id: 10.0.0.1\n", "/tmp/t/leaf.yaml")->state_file,
            "/tmp/t/leaf.yaml.state");
  EXPECT_FALSE(parse_config("asn: 1\nrouter-id: 10.0.0.1\ndrain: {prepend: 11}\n", "x.yaml"));
}

TEST(StateFile, SavesAndLoadsWhole) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("closbgp-state-" + std::to_string(::getpid()) + ".yaml"))
                        .string();
  std::filesystem::remove(path);
  auto empty = load_state(path);  // missing: empty
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, SavedState{});
  const SavedState s{
      "drained",
      {{"swp1", "warm"}, {"192.0.2.1", "drained"}},
      {{"10.9.9.9/32", {{"65000:1", "no-export"}, {"65000:1:2"}, 7}}, {"2001:db8::1/128", {}}},
      {"swp2", "192.0.2.9"}};
  ASSERT_TRUE(save_state(path, s));
  EXPECT_EQ(load_state(path).value(), s);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::ofstream(path) << "drain: [unclosed\n";
  EXPECT_FALSE(load_state(path));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace closbgp::config
