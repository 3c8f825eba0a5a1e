// The validated configuration: plain data, produced whole by load_config()
// before anything starts (DESIGN.md principle 9).
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/wire/ip.h"
#include "policy/policies.h"

namespace closbgp::config {

struct Timers {  // seconds; data-center defaults (RFC 7938 practice)
  uint16_t keepalive = 3;
  uint16_t hold = 9;
  uint16_t connect_retry = 10;
  friend bool operator==(const Timers&, const Timers&) = default;
};

struct Bfd {  // RFC 5880 timers: desired TX = required RX = interval
  uint32_t interval_ms = 300;
  uint8_t multiplier = 3;
  bool strict = false;  // BGP may come up only while BFD is Up
  friend bool operator==(const Bfd&, const Bfd&) = default;
};

struct RemoteAs {
  enum class Kind { External, Internal, Number } kind = Kind::External;
  uint32_t asn = 0;               // with Kind::Number
  std::string to_string() const;  // "external", "internal", "65100"
  friend bool operator==(const RemoteAs&, const RemoteAs&) = default;
};

// What a neighbour may send: prefixes received (before policy) beyond the
// limit end the session (RFC 4486 Cease / Maximum Number of Prefixes
// Reached) or only warn; a warning is logged at `warning_percent`.
struct MaxPrefix {
  uint32_t limit = 0;  // 0: no limit
  enum class Action { Warn, Restart, Idle } action = Action::Restart;
  uint32_t restart_after = 60;  // seconds, with Action::Restart
  uint8_t warning_percent = 75;
  friend bool operator==(const MaxPrefix&, const MaxPrefix&) = default;
};
std::string_view action_name(MaxPrefix::Action a);  // "warn", "restart", "idle"

// How many prefixes a neighbour is expected to send, per family: its
// tables get room for them when its session comes up (a full table then
// arrives without the tables growing in steps). 0: no hint (its last
// session's size, if it had one, serves).
struct ExpectedRoutes {
  uint32_t ipv4 = 0, ipv6 = 0;
  friend bool operator==(const ExpectedRoutes&, const ExpectedRoutes&) = default;
};
inline constexpr uint32_t kMaxExpectedRoutes = 16'777'216;

// Path attributes an operator chooses to drop from a neighbour's UPDATEs, or
// whose presence withdraws the route (RFC 7606 sec. 2 actions applied by
// type code, before the attribute is parsed: the defence against a
// malformed attribute spreading through the Internet, as in 2023).
struct PathAttributeFilter {
  std::vector<uint8_t> discard, treat_as_withdraw;  // type codes, sorted
  friend bool operator==(const PathAttributeFilter&, const PathAttributeFilter&) = default;
};

// Add-path (RFC 7911), IPv4 and IPv6 unicast: whether we take several
// paths per prefix from the neighbour, and which paths we send it (its
// ECMP set, its best N, all; Off: the best, as without add-path). Each is
// offered in the OPEN and used where the neighbour offers the other side.
struct AddPath {
  bool receive = false;
  enum class Send { Off, All, Best, Ecmp } send = Send::Off;
  uint8_t best = 0;  // Send::Best: how many
  friend bool operator==(const AddPath&, const AddPath&) = default;
};
// "all", "ecmp", "best-N"; "false" for Off.
std::string send_name(const AddPath& a);

// What show running-config writes for an inline password; a configuration
// that gives it as a password is refused (it was copied from that output).
inline constexpr std::string_view kHiddenSecret = "<hidden>";

// Exactly one of interface, address and listen_range is set.
struct Neighbor {
  std::string interface;                     // unnumbered: "swp1", or a pattern "swp*"
  std::optional<wire::IpAddress> address;    // numbered peer
  std::optional<wire::Prefix> listen_range;  // dynamic neighbours from this range
  // listen-range: a dynamic neighbour whose session stays down this long
  // (seconds) is removed; 0: kept until a reload or restart.
  uint32_t expire_after = 300;
  RemoteAs remote_as;
  std::string description;       // the operator's words: "spine1 Eth1/1"
  std::optional<Timers> timers;  // its own; unset: the top level's
  bool ttl_security = false;     // RFC 5082: accept only packets with TTL 255
  // Numbered neighbours: an address, or an interface (a loopback) whose
  // address connections start from; empty: the kernel's choice.
  std::string update_source;
  uint8_t ebgp_multihop = 0;                // eBGP: the TTL we send (0: 255, RFC 5082's)
  std::optional<Bfd> bfd;                   // set: BFD on with these timers
  std::string route_map_in, route_map_out;  // names in Config::policies; empty: none
  uint8_t allowas_in = 0;          // accept paths with our AS this many times (ASNs reused per pod)
  bool default_originate = false;  // send it a default route (border leaves)
  // iBGP only: we reflect its routes to our other iBGP neighbours and
  // theirs to it (RFC 4456).
  bool route_reflector_client = false;
  // Our next hop on the routes we reflect to it (PeerPolicy::next_hop_self).
  bool next_hop_self = false;
  // L2VPN EVPN negotiated besides IPv4 and IPv6 unicast (docs/evpn.md),
  // with route-maps of its own for EVPN routes (names; empty: none).
  bool evpn = false;
  std::string evpn_route_map_in, evpn_route_map_out;
  // Sender-side loop detection (PeerPolicy::sender_loop_check).
  bool sender_loop_check = true;
  enum class RemovePrivateAs { Off, IfOnlyPrivate, All } remove_private_as = RemovePrivateAs::Off;
  MaxPrefix max_prefix;
  // Its EVPN routes (as the EVPN table holds them, after evpn route-map-in).
  MaxPrefix evpn_max_prefix;
  ExpectedRoutes expected_routes;
  AddPath add_path;
  PathAttributeFilter path_attribute;
  std::string password;       // TCP MD5 signature (RFC 2385); empty: none
  std::string password_file;  // where `password` was read; empty: written inline
  int line = 0;               // where it was configured, for messages
  std::string name() const;   // what logs call it: interface, address or range
  friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

struct Fib {
  bool enabled = true;
  uint32_t table = 254;  // main
  uint32_t metric = 20;
  uint8_t protocol = 186;  // "bgp", as FRR's zebra
  // Resilient nexthop groups: a member lost moves only its own flows.
  bool resilient = false;
  // Nexthop objects and groups (true) or routes that carry their next hops
  // (false, RTA_MULTIPATH); unset ("auto"): objects where the kernel has them.
  std::optional<bool> nexthop_objects;
  // A route is advertised to peers only once the kernel holds it (FRR's
  // suppress-fib-pending): peers never draw traffic we cannot forward yet.
  bool advertise_after_install = false;
  // Routes stay in the kernel when the daemon exits (forwarding goes on).
  bool retain_on_exit = true;
  // Put back what someone else changes of ours in the kernel: at once (the
  // kernel's notifications) and every `audit_interval` seconds (0: only at
  // once). `repair: false` leaves the kernel alone (an operator at work).
  bool repair = true;
  uint32_t audit_interval = 60;
  friend bool operator==(const Fib&, const Fib&) = default;
};

// The management API. By default a Unix socket that only root, the
// daemon's user and members of `group` may connect to (docs/security.md).
struct Grpc {
  // "unix:PATH" or "HOST:PORT" (TCP: TLS, or `insecure` written explicitly).
  std::string listen = "unix:/run/closbgpd/closbgpd.sock";
  // Unix socket: its group (members may connect and read), and the groups
  // whose members may also write. Root and the daemon's own user may write.
  std::string group = "closbgp";
  std::vector<std::string> write_groups;
  bool insecure = false;
  // TLS: the server's certificate chain and key (PEM files); with
  // `tls_client_ca`, mutual TLS: clients must present a certificate it signed.
  std::string tls_cert, tls_key, tls_client_ca;
  // Mutual TLS roles: certificate names (subject, common name or a SAN)
  // that may read, and that may also write. Both empty: every certificate
  // the CA signed may write.
  std::vector<std::string> tls_read, tls_write;
  friend bool operator==(const Grpc&, const Grpc&) = default;
};

// An originated prefix, optionally through a route-map (to set communities).
struct Network {
  wire::Prefix prefix;
  std::string route_map;
  friend bool operator==(const Network&, const Network&) = default;
};

// A summary prefix originated while a more-specific exists (see rib/aggregation.h).
struct Aggregate {
  wire::Prefix prefix;
  bool summary_only = false;  // advertise only the summary
  bool as_set = false;        // AS_SET of the contributors' ASes instead of ATOMIC_AGGREGATE
  std::string route_map;
  bool discard = true;  // a blackhole route in the kernel while active
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

// Prefixes originated from elsewhere than the config file.
struct Redistribute {
  bool connected = false;  // the prefixes of this node's up interfaces
  std::string connected_route_map;
  friend bool operator==(const Redistribute&, const Redistribute&) = default;
};

struct Drain {
  uint8_t prepend = 2;    // extra copies of our AS on routes sent while drained
  uint32_t warm_up = 60;  // at most this many seconds WARM after start; 0: start LIVE
  friend bool operator==(const Drain&, const Drain&) = default;
};

// RFC 4724 with RFC 8538's N bit, for planned restarts (docs/sessions.md).
struct GracefulRestart {
  bool enabled = true;
  uint16_t restart_time = 120;  // what we ask helpers to wait for us (12 bits)
  uint32_t stale_time = 360;    // how long a restarted peer's old paths may wait for its End-of-RIB
  // RFC 9494: how long helpers may keep our paths, least preferred, after
  // the restart time (24 bits); 0: long-lived graceful restart not offered.
  uint32_t long_lived_stale_time = 0;
  // Which losses of a session keep the neighbour's paths, stale: only a
  // restart it announced (Planned), or also a TCP loss or hold expiry of a
  // neighbour that keeps its forwarding (Always: RFC 4724's helper, FRR's).
  enum class Helper { Planned, Always } helper = Helper::Planned;
  friend bool operator==(const GracefulRestart&, const GracefulRestart&) = default;
};

struct Multipath {  // ECMP; relax: paths from different neighbour ASes (RFC 7938)
  uint32_t max_paths = 64;
  bool as_path_relax = true;
  friend bool operator==(const Multipath&, const Multipath&) = default;
};

struct Metrics {
  std::string listen;  // "127.0.0.1:9179"; empty: no metrics endpoint
  friend bool operator==(const Metrics&, const Metrics&) = default;
};

// Log levels: every module's, and some modules' own (bgpd/log/log.h names
// the modules). `closbgpd --log-level` overrides `level` at start;
// `closctl debug` changes levels until the next reload that changes these.
struct Logging {
  std::string level = "info";
  std::map<std::string, std::string> modules;  // module -> level
  friend bool operator==(const Logging&, const Logging&) = default;
};

// BMP (RFC 7854): the monitoring stations this node mirrors its sessions
// and routes to, and which views of the routes they get.
struct BmpCollector {
  std::string name;  // default: "ADDRESS:PORT"
  wire::IpAddress address;
  uint16_t port = 1790;
  friend bool operator==(const BmpCollector&, const BmpCollector&) = default;
};
struct Bmp {
  std::vector<BmpCollector> collectors;
  // route-monitoring: the Adj-RIB-In as received, after import policy, the Loc-RIB.
  bool pre_policy = true, post_policy = true, loc_rib = true;
  uint32_t statistics_interval = 60;  // seconds; 0: no Statistics Reports
  // What may wait for one collector to read; beyond it the collector is
  // disconnected and sent everything again when it is back.
  uint32_t buffer_kib = 16384;
  friend bool operator==(const Bmp&, const Bmp&) = default;
};

// MRT files (RFC 6396) the daemon writes: every received UPDATE
// (BGP4MP), a new file every rotate-interval; the Loc-RIB (TABLE_DUMP_V2)
// every interval. `file` is a strftime pattern (UTC); a relative one is
// under $LOGS_DIRECTORY (systemd's LogsDirectory), else beside the config.
struct MrtFeed {
  std::string file;
  uint32_t interval = 0;  // seconds
  bool sent = false;      // updates: what we send too (BGP4MP_MESSAGE_AS4_LOCAL)
  friend bool operator==(const MrtFeed&, const MrtFeed&) = default;
};
struct Mrt {
  std::optional<MrtFeed> updates, rib;
  friend bool operator==(const Mrt&, const Mrt&) = default;
};

// A leaf's EVPN (docs/evpn.md): VNIs found in the kernel's VXLAN devices
// are advertised and imported; a VNI listed here gets its route target
// (imported and exported) instead of the automatic AS:VNI.
struct EvpnVni {
  uint32_t vni = 0;
  uint64_t route_target = 0;  // 0: automatic
  friend bool operator==(const EvpnVni&, const EvpnVni&) = default;
};
// A routed tenant (symmetric IRB): its L3 VNI and which of its subnets go
// out as type-5 routes. "default" is the main routing table.
struct EvpnVrf {
  std::string name;
  uint32_t vni = 0;
  uint64_t route_target = 0;  // 0: automatic
  bool ipv4 = true, ipv6 = true;
  std::string route_map{};  // what of the subnets goes out as type 5, and how; empty: all
  friend bool operator==(const EvpnVrf&, const EvpnVrf&) = default;
};
// Duplicate MAC detection (FRR's `dup-addr-detection`): `max_moves` moves
// within `time` seconds freeze a MAC for `freeze` seconds (0: until an
// operator clears it, FRR's `freeze permanent`).
struct EvpnDuplicates {
  bool enabled = true;
  uint32_t max_moves = 5;
  uint32_t time = 180;
  uint32_t freeze = 180;
  friend bool operator==(const EvpnDuplicates&, const EvpnDuplicates&) = default;
};
struct Evpn {
  bool advertise_all_vni = false;
  // The SVIs' own MAC/IP bindings as type 2 (FRR's names): with the
  // Default Gateway community, or as plain hosts; at most one of them.
  bool advertise_default_gw = false, advertise_svi_ip = false;
  EvpnDuplicates duplicates;
  std::vector<EvpnVni> vnis;
  std::vector<EvpnVrf> vrfs;
  friend bool operator==(const Evpn&, const Evpn&) = default;
};

struct Config {
  std::string source;  // file it came from
  uint32_t asn = 0;
  wire::IpAddress router_id;
  // Route reflection's cluster id (RFC 4456); unset: the router-id.
  std::optional<wire::IpAddress> cluster_id;
  Timers timers;
  Bfd bfd;  // defaults for neighbours; on by default for interface neighbours
  std::vector<Neighbor> neighbors;
  std::vector<Network> networks;
  std::vector<Aggregate> aggregates;
  Redistribute redistribute;
  Drain drain;
  GracefulRestart graceful_restart;
  // Default: the config file's path + ".state"; for a config under /etc,
  // /var/lib/closbgpd/NAME.state (systemd's StateDirectory).
  std::string state_file;
  Multipath multipath;
  bool always_compare_med = false;
  // RFC 8212: an eBGP neighbour without route-map-in / route-map-out
  // receives and accepts nothing. Off by default: a fabric session
  // accepts and advertises everything.
  bool ebgp_requires_policy = false;
  policy::Policies policies;
  // The policy sections (prefix-lists ... route-maps) as they were loaded,
  // YAML: what `show running-config` shows of them.
  std::string policy_yaml;
  Fib fib;
  Grpc grpc;
  Metrics metrics;
  Logging logging;
  Bmp bmp;
  Mrt mrt;
  Evpn evpn;
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when not tied to a line
  std::string key;
  std::string message;
  std::string to_string() const;  // "leaf.yaml:7: neighbors[0].remote-as: ..."
};

std::expected<Config, ConfigError> load_config_file(const std::string& path);
// Whether parsing opens the files a configuration names (TLS certificates,
// password files): the daemon's own file, yes; a text a client sent, never
// (that would read files, or tell whether they exist, on its behalf).
enum class Files { Open, Leave };
// `source` names the text in errors.
std::expected<Config, ConfigError> parse_config(const std::string& text, const std::string& source,
                                                Files files = Files::Open);
// "leaf.yaml: valid (AS 65101, router-id 10.0.0.11, 2 neighbors)"
std::string summary(const Config& c);

}  // namespace closbgp::config
