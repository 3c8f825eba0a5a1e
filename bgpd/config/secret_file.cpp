#include "bgpd/config/secret_file.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace closbgp::config {
using namespace yaml;

std::string secret_path(const YAML::Node& n, const std::string& key) {
  std::string path = scalar(n, key);
  constexpr std::string_view kCredentials = "$CREDENTIALS_DIRECTORY/";
  if (path.starts_with(kCredentials)) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (!dir || !*dir)
      fail(n, key,
           "$CREDENTIALS_DIRECTORY is not set: start the daemon from a unit with "
           "LoadCredential=, or name the file itself");
    path = std::string(dir) + "/" + path.substr(kCredentials.size());
  }
  if (!path.starts_with("/")) fail(n, key, "'" + path + "' must be an absolute path");
  return path;
}

std::string read_secret(const YAML::Node& n, const std::string& key, const std::string& path) {
  namespace fs = std::filesystem;
  std::ifstream in(path);
  std::error_code ec;
  const auto perms = fs::status(path, ec).permissions();
  if (!in || ec) fail(n, key, "'" + path + "' cannot be read");
  constexpr auto others = fs::perms::group_all | fs::perms::others_all;
  if ((perms & others) != fs::perms::none)
    fail(n, key, "'" + path + "' may be read or written by other users: chmod 600 " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string secret = buf.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty() || secret.size() > 80)
    fail(n, key, "'" + path + "' must hold 1 to 80 characters");
  return secret;
}

}  // namespace closbgp::config
