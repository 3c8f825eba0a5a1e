// How the config's `grpc` section becomes the gRPC server's credentials and
// the rules that give each caller its role (docs/security.md).
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "bgpd/api/access.h"
#include "bgpd/config/config.h"

namespace closbgp::api {

// Without TLS files: plaintext (a Unix socket, or TCP with `insecure`).
// The error names a TLS file that cannot be read.
std::expected<std::shared_ptr<grpc::ServerCredentials>, std::string> server_credentials(
    const config::Grpc& g);
// `read_group`: the socket's group, if it got one. A write group that does
// not exist is logged and left out.
AccessRules access_rules(const config::Grpc& g, std::optional<gid_t> read_group);
// Who may do what, for the log line that says where the API listens.
std::string grants(const config::Grpc& g, const AccessRules& rules);

}  // namespace closbgp::api
