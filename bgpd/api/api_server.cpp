#include "bgpd/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>

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

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = std::time_t(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", int(ms.count() % 1000));
  return buf;
}

void fill(const PeerView& p, pb::PeerSummary* peer) {
  peer->set_drain_state(p.drain_state);
  peer->set_rfc7606_events(p.rfc7606_events);
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
  peer->set_peer_router_id(p.peer_router_id);
  peer->set_hold_time(p.hold_time);
  peer->set_peer_hostname(p.peer_hostname);
  peer->set_bfd_state(p.bfd_state);
  peer->set_bfd_packets_received(p.bfd_packets_received);
  peer->set_bfd_packets_sent(p.bfd_packets_sent);
  peer->set_bfd_packets_dropped(p.bfd_packets_dropped);
  peer->set_bfd_flaps(p.bfd_flaps);
  for (const auto& c : p.capabilities) peer->add_capabilities(c);
  peer->set_stale_paths(p.stale_paths);
  peer->set_shutdown(p.shutdown);
  peer->set_updates_filtered(p.updates_filtered);
  peer->set_max_prefix(p.max_prefix);
  peer->set_max_prefix_exceeded(p.max_prefix_exceeded);
  if (p.last_reset) peer->set_last_reset_time(rfc3339(*p.last_reset));
}

void fill(const SummaryView& view, pb::ShowBgpSummaryResponse& out) {
  out.set_router_id(view.router_id);
  out.set_local_as(view.local_as);
  out.set_drain_state(view.drain_state);
  out.set_rib_prefixes(view.rib_prefixes);
  out.set_rib_attribute_sets(view.rib_attribute_sets);
  for (const auto& [family, prefixes] : view.family_prefixes) {
    auto* f = out.add_families();
    f->set_family(family);
    f->set_prefixes(prefixes);
  }
  out.set_resident_memory_bytes(view.resident_memory_bytes);
  out.set_fib_backlog(view.fib_backlog);
  out.set_fib_awaiting_install(view.fib_awaiting_install);
  for (const auto& p : view.peers) fill(p, out.add_peers());
}

void fill(const std::vector<FibNextHopView>& hops,
          google::protobuf::RepeatedPtrField<pb::FibNextHop>& out) {
  for (const auto& h : hops) {
    auto* nh = out.Add();
    nh->set_interface(h.interface);
    nh->set_gateway(h.gateway);
  }
}

void fill(const FibRouteView& r, pb::FibRoute& out) {
  out.set_prefix(r.prefix);
  fill(r.next_hops, *out.mutable_next_hops());
  fill(r.kernel_next_hops, *out.mutable_kernel_next_hops());
  out.set_state(r.state);
}

grpc::Status status(const ControlError& e) {
  using K = ControlError::Kind;
  const auto code = e.kind == K::NeedsRestart || e.kind == K::Conflict
                        ? grpc::StatusCode::FAILED_PRECONDITION
                    : e.kind == K::NotFound ? grpc::StatusCode::NOT_FOUND
                    : e.kind == K::Internal ? grpc::StatusCode::INTERNAL
                                            : grpc::StatusCode::INVALID_ARGUMENT;
  return {code, e.message};
}

void fill(const RouteView& r, pb::Route& out) {
  out.set_prefix(r.prefix);
  out.set_peer(r.peer);
  out.set_next_hop(r.next_hop);
  out.set_next_hop_link_local(r.next_hop_link_local);
  for (uint32_t a : r.as_path) out.add_as_path(a);
  out.set_origin(r.origin);
  if (r.med) out.set_med(*r.med);
  if (r.local_pref) out.set_local_pref(*r.local_pref);
  for (const auto& c : r.communities) out.add_communities(c);
  for (const auto& c : r.large_communities) out.add_large_communities(c);
  out.set_accepted(r.accepted);
  out.set_best(r.best);
  out.set_multipath(r.multipath);
}

// Which prefixes a request asks for: all, one, or one and those inside it;
// nullopt when its one prefix is not written as a prefix is (nothing
// matches); an error when the prefix of longer-prefixes is not one.
using RequestedPrefixes = std::expected<std::optional<rib::PrefixQuery>, std::string>;

RequestedPrefixes requested_prefixes(const std::string& prefix, bool longer) {
  if (prefix.empty()) return rib::PrefixQuery{};
  const auto parsed = wire::Prefix::parse(prefix);
  if (longer) {
    if (!parsed)
      return std::unexpected("'" + prefix + "' is not a prefix (10.0.0.0/8, 2001:db8::/32)");
    return rib::PrefixQuery{*parsed, true};
  }
  if (!parsed || parsed->to_string() != prefix) return std::nullopt;
  return rib::PrefixQuery{*parsed, false};
}

// Streams a snapshot taken on the main loop: the views `take(query)`
// returns for the request's prefixes, or its error (INVALID_ARGUMENT if the
// request's prefix was not one); the writes happen on gRPC's threads.
template <class Msg>
class SnapshotWriter final : public grpc::ServerWriteReactor<Msg> {
 public:
  template <class Take>
  SnapshotWriter(asio::io_context& main, RequestedPrefixes requested, Take take) {
    asio::post(main, [this, requested = std::move(requested), take = std::move(take)] {
      if (!requested)
        return this->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, requested.error()));
      if (!*requested) return next();
      auto views = take(**requested);
      if (!views) return this->Finish(status(views.error()));
      for (const auto& v : *views) fill(v, items_.emplace_back());
      next();
    });
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    next();
  }
  void OnDone() override { delete this; }

 private:
  void next() {
    if (i_ == items_.size()) return this->Finish(grpc::Status::OK);
    this->StartWrite(&items_[i_++]);
  }
  std::vector<Msg> items_;
  size_t i_ = 0;
};

void fill(const EventView& e, pb::Event& out) {
  out.set_time(rfc3339(e.time));
  out.set_kind(pb::EventKind(int(e.kind) + pb::EVENT_KIND_PEER));
  out.set_neighbor(e.neighbor);
  out.set_prefix(e.prefix);
  out.set_state(e.state);
  out.set_detail(e.detail);
}

// Streams a watcher's events until the client cancels. Events are queued
// on the main loop (EventBus::publish wakes us there) and written from
// whichever thread finds the stream idle; one write at a time.
class EventWriter final : public grpc::ServerWriteReactor<pb::Event> {
 public:
  EventWriter(EventBus& bus, std::set<EventKind> kinds) : bus_(bus) {
    watcher_ = bus_.watch(std::move(kinds), [this] { pump(); });
  }
  void OnWriteDone(bool ok) override {
    bool stop = false;
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      stop = !ok || cancelled_;
    }
    if (stop) return finish();
    pump();
  }
  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      if (writing_) return;  // OnWriteDone finishes
    }
    finish();
  }
  void OnDone() override {
    bus_.unwatch(watcher_);
    delete this;
  }

 private:
  // The next event, if the stream is idle; StartWrite outside the lock, in
  // case gRPC runs OnWriteDone inline.
  void pump() {
    {
      std::lock_guard lock(mu_);
      if (writing_ || cancelled_ || finished_) return;
      auto e = watcher_->pop();
      if (!e) return;
      fill(*e, msg_);
      writing_ = true;
    }
    StartWrite(&msg_);
  }
  void finish() {
    bus_.unwatch(watcher_);  // no wake-up after this
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
  }

  EventBus& bus_;
  std::shared_ptr<EventBus::Watcher> watcher_;
  std::mutex mu_;
  bool writing_ = false, cancelled_ = false, finished_ = false;
  pb::Event msg_;
};

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
