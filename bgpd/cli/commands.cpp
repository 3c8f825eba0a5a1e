#include "bgpd/cli/commands.h"

#include "bgpd/cli/daemon_client.h"
#include "bgpd/cli/proto_json.h"
#include "bgpd/cli/text_views.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "bgpd/version.h"

namespace closbgp::cli {
namespace {

// MRT records into a file, as they arrive.
class MrtFile final : public Listing<pb::MrtChunk> {
 public:
  explicit MrtFile(std::ofstream& out) : out_(out) {}
  void row(const pb::MrtChunk& c) override {
    out_.write(c.data().data(), std::streamsize(c.data().size()));
    bytes_ += c.data().size();
  }
  void finish() override { out_.flush(); }
  size_t bytes() const { return bytes_; }

 private:
  std::ofstream& out_;
  size_t bytes_ = 0;
};

}  // namespace

// The client's own version first: it is known even when the daemon is not.
int cmd_version(const ClientOptions& opts) {
  if (!opts.json) std::cout << "closctl  " << kVersion << " (" << kGitCommit << ")\n" << std::flush;
  return unary<pb::GetVersionRequest, pb::GetVersionResponse>(
      opts, &pb::BgpService::Stub::GetVersion, {}, [&](const auto& resp) {
        std::cout << "closbgpd " << resp.version() << " (" << resp.git_commit() << ") at "
                  << opts.server << "\n";
      });
}

int cmd_show_bgp_summary(const ClientOptions& opts) {
  return unary<pb::ShowBgpSummaryRequest, pb::ShowBgpSummaryResponse>(
      opts, &pb::BgpService::Stub::ShowBgpSummary, {},
      [](const auto& resp) { print_summary(resp); });
}

int cmd_show_bgp_routes(const ClientOptions& opts, const RouteSelection& selection) {
  pb::ShowRoutesRequest req;
  req.set_prefix(selection.prefix);
  req.set_longer_prefixes(selection.longer);
  req.set_longest_match(selection.longest);
  req.set_community(selection.community);
  RouteTable table(true);
  return print_routes(opts, &pb::BgpService::Stub::ShowRoutePages,
                      &pb::BgpService::Stub::ShowRoutes, req, table);
}

int cmd_show_bgp_route(const ClientOptions& opts, const RouteSelection& selection) {
  pb::ShowRouteRequest req;
  req.set_prefix(selection.prefix);
  req.set_longest_match(selection.longest);
  return unary<pb::ShowRouteRequest, pb::RouteDetail>(opts, &pb::BgpService::Stub::ShowRoute, req,
                                                      print_route_detail);
}

int cmd_show_adj_rib(const ClientOptions& opts, const std::string& neighbor, bool out,
                     const RouteSelection& selection) {
  pb::ShowAdjRibRequest req;
  req.set_neighbor(neighbor);
  req.set_direction(out ? pb::ShowAdjRibRequest::DIRECTION_OUT
                        : pb::ShowAdjRibRequest::DIRECTION_IN);
  req.set_prefix(selection.prefix);
  req.set_longer_prefixes(selection.longer);
  req.set_longest_match(selection.longest);
  req.set_community(selection.community);
  RouteTable table(!out);  // what we send has no best or ECMP flags
  return print_routes(opts, &pb::BgpService::Stub::ShowAdjRibPages,
                      &pb::BgpService::Stub::ShowAdjRib, req, table);
}

// The daemon checks the text; it reads no file on a client's behalf.
int cmd_config_validate(const ClientOptions& opts, const std::string& path) {
  pb::ValidateConfigRequest req;
  if (!path.empty()) {
    req.set_text(read_file(path));
    req.set_name(path);
  }
  return unary<pb::ValidateConfigRequest, pb::ValidateConfigResponse>(
      opts, &pb::BgpService::Stub::ValidateConfig, req,
      [](const auto& resp) { std::cout << resp.summary() << "\n"; });
}

int cmd_config_reload(const ClientOptions& opts, uint32_t confirm_seconds) {
  pb::ReloadConfigRequest req;
  req.set_confirm_seconds(confirm_seconds);
  return unary<pb::ReloadConfigRequest, pb::ReloadConfigResponse>(
      opts, &pb::BgpService::Stub::ReloadConfig, req, [](const auto& resp) {
        for (const auto& c : resp.changes()) std::cout << c << "\n";
      });
}

int cmd_config_confirm(const ClientOptions& opts) {
  return unary<pb::ConfirmConfigRequest, pb::ConfirmConfigResponse>(
      opts, &pb::BgpService::Stub::ConfirmConfig, {},
      [](const auto& resp) { std::cout << resp.result() << "\n"; });
}

int cmd_dump_rib(const ClientOptions& opts, const std::string& path, const std::string& table) {
  // Written with the caller's rights, where the caller says: never by the daemon.
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    std::cerr << "closctl: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return kExitUsage;
  }
  MrtFile out(file);
  pb::DumpRibRequest req;
  req.set_table(table);
  const int rc = stream(opts, &pb::BgpService::Stub::DumpRib, req, out);
  if (rc == kExitOk && (!file || out.bytes() == 0)) {
    std::cerr << "closctl: writing " << path << " failed\n";
    return kExitUsage;
  }
  if (rc == kExitOk)
    std::cout << path << ": " << out.bytes() << " bytes of MRT TABLE_DUMP_V2 (bgpdump -m " << path
              << " reads it)\n";
  return rc;
}

int cmd_show_running_config(const ClientOptions& opts) {
  return unary<pb::ShowRunningConfigRequest, pb::ShowRunningConfigResponse>(
      opts, &pb::BgpService::Stub::ShowRunningConfig, {}, [](const auto& resp) {
        std::cout << "# running configuration, from " << resp.source()
                  << " (defaults written out, secrets hidden)\n"
                  << resp.yaml();
      });
}

int cmd_show_bmp(const ClientOptions& opts) {
  return unary<pb::ShowBmpRequest, pb::ShowBmpResponse>(opts, &pb::BgpService::Stub::ShowBmp, {},
                                                        [](const auto& resp) { print_bmp(resp); });
}

int cmd_show_bgp_nexthop(const ClientOptions& opts) {
  return unary<pb::ShowNextHopsRequest, pb::ShowNextHopsResponse>(
      opts, &pb::BgpService::Stub::ShowNextHops, {},
      [](const auto& resp) { print_next_hops(resp); });
}

int cmd_show_bgp_evpn_routes(const ClientOptions& opts, const EvpnSelection& selection) {
  pb::ShowEvpnRoutesRequest req;
  req.set_type(selection.type);
  req.set_vni(selection.vni);
  req.set_rd(selection.rd);
  return unary<pb::ShowEvpnRoutesRequest, pb::ShowEvpnRoutesResponse>(
      opts, &pb::BgpService::Stub::ShowEvpnRoutes, req,
      [](const auto& resp) { print_evpn_routes(resp); });
}

int cmd_show_evpn(const ClientOptions& opts, EvpnVniPart part, uint32_t vni) {
  pb::ShowEvpnVnisRequest req;
  req.set_vni(vni);
  return unary<pb::ShowEvpnVnisRequest, pb::ShowEvpnVnisResponse>(
      opts, &pb::BgpService::Stub::ShowEvpnVnis, req,
      [part](const auto& resp) { print_evpn_vnis(resp, part); });
}

int cmd_clear_evpn_dup_addr(const ClientOptions& opts, const DupAddrSelection& selection) {
  pb::ClearEvpnDuplicatesRequest req;
  req.set_vni(selection.vni);
  req.set_mac(selection.mac);
  return unary<pb::ClearEvpnDuplicatesRequest, pb::ClearEvpnDuplicatesResponse>(
      opts, &pb::BgpService::Stub::ClearEvpnDuplicates, req,
      [](const auto& resp) { std::cout << resp.result() << "\n"; });
}

int cmd_debug(const ClientOptions& opts, const std::string& module, const std::string& level) {
  pb::SetLogLevelRequest req;
  req.set_module(module);
  req.set_level(level);
  return unary<pb::SetLogLevelRequest, pb::SetLogLevelResponse>(
      opts, &pb::BgpService::Stub::SetLogLevel, req,
      [](const auto& resp) { std::cout << resp.result() << "\n"; });
}

int cmd_set_drain(const ClientOptions& opts, const std::string& state,
                  const std::string& neighbor) {
  pb::SetDrainStateRequest req;
  req.set_state(state);
  req.set_neighbor(neighbor);
  return unary<pb::SetDrainStateRequest, pb::SetDrainStateResponse>(
      opts, &pb::BgpService::Stub::SetDrainState, req,
      [](const auto& resp) { std::cout << resp.result() << "\n"; });
}

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    const size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

int cmd_route(const ClientOptions& opts, const std::vector<std::string>& args) {
  auto print = [](const pb::RouteChangeResponse& resp) { std::cout << resp.result() << "\n"; };
  if (args.size() == 2 && (args[0] == "del" || args[0] == "delete")) {
    pb::DeleteRouteRequest req;
    req.set_prefix(args[1]);
    return unary<pb::DeleteRouteRequest, pb::RouteChangeResponse>(
        opts, &pb::BgpService::Stub::DeleteRoute, req, print);
  }
  if (args.size() < 2 || args[0] != "add" || args.size() % 2 != 0) {
    std::cerr << "closctl: usage: route add PREFIX [community C,...] [large-community L,...] "
                 "[med N] | route del PREFIX\n";
    return kExitUsage;
  }
  pb::AddRouteRequest req;
  req.set_prefix(args[1]);
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    const auto& key = args[i];
    const auto& value = args[i + 1];
    if (key == "community") {
      for (const auto& c : split_commas(value)) req.add_communities(c);
    } else if (key == "large-community") {
      for (const auto& c : split_commas(value)) req.add_large_communities(c);
    } else if (key == "med") {
      try {
        req.set_med(uint32_t(std::stoul(value)));
      } catch (...) {
        std::cerr << "closctl: med needs a number\n";
        return kExitUsage;
      }
    } else {
      std::cerr << "closctl: route add: unknown '" << key << "'\n";
      return kExitUsage;
    }
  }
  return unary<pb::AddRouteRequest, pb::RouteChangeResponse>(opts, &pb::BgpService::Stub::AddRoute,
                                                             req, print);
}

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void print_result(const pb::NeighborActionResponse& resp) {
  std::cout << resp.result() << "\n";
}

}  // namespace

int cmd_show_fib(const ClientOptions& opts, const std::string& prefix) {
  pb::ShowFibRequest req;
  req.set_prefix(prefix);
  FibTable table;
  return print_listing(opts, &pb::BgpService::Stub::ShowFib, req, table);
}

int cmd_show_bgp_neighbor(const ClientOptions& opts, const std::string& name) {
  pb::ShowNeighborRequest req;
  req.set_neighbor(name);
  return unary<pb::ShowNeighborRequest, pb::PeerSummary>(
      opts, &pb::BgpService::Stub::ShowNeighbor, req,
      [&](const pb::PeerSummary& p) { print_neighbor(name, p); });
}

int cmd_neighbor_reset(const ClientOptions& opts, const std::string& name,
                       const std::string& soft) {
  pb::ResetNeighborRequest req;
  req.set_neighbor(name);
  req.set_soft(soft);
  return unary<pb::ResetNeighborRequest, pb::NeighborActionResponse>(
      opts, &pb::BgpService::Stub::ResetNeighbor, req, print_result);
}

int cmd_neighbor_enable(const ClientOptions& opts, const std::string& name, bool enable,
                        const std::string& message) {
  if (enable) {
    pb::EnableNeighborRequest req;
    req.set_neighbor(name);
    return unary<pb::EnableNeighborRequest, pb::NeighborActionResponse>(
        opts, &pb::BgpService::Stub::EnableNeighbor, req, print_result);
  }
  pb::ShutdownNeighborRequest req;
  req.set_neighbor(name);
  req.set_message(message);
  return unary<pb::ShutdownNeighborRequest, pb::NeighborActionResponse>(
      opts, &pb::BgpService::Stub::ShutdownNeighbor, req, print_result);
}

int cmd_watch(const ClientOptions& opts, const std::vector<std::string>& kinds) {
  pb::WatchEventsRequest req;
  for (const auto& k : kinds) {
    pb::EventKind kind;
    if (!pb::EventKind_Parse("EVENT_KIND_" + upper(k), &kind) ||
        kind == pb::EVENT_KIND_UNSPECIFIED) {
      std::cerr << "closctl: watch: '" << k << "' is not peer, bfd, route or fib\n";
      return kExitUsage;
    }
    req.add_kinds(kind);
  }
  auto stub = connect(opts);
  grpc::ClientContext ctx;  // no deadline: until the daemon goes or we are interrupted
  auto reader = stub->WatchEvents(&ctx, req);
  for (pb::Event e; reader->Read(&e);) {
    if (opts.json) {
      std::cout << to_json(e) << std::endl;
      continue;
    }
    const std::string kind = pb::EventKind_Name(e.kind()).substr(std::string("EVENT_KIND_").size());
    const std::string what = e.neighbor().empty() ? e.prefix()
                             : e.description().empty()
                                 ? e.neighbor()
                                 : e.neighbor() + " (" + e.description() + ")";
    std::cout << e.time() << " " << lower(kind) << " " << what << (what.empty() ? "" : " ")
              << e.state() << (e.detail().empty() ? "" : ": " + e.detail()) << std::endl;
  }
  const auto status = reader->Finish();
  return status.ok() ? kExitOk : report(status, opts);
}

}  // namespace closbgp::cli
