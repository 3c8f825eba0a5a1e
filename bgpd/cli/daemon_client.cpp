#include "bgpd/cli/daemon_client.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace closbgp::cli {
namespace {

std::shared_ptr<grpc::ChannelCredentials> credentials(const ClientOptions& opts) {
  if (opts.tls_ca.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = read_file(opts.tls_ca);
  if (!opts.tls_cert.empty()) {
    o.pem_cert_chain = read_file(opts.tls_cert);
    o.pem_private_key = read_file(opts.tls_key);
  }
  return grpc::SslCredentials(o);
}

// gRPC says only "failed to connect"; for a Unix socket, say what an
// operator can act on: no daemon there, or a socket they may not use.
std::string unreachable_reason(const std::string& server, const std::string& grpc_message) {
  if (!server.starts_with("unix:")) return grpc_message;
  const std::string path = server.substr(5);
  if (::access(path.c_str(), F_OK) != 0)
    return path +
           " does not exist (is closbgpd running? does its grpc.listen name another "
           "socket? --server or $CLOSCTL_SERVER choose another)";
  if (::access(path.c_str(), R_OK | W_OK) != 0)
    return "permission denied on " + path +
           ": reading needs membership of the socket's group (closbgp by default), see "
           "docs/security.md";
  return grpc_message;
}

}  // namespace

// Read with the caller's own rights (never the daemon's).
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "closctl: cannot read " << path << ": " << std::strerror(errno) << "\n";
    std::exit(kExitUsage);
  }
  return {std::istreambuf_iterator<char>(in), {}};
}

std::shared_ptr<grpc::Channel> channel(const ClientOptions& opts) {
  grpc::ChannelArguments args;
  if (!opts.tls_server_name.empty()) args.SetSslTargetNameOverride(opts.tls_server_name);
  return grpc::CreateCustomChannel(opts.server, credentials(opts), args);
}

std::unique_ptr<pb::BgpService::Stub> connect(const ClientOptions& opts) {
  return pb::BgpService::NewStub(channel(opts));
}

std::chrono::system_clock::time_point deadline(const ClientOptions& opts) {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(opts.timeout_ms);
}

void set_deadline(grpc::ClientContext& ctx, const ClientOptions& opts) {
  ctx.set_deadline(deadline(opts));
}

int report(const grpc::Status& status, const ClientOptions& opts) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "closctl: cannot reach closbgpd at " << opts.server << ": "
              << unreachable_reason(opts.server, status.error_message()) << "\n";
    return kExitNoConnection;
  }
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    std::cerr << "closctl: closbgpd at " << opts.server
              << " does not know this request: it runs an older version than closctl (a "
                 "restart starts the installed one; `closctl version` shows both)\n";
    return kExitDaemonError;
  }
  std::cerr << "closctl: " << status.error_message() << "\n";
  return kExitDaemonError;
}

void print_json(const google::protobuf::Message& m) {
  std::cout << to_json(m) << "\n";
}

}  // namespace closbgp::cli
