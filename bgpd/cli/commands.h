// closctl's commands that talk to the daemon. Each returns the process exit
// code: 0 ok, 1 error from the daemon, 2 usage, 3 cannot connect.
#pragma once

#include <string>
#include <vector>

#include "bgpd/cli/route_selection.h"

namespace closbgp::cli {

inline constexpr int kExitOk = 0, kExitDaemonError = 1, kExitUsage = 2, kExitNoConnection = 3;

struct ClientOptions {
  // The daemon's default socket (grpc.listen), or HOST:PORT.
  std::string server = "unix:/run/closbgpd/closbgpd.sock";
  bool json = false;
  int timeout_ms = 5000;
  // TLS, when `tls_ca` is set: the CA that signed the daemon's certificate;
  // for mutual TLS our certificate and key; the name to expect in the
  // daemon's certificate when it is not the server address's host.
  std::string tls_ca, tls_cert, tls_key, tls_server_name;
};

int cmd_version(const ClientOptions& opts);
int cmd_show_bgp_summary(const ClientOptions& opts);
// The RIB by prefix, each prefix's paths together.
int cmd_show_bgp_routes(const ClientOptions& opts, const RouteSelection& selection);
// One prefix (or the longest holding an address) in detail.
int cmd_show_bgp_route(const ClientOptions& opts, const RouteSelection& selection);
// A neighbour's Adj-RIB-In (received, before policy) or, with `out`, Adj-RIB-Out.
int cmd_show_adj_rib(const ClientOptions& opts, const std::string& neighbor, bool out,
                     const RouteSelection& selection);
// `path` empty: the daemon's running configuration file.
int cmd_config_validate(const ClientOptions& opts, const std::string& path);
// `confirm_seconds` not 0: rolled back unless `config confirm` comes in time.
int cmd_config_reload(const ClientOptions& opts, uint32_t confirm_seconds);
int cmd_config_confirm(const ClientOptions& opts);
// The Loc-RIB as an MRT TABLE_DUMP_V2 file, written by closctl.
// `table`: "ipv4-unicast" or "ipv6-unicast" only; empty: both.
int cmd_dump_rib(const ClientOptions& opts, const std::string& path, const std::string& table);
// The configuration the daemon runs, as YAML without secrets.
int cmd_show_running_config(const ClientOptions& opts);
// The BMP collectors and their connections.
int cmd_show_bmp(const ClientOptions& opts);
int cmd_show_bgp_nexthop(const ClientOptions& opts);
int cmd_show_bgp_evpn_routes(const ClientOptions& opts, const EvpnSelection& selection);
// show evpn vni [V] | mac vni V | arp-cache vni V.
int cmd_show_evpn(const ClientOptions& opts, EvpnVniPart part, uint32_t vni);
int cmd_clear_evpn_dup_addr(const ClientOptions& opts, const DupAddrSelection& selection);
// A module's log level ("all": every module's) at run time.
int cmd_debug(const ClientOptions& opts, const std::string& module, const std::string& level);
// state "live", "drained" or "warm"; `neighbor` empty: the node.
int cmd_set_drain(const ClientOptions& opts, const std::string& state, const std::string& neighbor);
// route add PREFIX [community C,C...] [large-community L,...] [med N] | route del PREFIX
int cmd_route(const ClientOptions& opts, const std::vector<std::string>& args);
// What the kernel holds of ours against what the RIB wants.
int cmd_show_fib(const ClientOptions& opts, const std::string& prefix);
// One neighbour in detail; `show bgp neighbors` without a name lists the summary.
int cmd_show_bgp_neighbor(const ClientOptions& opts, const std::string& name);
// `soft` empty: hard reset; "in", "out" or "both".
int cmd_neighbor_reset(const ClientOptions& opts, const std::string& name, const std::string& soft);
// Streams events (of these kinds: peer, bfd, route, fib; none: all) until interrupted.
int cmd_watch(const ClientOptions& opts, const std::vector<std::string>& kinds);
// neighbor shutdown N [MESSAGE] | neighbor enable N
int cmd_neighbor_enable(const ClientOptions& opts, const std::string& name, bool enable,
                        const std::string& message);

}  // namespace closbgp::cli
