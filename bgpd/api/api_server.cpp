#include "bgpd/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>

#include <chrono>
#include <optional>

#include "bgpd/api/grpc_settings.h"
#include "bgpd/api/unix_listener.h"
#include "bgpd/log/log.h"

namespace closbgp::api {

struct ApiServer::Server {
  std::unique_ptr<grpc::Server> grpc;
  std::unique_ptr<UnixListener> unix_socket;
};

ApiServer::ApiServer(asio::io_context& main, const Backend& backend, Control& control,
                     EventBus& events)
    : main_(main),
      service_(make_service(main, backend, control, events)),
      server_(std::make_unique<Server>()) {}

ApiServer::~ApiServer() = default;

std::expected<void, std::string> ApiServer::start(const config::Grpc& g) {
  const bool on_unix_socket = g.listen.starts_with("unix:");
  auto credentials = server_credentials(g);
  if (!credentials) return std::unexpected(credentials.error());
  // The socket first: its group is who may read. Connections are accepted
  // on this thread's loop after start returns, when the server is running.
  std::optional<gid_t> read_group;
  if (on_unix_socket) {
    server_->unix_socket = std::make_unique<UnixListener>(main_, [this](int fd, Caller caller) {
      service_->callers().admit(fd, std::move(caller));
      grpc::AddInsecureChannelFromFd(server_->grpc.get(), fd);
    });
    auto group = server_->unix_socket->open(g.listen.substr(5), g.group);
    if (!group) return std::unexpected(group.error());
    read_group = *group;
  }
  const AccessRules rules = access_rules(g, read_group);
  service_->set_rules(rules);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  // gRPC sets SO_REUSEPORT by default, which would let a second daemon in
  // the same namespace share the port and take half the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (!on_unix_socket) builder.AddListeningPort(g.listen, *credentials, &port);
  builder.RegisterService(service_.get());
  server_->grpc = builder.BuildAndStart();
  if (!server_->grpc || (!on_unix_socket && port == 0))
    return std::unexpected("cannot listen on " + g.listen +
                           " (address in use, not local, or not permitted)");
  log::get("api")->info("gRPC API listening on {} ({})", g.listen, grants(g, rules));
  return {};
}

void ApiServer::shutdown(int grace_ms) {
  if (!server_->grpc) return;
  // The listener lives on the main loop; it stops there, and removes its socket.
  if (server_->unix_socket) asio::post(main_, [this] { server_->unix_socket->close(); });
  server_->grpc->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
  server_->grpc.reset();
}

}  // namespace closbgp::api
