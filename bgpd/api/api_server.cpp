#include "bgpd/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <chrono>

#include "bgpd/log/log.h"
#include "bgpd/version.h"
#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::api {
namespace {

namespace pb = closbgp::v1;

pb::SessionState to_proto(PeerState s) {
  switch (s) {
    case PeerState::Idle:
      return pb::SESSION_STATE_IDLE;
    case PeerState::Connect:
      return pb::SESSION_STATE_CONNECT;
    case PeerState::Active:
      return pb::SESSION_STATE_ACTIVE;
    case PeerState::OpenSent:
      return pb::SESSION_STATE_OPEN_SENT;
    case PeerState::OpenConfirm:
      return pb::SESSION_STATE_OPEN_CONFIRM;
    case PeerState::Established:
      return pb::SESSION_STATE_ESTABLISHED;
  }
  return pb::SESSION_STATE_UNSPECIFIED;
}

void fill(const SummaryView& view, pb::ShowBgpSummaryResponse& out) {
  out.set_router_id(view.router_id);
  out.set_local_as(view.local_as);
  for (const auto& p : view.peers) {
    auto* peer = out.add_peers();
    peer->set_interface(p.interface);
    peer->set_address(p.address);
    peer->set_remote_as_config(p.remote_as_config);
    peer->set_remote_as(p.remote_as);
    peer->set_state(to_proto(p.state));
    peer->set_uptime_seconds(p.uptime_seconds);
    peer->set_messages_received(p.messages_received);
    peer->set_messages_sent(p.messages_sent);
    peer->set_prefixes_received(p.prefixes_received);
    peer->set_prefixes_accepted(p.prefixes_accepted);
    peer->set_prefixes_sent(p.prefixes_sent);
    peer->set_last_error(p.last_error);
  }
}

}  // namespace

class ApiServer::Service final : public pb::BgpService::CallbackService {
 public:
  Service(asio::io_context& main, const Backend& backend) : main_(main), backend_(backend) {}

  grpc::ServerUnaryReactor* GetVersion(grpc::CallbackServerContext* ctx,
                                       const pb::GetVersionRequest*,
                                       pb::GetVersionResponse* resp) override {
    resp->set_version(kVersion);
    resp->set_git_commit(kGitCommit);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* ShowBgpSummary(grpc::CallbackServerContext* ctx,
                                           const pb::ShowBgpSummaryRequest*,
                                           pb::ShowBgpSummaryResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    asio::post(main_, [this, reactor, resp] {
      fill(backend_.summary(), *resp);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

 private:
  asio::io_context& main_;
  const Backend& backend_;
};

struct ApiServer::Server {
  std::unique_ptr<grpc::Server> grpc;
};

ApiServer::ApiServer(asio::io_context& main, const Backend& backend)
    : service_(std::make_unique<Service>(main, backend)), server_(std::make_unique<Server>()) {}

ApiServer::~ApiServer() = default;

std::expected<void, std::string> ApiServer::start(const std::string& listen) {
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  // gRPC sets SO_REUSEPORT by default, which would let a second daemon in
  // the same namespace share the port and take half the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  server_->grpc = builder.BuildAndStart();
  if (!server_->grpc || (port == 0 && !listen.starts_with("unix:")))
    return std::unexpected("cannot listen on " + listen +
                           " (address in use, not local, or not permitted)");
  log::get("api")->info("gRPC API listening on {}", listen);
  return {};
}

void ApiServer::shutdown(int grace_ms) {
  if (!server_->grpc) return;
  server_->grpc->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
  server_->grpc.reset();
}

}  // namespace closbgp::api
