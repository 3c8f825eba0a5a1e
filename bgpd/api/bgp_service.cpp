#include "bgpd/api/bgp_service.h"

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <set>

#include "bgpd/api/community_filter.h"
#include "bgpd/api/config_check.h"
#include "bgpd/api/stream_pages.h"
#include "bgpd/api/summary_answers.h"
#include "bgpd/log/log.h"
#include "bgpd/version.h"
#include "bgpd/wire/ip.h"

namespace closbgp::api {
namespace {

namespace pb = closbgp::v1;

class Handlers final : public Service {
 public:
  Handlers(asio::io_context& main, const Backend& backend, Control& control, EventBus& events)
      : main_(main), backend_(backend), control_(control), events_(events) {}

  CallerRegistry& callers() override { return callers_; }
  void set_rules(AccessRules rules) override { rules_ = std::move(rules); }

  grpc::ServerWriteReactor<pb::Event>* WatchEvents(grpc::CallbackServerContext* ctx,
                                                   const pb::WatchEventsRequest* req) override {
    if (auto refused = refusal(ctx, __func__)) return new Refused<pb::Event>(*refused);
    std::set<EventKind> kinds;
    for (int k : req->kinds())
      if (k >= pb::EVENT_KIND_PEER && k <= pb::EVENT_KIND_FIB)
        kinds.insert(EventKind(k - pb::EVENT_KIND_PEER));
    return new EventWriter(events_, std::move(kinds));
  }

  grpc::ServerUnaryReactor* GetVersion(grpc::CallbackServerContext* ctx,
                                       const pb::GetVersionRequest*,
                                       pb::GetVersionResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    resp->set_version(kVersion);
    resp->set_git_commit(kGitCommit);
    return finish(ctx, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ShowBgpSummary(grpc::CallbackServerContext* ctx,
                                           const pb::ShowBgpSummaryRequest*,
                                           pb::ShowBgpSummaryResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return summaries_.answer(ctx, resp);
  }

  grpc::ServerWriteReactor<pb::Route>* ShowRoutes(grpc::CallbackServerContext* ctx,
                                                  const pb::ShowRoutesRequest* req) override {
    return route_listing<pb::Route>(ctx, __func__, *req, rib_pages());
  }
  grpc::ServerWriteReactor<pb::RoutePage>* ShowRoutePages(
      grpc::CallbackServerContext* ctx, const pb::ShowRoutesRequest* req) override {
    return route_listing<pb::RoutePage>(ctx, __func__, *req, rib_pages());
  }

  grpc::ServerUnaryReactor* ShowRoute(grpc::CallbackServerContext* ctx,
                                      const pb::ShowRouteRequest* req,
                                      pb::RouteDetail* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    auto query = requested_prefixes(req->prefix(), false, req->longest_match());
    if (!query) return finish(ctx, invalid(query.error()));
    if (!query->prefix) return finish(ctx, invalid("no prefix given"));
    return answer_on_main(ctx, [this, resp, query = *query] {
      auto detail = backend_.route_detail(query);
      if (!detail) return status(detail.error());
      fill(*detail, *resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerWriteReactor<pb::Route>* ShowAdjRib(grpc::CallbackServerContext* ctx,
                                                  const pb::ShowAdjRibRequest* req) override {
    return route_listing<pb::Route>(ctx, __func__, *req, adj_rib_pages(*req));
  }
  grpc::ServerWriteReactor<pb::RoutePage>* ShowAdjRibPages(
      grpc::CallbackServerContext* ctx, const pb::ShowAdjRibRequest* req) override {
    return route_listing<pb::RoutePage>(ctx, __func__, *req, adj_rib_pages(*req));
  }

  grpc::ServerWriteReactor<pb::FibRoute>* ShowFib(grpc::CallbackServerContext* ctx,
                                                  const pb::ShowFibRequest* req) override {
    if (auto refused = refusal(ctx, __func__)) return new Refused<pb::FibRoute>(*refused);
    return new PagedWriter<pb::FibRoute>(
        main_,
        [this,
         requested = requested_prefixes(req->prefix(), false, false)]() -> Listing<pb::FibRoute> {
          if (!requested) return std::unexpected(invalid(requested.error()));
          auto routes = backend_.fib_routes();
          if (!routes) return std::unexpected(status(routes.error()));
          if (requested->prefix)
            std::erase_if(*routes, [&](const FibRouteView& r) {
              return r.prefix != requested->prefix->to_string();
            });
          return one_page<pb::FibRoute>(std::move(*routes));
        });
  }

  grpc::ServerUnaryReactor* ShowNextHops(grpc::CallbackServerContext* ctx,
                                         const pb::ShowNextHopsRequest*,
                                         pb::ShowNextHopsResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, resp] {
      fill(backend_.next_hops(), *resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ShowEvpnRoutes(grpc::CallbackServerContext* ctx,
                                           const pb::ShowEvpnRoutesRequest* req,
                                           pb::ShowEvpnRoutesResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, req, resp] {
      fill(backend_.evpn_routes({req->type(), req->vni(), req->rd()}), *resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ShowEvpnVnis(grpc::CallbackServerContext* ctx,
                                         const pb::ShowEvpnVnisRequest* req,
                                         pb::ShowEvpnVnisResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, vni = req->vni(), resp] {
      fill(backend_.evpn_vnis(vni), *resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ClearEvpnDuplicates(grpc::CallbackServerContext* ctx,
                                                const pb::ClearEvpnDuplicatesRequest* req,
                                                pb::ClearEvpnDuplicatesResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, req, resp] {
      auto cleared = control_.clear_evpn_duplicates(req->vni(), req->mac());
      if (!cleared) return status(cleared.error());
      resp->set_cleared(cleared->count);
      resp->set_result(cleared->result);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ShowNeighbor(grpc::CallbackServerContext* ctx,
                                         const pb::ShowNeighborRequest* req,
                                         pb::PeerSummary* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, req, resp] {
      auto p = backend_.neighbor(req->neighbor());
      if (!p) return status(p.error());
      fill(*p, resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ResetNeighbor(grpc::CallbackServerContext* ctx,
                                          const pb::ResetNeighborRequest* req,
                                          pb::NeighborActionResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp,
                   [this, req] { return control_.reset_neighbor(req->neighbor(), req->soft()); });
  }

  grpc::ServerUnaryReactor* ShutdownNeighbor(grpc::CallbackServerContext* ctx,
                                             const pb::ShutdownNeighborRequest* req,
                                             pb::NeighborActionResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp, [this, req] {
      return control_.set_neighbor_enabled(req->neighbor(), false, req->message());
    });
  }

  grpc::ServerUnaryReactor* EnableNeighbor(grpc::CallbackServerContext* ctx,
                                           const pb::EnableNeighborRequest* req,
                                           pb::NeighborActionResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp, [this, req] {
      return control_.set_neighbor_enabled(req->neighbor(), true, "");
    });
  }

  grpc::ServerUnaryReactor* ValidateConfig(grpc::CallbackServerContext* ctx,
                                           const pb::ValidateConfigRequest* req,
                                           pb::ValidateConfigResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    if (auto answered = check_config_text(*req, *resp)) return finish(ctx, *answered);
    return answer_on_main(ctx, [this, resp] {
      auto r = control_.validate_running_config();
      if (!r) return status(r.error());
      resp->set_summary(*r);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* SetDrainState(grpc::CallbackServerContext* ctx,
                                          const pb::SetDrainStateRequest* req,
                                          pb::SetDrainStateResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp,
                   [this, req] { return control_.set_drain(req->state(), req->neighbor()); });
  }

  grpc::ServerUnaryReactor* AddRoute(grpc::CallbackServerContext* ctx,
                                     const pb::AddRouteRequest* req,
                                     pb::RouteChangeResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
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
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp, [this, req] { return control_.delete_route(req->prefix()); });
  }

  grpc::ServerUnaryReactor* ConfirmConfig(grpc::CallbackServerContext* ctx,
                                          const pb::ConfirmConfigRequest*,
                                          pb::ConfirmConfigResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return on_main(ctx, resp, [this] { return control_.confirm_config(); });
  }

  grpc::ServerWriteReactor<pb::MrtChunk>* DumpRib(grpc::CallbackServerContext* ctx,
                                                  const pb::DumpRibRequest* req) override {
    if (auto refused = refusal(ctx, __func__)) return new Refused<pb::MrtChunk>(*refused);
    std::optional<wire::Family> family;
    for (auto f : {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast, wire::Family::L2vpnEvpn})
      if (req->table() == wire::family_name(f)) family = f;
    if (!req->table().empty() && !family)
      return new Refused<pb::MrtChunk>(invalid(
          "table '" + req->table() + "': ipv4-unicast, ipv6-unicast or l2vpn-evpn (empty: all)"));
    return new PagedWriter<pb::MrtChunk>(main_, [this, family]() -> Listing<pb::MrtChunk> {
      return mrt_chunks(backend_.mrt_dump(family));
    });
  }

  grpc::ServerUnaryReactor* ShowRunningConfig(grpc::CallbackServerContext* ctx,
                                              const pb::ShowRunningConfigRequest*,
                                              pb::ShowRunningConfigResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, resp] {
      auto view = backend_.running_config();
      resp->set_yaml(std::move(view.yaml));
      resp->set_source(std::move(view.source));
      return grpc::Status::OK;
    });
  }

  // Levels are the logging module's own, safe from any thread: no need
  // for the main loop.
  grpc::ServerUnaryReactor* SetLogLevel(grpc::CallbackServerContext* ctx,
                                        const pb::SetLogLevelRequest* req,
                                        pb::SetLogLevelResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    auto was = log::set_module_level(req->module(), req->level());
    if (!was) return finish(ctx, invalid(was.error()));
    resp->set_result(req->module() + ": " + req->level() + " (was " + *was + ")");
    log::get("api")->info("log level {} set by {}", resp->result(), callers_.of(*ctx).describe());
    return finish(ctx, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ShowBmp(grpc::CallbackServerContext* ctx, const pb::ShowBmpRequest*,
                                    pb::ShowBmpResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, resp] {
      fill(backend_.bmp(), *resp);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* ReloadConfig(grpc::CallbackServerContext* ctx,
                                         const pb::ReloadConfigRequest* req,
                                         pb::ReloadConfigResponse* resp) override {
    if (auto refused = refusal(ctx, __func__)) return finish(ctx, *refused);
    return answer_on_main(ctx, [this, resp, confirm = req->confirm_seconds()] {
      auto r = control_.reload_config(confirm);
      if (!r) return status(r.error());
      for (const auto& c : *r) resp->add_changes(c);
      return grpc::Status::OK;
    });
  }

 private:
  // Why the caller may not make this call, if it may not; logged, since a
  // refusal is what an operator needs to see when a script stops working.
  std::optional<grpc::Status> refusal(grpc::CallbackServerContext* ctx, std::string_view rpc) {
    const Caller caller = callers_.of(*ctx);
    const Role has = rules_.role_of(caller), needs = required_role(rpc);
    if (allows(has, needs)) return std::nullopt;
    log::get("api")->warn("refused {} to {}: it needs the {} role, the caller has {}", rpc,
                          caller.describe(), to_string(needs), to_string(has));
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        std::string(rpc) + " needs the " + to_string(needs) +
                            " role (docs/security.md says how to grant it)");
  }

  // A route listing, as Routes or RoutePages (Msg): the caller's role and
  // the request's community and prefixes checked, then, on the main loop,
  // `open(query)` gives its pages or the status that refuses it.
  using Opened = std::expected<std::unique_ptr<RoutePages>, grpc::Status>;
  template <class Msg, class Req>
  grpc::ServerWriteReactor<Msg>* route_listing(
      grpc::CallbackServerContext* ctx, std::string_view rpc, const Req& req,
      std::function<Opened(const rib::PrefixQuery&)> open) {
    if (auto refused = refusal(ctx, rpc)) return new Refused<Msg>(*refused);
    auto filter = community_filter(req.community());
    if (!filter) return new Refused<Msg>(invalid(filter.error()));
    return new PagedWriter<Msg>(
        main_,
        [filter = *filter, open = std::move(open),
         requested = requested_prefixes(req.prefix(), req.longer_prefixes(),
                                        req.longest_match())]() -> Listing<Msg> {
          if (!requested) return std::unexpected(invalid(requested.error()));
          auto pages = open(*requested);
          if (!pages) return std::unexpected(pages.error());
          return route_pages<Msg>(std::move(*pages), filter);
        });
  }
  // The RIB by prefix.
  std::function<Opened(const rib::PrefixQuery&)> rib_pages() {
    return [this](const rib::PrefixQuery& query) -> Opened { return backend_.routes(query); };
  }
  // A neighbour's Adj-RIB-In or Adj-RIB-Out.
  std::function<Opened(const rib::PrefixQuery&)> adj_rib_pages(const pb::ShowAdjRibRequest& req) {
    return [this, neighbor = req.neighbor(),
            out = req.direction() ==
                  pb::ShowAdjRibRequest::DIRECTION_OUT](const rib::PrefixQuery& query) -> Opened {
      auto pages = backend_.adj_rib(neighbor, out, query);
      if (!pages) return std::unexpected(status(pages.error()));
      return std::move(*pages);
    };
  }

  static grpc::Status invalid(const std::string& why) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, why);
  }

  static grpc::ServerUnaryReactor* finish(grpc::CallbackServerContext* ctx,
                                          const grpc::Status& status) {
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  // Runs `work` (which fills the response from the backend, or says why
  // it cannot) on the main loop, and finishes the call with its status.
  template <class Work>
  grpc::ServerUnaryReactor* answer_on_main(grpc::CallbackServerContext* ctx, Work work) {
    auto* reactor = ctx->DefaultReactor();
    asio::post(main_, [reactor, work] { reactor->Finish(work()); });
    return reactor;
  }

  // Runs `action` on the main loop; its text goes into `resp->result`.
  template <class Resp, class Action>
  grpc::ServerUnaryReactor* on_main(grpc::CallbackServerContext* ctx, Resp* resp, Action action) {
    return answer_on_main(ctx, [resp, action] {
      auto r = action();
      if (!r) return status(r.error());
      resp->set_result(*r);
      return grpc::Status::OK;
    });
  }

  asio::io_context& main_;
  const Backend& backend_;
  Control& control_;
  EventBus& events_;
  CallerRegistry callers_;
  AccessRules rules_;
  SummaryAnswers summaries_{main_, backend_};
};

}  // namespace

std::unique_ptr<Service> make_service(asio::io_context& main, const Backend& backend,
                                      Control& control, EventBus& events) {
  return std::make_unique<Handlers>(main, backend, control, events);
}

}  // namespace closbgp::api
