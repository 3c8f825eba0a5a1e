#include "bgpd/api/grpc_settings.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "bgpd/log/log.h"

namespace closbgp::api {

std::expected<std::shared_ptr<grpc::ServerCredentials>, std::string> server_credentials(
    const config::Grpc& g) {
  const struct {
    const std::string &cert, &key, &client_ca;
  } tls{g.tls_cert, g.tls_key, g.tls_client_ca};
  if (tls.cert.empty()) return grpc::InsecureServerCredentials();
  auto pem = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const auto cert = pem(tls.cert), key = pem(tls.key);
  const auto client_ca =
      tls.client_ca.empty() ? std::optional<std::string>("") : pem(tls.client_ca);
  for (const auto& [text, path] : {std::pair{&cert, &tls.cert}, std::pair{&key, &tls.key},
                                   std::pair{&client_ca, &tls.client_ca}})
    if (!*text) return std::unexpected("cannot read TLS file " + *path);
  grpc::SslServerCredentialsOptions o(
      tls.client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  o.pem_root_certs = *client_ca;
  o.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(o);
}

namespace {

std::vector<gid_t> group_ids(const std::vector<std::string>& names) {
  std::vector<gid_t> out;
  for (const auto& name : names) {
    if (auto gid = group_named(name))
      out.push_back(*gid);
    else
      log::get("api")->warn("grpc.write-groups: group '{}' does not exist; ignored", name);
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string grants(const config::Grpc& g, const AccessRules& rules) {
  if (g.listen.starts_with("unix:")) {
    std::string who = rules.read_group ? "mode 0660: group " + g.group + " may read"
                                       : "mode 0600: no group may read";
    return who + "; root, uid " + std::to_string(rules.own_uid) +
           (g.write_groups.empty() ? "" : " and groups " + joined(g.write_groups)) + " may write";
  }
  if (g.insecure) return "insecure: no authentication, every client may read and write";
  if (g.tls_client_ca.empty()) return "TLS: clients are anonymous and may read";
  if (g.tls_read.empty() && g.tls_write.empty())
    return "mutual TLS: every certificate the CA signed may read and write";
  return "mutual TLS: certificates named in tls.read may read, in tls.write may write";
}

AccessRules access_rules(const config::Grpc& g, std::optional<gid_t> read_group) {
  return {::geteuid(),
          read_group,
          group_ids(g.write_groups),
          g.tls_read,
          g.tls_write,
          g.insecure                ? Role::Write
          : g.tls_client_ca.empty() ? Role::Read
                                    : Role::None};
}

}  // namespace closbgp::api
