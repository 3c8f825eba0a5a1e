#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bgpd/config/config.h"

namespace closbgp::config {
namespace {

TEST(Config, RefusesAFileEveryoneMayWrite) {
  const std::string path = testing::TempDir() + "/writable.yaml";
  std::ofstream(path) << "asn: 1\nrouter-id: 10.0.0.1\n";
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  EXPECT_TRUE(load_config_file(path));
  std::filesystem::permissions(path, std::filesystem::perms(0666));
  auto c = load_config_file(path);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().to_string().find("writable by every user"), std::string::npos);
  std::filesystem::remove(path);
}

// A password kept in a file only its owner may read; the configuration
// may then be readable by all. Inline, the configuration must be private.
TEST(Config, PasswordsComeFromPrivateFilesOrFromAPrivateConfig) {
  namespace fs = std::filesystem;
  const std::string dir = testing::TempDir();
  const std::string secret = dir + "/md5.secret", conf = dir + "/md5.yaml";
  std::ofstream(secret) << "s3cret\n";
  fs::permissions(secret, fs::perms(0600));
  const std::string base =
      "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - address: 192.0.2.2\n"
      "    remote-as: 65001\n";
  std::ofstream(conf) << base << "    password-file: " << secret << "\n";
  fs::permissions(conf, fs::perms(0644));
  auto c = load_config_file(conf);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].password, "s3cret");  // without the newline
  EXPECT_EQ(c->neighbors[0].password_file, secret);
  // Others may read the secret: refused, with what to do.
  fs::permissions(secret, fs::perms(0640));
  c = load_config_file(conf);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().key, "neighbors[0].password-file");
  EXPECT_NE(c.error().message.find("chmod 600"), std::string::npos) << c.error().message;
  // A client's text is checked without reading the file.
  auto text = parse_config(base + "    password-file: " + secret + "\n", "t.yaml", Files::Leave);
  ASSERT_TRUE(text) << text.error().to_string();
  EXPECT_TRUE(text->neighbors[0].password.empty());
  // Inline in a file others may read: refused; private: accepted.
  std::ofstream(conf, std::ios::trunc) << base << "    password: s3cret\n";
  c = load_config_file(conf);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().key, "neighbors[0].password");
  EXPECT_EQ(c.error().line, 4);
  fs::permissions(conf, fs::perms(0600));
  EXPECT_TRUE(load_config_file(conf));
  // Both, a relative path, a missing file, an unset credentials directory.
  const std::pair<std::string, std::string> bad[] = {
      {"    password: a\n    password-file: " + secret + "\n", "neighbors[0]"},
      {"    password-file: md5.secret\n", "neighbors[0].password-file"},
      {"    password-file: /nonexistent/md5\n", "neighbors[0].password-file"},
      {"    password-file: $CREDENTIALS_DIRECTORY/md5\n", "neighbors[0].password-file"},
  };
  unsetenv("CREDENTIALS_DIRECTORY");
  for (const auto& [text_of, key] : bad) {
    auto e = parse_config(base + text_of, "t.yaml");
    ASSERT_FALSE(e) << text_of;
    EXPECT_EQ(e.error().key, key) << e.error().to_string();
  }
  // A systemd credential.
  fs::permissions(secret, fs::perms(0400));
  setenv("CREDENTIALS_DIRECTORY", dir.c_str(), 1);
  auto cred =
      parse_config(base + "    password-file: $CREDENTIALS_DIRECTORY/md5.secret\n", "t.yaml");
  unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(cred) << cred.error().to_string();
  EXPECT_EQ(cred->neighbors[0].password, "s3cret");
  fs::remove(secret);
  fs::remove(conf);
}

}  // namespace
}  // namespace closbgp::config
