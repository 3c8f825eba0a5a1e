#include "bgpd/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "bgpd/api/stream_writers.h"
#include "bgpd/config/config.h"
#include "bgpd/log/log.h"
#include "bgpd/version.h"
#include "bgpd/wire/ip.h"
#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::api {
namespace {

namespace pb = closbgp::v1;

// A configuration a client sends to be checked; config files are a few
// kilobytes, a fabric's largest a few hundred.
constexpr size_t kMaxConfigText = 1 << 20;

// Without TLS files: plaintext (loopback, a Unix socket, or `insecure`).
std::expected<std::shared_ptr<grpc::ServerCredentials>, std::string> server_credentials(
    const ApiServer::Tls& tls) {
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

}  // namespace

class ApiServer::Service final : public pb::BgpService::CallbackService {
 public:
  Service(asio::io_context& main, const Backend& backend, Control& control, EventBus& events)
      : main_(main), backend_(backend), control_(control), events_(events) {}

  grpc::ServerWriteReactor<pb::Event>* WatchEvents(grpc::CallbackServerContext*,
                                                   const pb::WatchEventsRequest* req) override {
    std::set<EventKind> kinds;
    for (int k : req->kinds())
      if (k >= pb::EVENT_KIND_PEER && k <= pb::EVENT_KIND_FIB)
        kinds.insert(EventKind(k - pb::EVENT_KIND_PEER));
    return new EventWriter(events_, std::move(kinds));
  }

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

  grpc::ServerWriteReactor<pb::Route>* ShowRoutes(grpc::CallbackServerContext*,
                                                  const pb::ShowRoutesRequest* req) override {
    return new SnapshotWriter<pb::Route>(
        main_, requested_prefixes(req->prefix(), req->longer_prefixes()),
        [this](const rib::PrefixQuery& query) {
          return std::expected<std::vector<RouteView>, ControlError>(backend_.routes(query));
        });
  }

  grpc::ServerWriteReactor<pb::Route>* ShowAdjRib(grpc::CallbackServerContext*,
                                                  const pb::ShowAdjRibRequest* req) override {
    return new SnapshotWriter<pb::Route>(
        main_, requested_prefixes(req->prefix(), req->longer_prefixes()),
        [this, neighbor = req->neighbor(),
         out = req->direction() == pb::ShowAdjRibRequest::DIRECTION_OUT](
            const rib::PrefixQuery& query) { return backend_.adj_rib(neighbor, out, query); });
  }

  grpc::ServerWriteReactor<pb::FibRoute>* ShowFib(grpc::CallbackServerContext*,
                                                  const pb::ShowFibRequest* req) override {
    return new SnapshotWriter<pb::FibRoute>(main_, requested_prefixes(req->prefix(), false),
                                            [this](const rib::PrefixQuery& query) {
                                              auto routes = backend_.fib_routes();
                                              if (routes && query.prefix)
                                                std::erase_if(*routes, [&](const FibRouteView& r) {
                                                  return r.prefix != query.prefix->to_string();
                                                });
                                              return routes;
                                            });
  }

  grpc::ServerUnaryReactor* ShowNeighbor(grpc::CallbackServerContext* ctx,
                                         const pb::ShowNeighborRequest* req,
                                         pb::PeerSummary* resp) override {
    auto* reactor = ctx->DefaultReactor();
    asio::post(main_, [this, reactor, req, resp] {
      auto p = backend_.neighbor(req->neighbor());
      if (!p) return reactor->Finish(status(p.error()));
      fill(*p, resp);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* ResetNeighbor(grpc::CallbackServerContext* ctx,
                                          const pb::ResetNeighborRequest* req,
                                          pb::NeighborActionResponse* resp) override {
    return on_main(ctx, resp,
                   [this, req] { return control_.reset_neighbor(req->neighbor(), req->soft()); });
  }

  grpc::ServerUnaryReactor* ShutdownNeighbor(grpc::CallbackServerContext* ctx,
                                             const pb::ShutdownNeighborRequest* req,
                                             pb::NeighborActionResponse* resp) override {
    return on_main(ctx, resp, [this, req] {
      return control_.set_neighbor_enabled(req->neighbor(), false, req->message());
    });
  }

  grpc::ServerUnaryReactor* EnableNeighbor(grpc::CallbackServerContext* ctx,
                                           const pb::EnableNeighborRequest* req,
                                           pb::NeighborActionResponse* resp) override {
    return on_main(ctx, resp, [this, req] {
      return control_.set_neighbor_enabled(req->neighbor(), true, "");
    });
  }

  grpc::ServerUnaryReactor* ValidateConfig(grpc::CallbackServerContext* ctx,
                                           const pb::ValidateConfigRequest* req,
                                           pb::ValidateConfigResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    if (!req->path().empty()) {
      log::get("api")->warn(
          "ValidateConfig naming the path {:?} refused: the daemon reads no file for a client",
          req->path());
      reactor->Finish(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                   "the daemon reads no file on a client's behalf: send the "
                                   "file's text (closctl config validate FILE does)"));
      return reactor;
    }
    if (req->has_text() && req->text().size() > kMaxConfigText) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "configuration text of " + std::to_string(req->text().size()) +
                                       " bytes: the limit is 1 MiB"));
      return reactor;
    }
    if (req->has_text()) {
      // Pure work on a client's text: here, on gRPC's thread, so that a
      // large or hostile text never holds up routing on the main loop.
      auto c = config::parse_config(req->text(), req->name().empty() ? "request" : req->name(),
                                    config::Files::Leave);
      if (!c) {
        reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, c.error().to_string()));
        return reactor;
      }
      resp->set_summary(config::summary(*c));
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    asio::post(main_, [this, reactor, resp] {
      auto r = control_.validate_running_config();
      if (!r) return reactor->Finish(status(r.error()));
      resp->set_summary(*r);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* SetDrainState(grpc::CallbackServerContext* ctx,
                                          const pb::SetDrainStateRequest* req,
                                          pb::SetDrainStateResponse* resp) override {
    return on_main(ctx, resp,
                   [this, req] { return control_.set_drain(req->state(), req->neighbor()); });
  }

  grpc::ServerUnaryReactor* AddRoute(grpc::CallbackServerContext* ctx,
                                     const pb::AddRouteRequest* req,
                                     pb::RouteChangeResponse* resp) override {
    return on_main(ctx, resp, [this, req] {
      return control_.add_route(req->prefix(),
                                {req->communities().begin(), req->communities().end()},
                                {req->large_communities().begin(), req->large_communities().end()},
                                req->has_med() ? std::optional(req->med()) : std::nullopt);
    });
  }

  grpc::ServerUnaryReactor* DeleteRoute(grpc::CallbackServerContext* ctx,
                                        const pb::DeleteRouteRequest* req,
                                        pb::RouteChangeResponse* resp) override {
    return on_main(ctx, resp, [this, req] { return control_.delete_route(req->prefix()); });
  }

  grpc::ServerUnaryReactor* ReloadConfig(grpc::CallbackServerContext* ctx,
                                         const pb::ReloadConfigRequest*,
                                         pb::ReloadConfigResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    asio::post(main_, [this, reactor, resp] {
      auto r = control_.reload_config();
      if (!r) return reactor->Finish(status(r.error()));
      for (const auto& c : *r) resp->add_changes(c);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

 private:
  // Runs `action` on the main loop; its text goes into `resp->result`.
  template <class Resp, class Action>
  grpc::ServerUnaryReactor* on_main(grpc::CallbackServerContext* ctx, Resp* resp, Action action) {
    auto* reactor = ctx->DefaultReactor();
    asio::post(main_, [reactor, resp, action] {
      auto r = action();
      if (!r) return reactor->Finish(status(r.error()));
      resp->set_result(*r);
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }

  asio::io_context& main_;
  const Backend& backend_;
  Control& control_;
  EventBus& events_;
};

struct ApiServer::Server {
  std::unique_ptr<grpc::Server> grpc;
};

ApiServer::ApiServer(asio::io_context& main, const Backend& backend, Control& control,
                     EventBus& events)
    : service_(std::make_unique<Service>(main, backend, control, events)),
      server_(std::make_unique<Server>()) {}

ApiServer::~ApiServer() = default;

std::expected<void, std::string> ApiServer::start(const std::string& listen, const Tls& tls) {
  auto credentials = server_credentials(tls);
  if (!credentials) return std::unexpected(credentials.error());
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  // gRPC sets SO_REUSEPORT by default, which would let a second daemon in
  // the same namespace share the port and take half the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(listen, *credentials, &port);
  builder.RegisterService(service_.get());
  server_->grpc = builder.BuildAndStart();
  if (!server_->grpc || (port == 0 && !listen.starts_with("unix:")))
    return std::unexpected("cannot listen on " + listen +
                           " (address in use, not local, or not permitted)");
  log::get("api")->info("gRPC API listening on {}{}", listen,
                        tls.cert.empty()        ? ""
                        : tls.client_ca.empty() ? " (TLS)"
                                                : " (mutual TLS: clients need a certificate)");
  return {};
}

void ApiServer::shutdown(int grace_ms) {
  if (!server_->grpc) return;
  server_->grpc->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
  server_->grpc.reset();
}

}  // namespace closbgp::api
