#include "bgpd/config/api_config.h"

#include <sys/un.h>

#include <fstream>

namespace closbgp::config {
using namespace yaml;
namespace {

bool is_loopback_listen(const std::string& listen) {
  return listen.starts_with("127.") || listen.starts_with("[::1]:") ||
         listen.starts_with("localhost:");
}

// A file the daemon reads at start: it must exist and be readable now, so
// that a typo is a config error with its line, not a failed start. Not
// opened for a text a client sent (Files::Leave).
std::string readable_file(const YAML::Node& n, const std::string& key, Files files) {
  const std::string path = scalar(n, key);
  if (files == Files::Open && !std::ifstream(path)) fail(n, key, "'" + path + "' cannot be read");
  return path;
}

std::vector<std::string> names(const YAML::Node& n, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& item : items(n)) {
    out.push_back(scalar(item, key));
    if (out.back().empty()) fail(item, key, "an empty name");
  }
  return out;
}

// grpc.tls: {cert: FILE, key: FILE, client-ca: FILE, read: [NAME], write: [NAME]}
void parse_grpc_tls(const YAML::Node& n, Grpc& g, Files files) {
  Section s(n, "grpc.tls", {"cert", "key", "client-ca", "read", "write"});
  if (!s.has("cert") || !s.has("key")) fail(n, "grpc.tls", "needs both cert and key");
  g.tls_cert = readable_file(s.get("cert"), "grpc.tls.cert", files);
  g.tls_key = readable_file(s.get("key"), "grpc.tls.key", files);
  if (s.has("client-ca"))
    g.tls_client_ca = readable_file(s.get("client-ca"), "grpc.tls.client-ca", files);
  for (const auto* role : {"read", "write"}) {
    if (!s.has(role)) continue;
    const std::string key = s.key_path(role);
    if (g.tls_client_ca.empty())
      fail(s.get(role), key,
           "roles come from client certificates: configure client-ca (mutual TLS) too");
    (std::string_view(role) == "read" ? g.tls_read : g.tls_write) = names(s.get(role), key);
  }
}

void check_unix_listen(const YAML::Node& n, const std::string& path) {
  if (!path.starts_with("/"))
    fail(n, "grpc.listen", "'unix:" + path + "': the socket's path must be absolute");
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    fail(n, "grpc.listen",
         "'unix:" + path + "': a socket path has at most " +
             std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
}

void check_tcp_listen(const YAML::Node& n, const Grpc& g) {
  if (g.listen.rfind(':') == std::string::npos)
    fail(n, "grpc.listen", "'" + g.listen + "' must be HOST:PORT or unix:PATH");
  if (g.insecure || !g.tls_cert.empty()) return;
  if (is_loopback_listen(g.listen))
    fail(n, "grpc.listen",
         "'" + g.listen +
             "' is TCP without TLS: every local user could steer the router. Keep the "
             "default Unix socket, configure tls, or write 'insecure: true' to accept that");
  fail(n, "grpc.listen",
       "'" + g.listen +
           "' is not a loopback address: configure tls: {cert, key, client-ca} "
           "(mutual TLS), or write 'insecure: true' to accept an unauthenticated API on it");
}

}  // namespace

Grpc parse_grpc(const YAML::Node& n, Files files) {
  Section s(n, "grpc", {"listen", "group", "write-groups", "insecure", "tls"});
  Grpc g;
  if (s.has("insecure")) g.insecure = boolean(s.get("insecure"), "grpc.insecure");
  if (s.has("tls")) parse_grpc_tls(s.get("tls"), g, files);
  if (s.has("listen")) g.listen = scalar(s.get("listen"), "grpc.listen");
  if (s.has("group")) g.group = scalar(s.get("group"), "grpc.group");
  if (s.has("write-groups")) g.write_groups = names(s.get("write-groups"), "grpc.write-groups");
  const auto where = s.has("listen") ? s.get("listen") : n;
  if (!g.listen.starts_with("unix:")) {
    for (const auto* key : {"group", "write-groups"})
      if (s.has(key))
        fail(s.get(key), s.key_path(key),
             "applies to a unix: address; over TCP, client certificates decide (tls.read, "
             "tls.write)");
    check_tcp_listen(where, g);
    return g;
  }
  check_unix_listen(where, g.listen.substr(5));
  if (s.has("tls"))
    fail(s.get("tls"), "grpc.tls",
         "TLS is for a TCP address; a Unix socket is protected by its mode and the "
         "caller's groups (group, write-groups)");
  if (s.has("insecure") && g.insecure)
    fail(s.get("insecure"), "grpc.insecure", "applies to a TCP address only");
  return g;
}

Metrics parse_metrics(const YAML::Node& n) {
  Section s(n, "metrics", {"listen"});
  Metrics m;
  if (s.has("listen")) {
    m.listen = scalar(s.get("listen"), "metrics.listen");
    const auto colon = m.listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == m.listen.size() ||
        m.listen.find_first_not_of("0123456789", colon + 1) != std::string::npos)
      fail(s.get("listen"), "metrics.listen", "'" + m.listen + "' must be HOST:PORT");
  }
  return m;
}

}  // namespace closbgp::config
