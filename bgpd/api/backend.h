// What the API shows, as plain data: the gRPC layer converts it to protobuf,
// so nothing outside bgpd/api includes gRPC. Read on the main loop only.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/mrt/rib_dump.h"
#include "rib/prefix_query.h"

namespace closbgp::api {

enum class PeerState { Idle, Connect, Active, OpenSent, OpenConfirm, Established };

struct PeerView {
  std::string interface;
  std::string description;  // the configured neighbour's
  std::string address;
  std::string remote_as_config;
  uint32_t remote_as = 0;
  PeerState state = PeerState::Idle;
  uint64_t uptime_seconds = 0;
  uint64_t messages_received = 0, messages_sent = 0;
  uint64_t prefixes_received = 0, prefixes_accepted = 0, prefixes_sent = 0;
  struct FamilyPrefixes {
    std::string family;  // "ipv4-unicast"
    uint64_t received = 0, accepted = 0, sent = 0;
  };
  std::vector<FamilyPrefixes> families;  // the same counts per address family
  std::string last_error;
  std::string peer_router_id;
  uint32_t hold_time = 0;
  std::string peer_hostname;
  std::string bfd_state;      // "up", "down", "init", "admin-down"; empty without BFD
  bool bfd_multihop = false;  // RFC 5883
  uint64_t bfd_packets_received = 0, bfd_packets_sent = 0, bfd_packets_dropped = 0;
  uint64_t bfd_flaps = 0;       // Up -> Down transitions
  std::string drain_state;      // what the neighbour is sent as: "live", "drained", "warm"
  uint64_t rfc7606_events = 0;  // UPDATEs with attribute errors the session survived
  uint64_t transitions = 0;     // into and out of Established
  std::vector<std::string> capabilities;  // negotiated on the established session
  uint64_t stale_paths = 0;               // graceful restart: kept from before its restart
  bool shutdown = false;                  // by the operator
  uint64_t updates_filtered = 0;          // UPDATEs its path-attribute filter acted on
  uint32_t max_prefix = 0;                // the configured limit; 0: none
  bool max_prefix_exceeded = false;       // the limit closed the session
  bool route_reflector_client = false;    // we reflect routes to it (RFC 4456)
  std::string local_address;              // our end of the established session
  std::string update_source;              // configured
  std::optional<std::chrono::system_clock::time_point> last_reset;  // when it last went down
};

struct FibNextHopView {
  std::string interface, gateway;
  bool blackhole = false;  // a discard: interface and gateway empty
  uint32_t weight = 1;     // weighted ECMP: its share against the set's others
  friend bool operator==(const FibNextHopView&, const FibNextHopView&) = default;
};

// One prefix: what the RIB wants in the kernel and what the kernel has.
struct FibRouteView {
  std::string prefix;
  std::vector<FibNextHopView> next_hops, kernel_next_hops;
  std::string state;  // "installed", "missing", "differs", "unexpected"
};

// A next hop resolved through the routing table, as it resolves now.
struct TrackedNextHopView {
  std::string address;
  std::string via;  // the route or connected subnet; empty: unresolved
  bool connected = false;
  std::vector<FibNextHopView> next_hops;
};

// The L2VPN EVPN table (`show bgp evpn routes`): a route and its paths.
struct EvpnPathView {
  std::string peer, next_hop, esi;
  std::vector<uint32_t> as_path, vnis;
  std::vector<std::string> ext_communities;
  bool best = false;
};
struct EvpnRouteView {
  std::string rd;
  uint32_t type = 0;
  std::string route;
  std::vector<EvpnPathView> paths;
};
// Which routes: of a type, with a path carrying a VNI, of an RD (0 or
// empty: any).
struct EvpnQuery {
  uint32_t type = 0, vni = 0;
  std::string rd;
};

// A leaf's VNI (`show evpn vni|mac|arp-cache`): ours and the remote side.
struct EvpnMacView {
  std::string mac, vtep;  // vtep: a remote MAC's
  bool local = false, moved = false, duplicate = false;
  uint32_t sequence = 0;
};
struct EvpnNeighborView {
  std::string ip, mac, vtep;
  bool local = false;
  bool router = false;     // an IPv6 router's address
  bool duplicate = false;  // claimed with different MACs (rib/evpn_duplicate_ips.h)
};
struct EvpnVniView {
  uint32_t vni = 0;
  std::string vtep, rd, export_rt, import_rt;
  std::vector<std::string> remote_vteps;
  std::vector<EvpnMacView> macs;
  std::vector<EvpnNeighborView> neighbors;
};

struct EvpnTenantView {
  std::string name;
  uint32_t l3vni = 0;
  bool present = false;
  std::string vtep, router_mac, rd, export_rt, import_rt;
  std::vector<std::string> subnets;
  std::vector<std::pair<std::string, std::vector<std::string>>> routes;  // prefix, VTEPs
  std::vector<std::pair<std::string, std::string>> router_macs;          // VTEP, MAC
};

struct EvpnVnisView {
  std::vector<EvpnVniView> vnis;
  std::vector<EvpnTenantView> tenants;
};

// One path received from one peer.
struct RouteView {
  std::string prefix;
  std::string peer;
  std::string next_hop;
  std::string next_hop_link_local;
  std::vector<uint32_t> as_path;
  std::string origin;
  std::optional<uint32_t> med, local_pref;
  std::vector<std::string> communities, large_communities, ext_communities;
  bool atomic_aggregate = false;
  std::string aggregator;  // "65001 10.0.0.1"
  std::string originator_id;
  std::vector<std::string> cluster_list;
  bool accepted = true;  // false: a loop (our AS in its AS_PATH) or denied by route-map-in
  bool next_hop_unresolved = false;  // not accepted: its next hop does not resolve
  bool best = false;                 // the Loc-RIB's best path for the prefix
  bool multipath = false;            // in the ECMP set (the best path too)
  uint32_t path_id = 0;              // add-path: received (or sent) with this id
};

// One prefix: its paths (as routes() orders them) and who is sent it.
struct RouteDetailView {
  std::string prefix;
  std::vector<RouteView> paths;
  std::vector<std::string> advertised_to;  // neighbours, by name
};

// One BMP collector, as bmp::Collector reports it.
struct BmpCollectorView {
  std::string name, address;
  std::string state;  // "up", "connecting", "waiting"
  uint64_t messages = 0, bytes = 0, connections = 0, drops = 0, queued_bytes = 0;
  std::string last_error;
  uint64_t uptime_seconds = 0;
};

struct BmpView {
  std::vector<BmpCollectorView> collectors;
  std::vector<std::string> route_monitoring;  // "pre-policy", "post-policy", "loc-rib"
  uint32_t statistics_interval = 0;
};

// One MRT file feed ("updates", "rib"), as mrt::FileWriter counts it.
struct MrtFeedView {
  std::string feed;
  uint64_t records = 0, bytes = 0, dropped = 0;
};

// A leaf's VNI in numbers (the metrics).
struct EvpnVniCounts {
  uint32_t vni = 0;
  uint64_t local_macs = 0, moved_macs = 0, duplicate_macs = 0, remote_macs = 0;
  uint64_t local_neighbors = 0, remote_neighbors = 0, remote_vteps = 0, duplicate_ips = 0;
};

struct EvpnTenantCounts {
  uint32_t l3vni = 0;
  uint64_t routes = 0, router_macs = 0;
};

struct SummaryView {
  std::string router_id;
  uint32_t local_as = 0;
  std::string drain_state;          // the node's
  uint64_t rib_prefixes = 0;        // in the Loc-RIB
  uint64_t rib_attribute_sets = 0;  // distinct path attribute sets held (interned, shared)
  std::vector<std::pair<std::string, uint64_t>> family_prefixes;  // "ipv4-unicast", count
  uint64_t resident_memory_bytes = 0;
  double cpu_seconds = 0;         // user and system, since the start
  double start_time_seconds = 0;  // since the Unix epoch
  bool fib_enabled = false;
  uint64_t fib_routes = 0, fib_groups = 0, fib_nexthops = 0, fib_operations = 0, fib_errors = 0;
  uint64_t fib_sends = 0;  // netlink sends, each a batch of operations
  uint64_t fib_backlog = 0;
  uint64_t fib_awaiting_install = 0;  // advertise-after-install: held back from peers
  std::vector<PeerView> peers;
  std::vector<BmpCollectorView> bmp_collectors;
  std::vector<MrtFeedView> mrt_feeds;
  std::vector<EvpnVniCounts> evpn_vnis;
  std::vector<EvpnTenantCounts> evpn_tenants;
  uint64_t evpn_refused_routes = 0;  // a leaf's: remote routes that could be no kernel entry
};

// The configuration the node runs, as YAML without secrets
// (config/config_writer.h), and the file it came from.
struct RunningConfigView {
  std::string yaml, source;
};

// Why a control request changed nothing.
struct ControlError {
  enum class Kind {
    InvalidConfig,
    NeedsRestart,
    NotFound,
    InvalidArgument,
    Conflict,
    Internal  // the kernel or another resource could not be read
  } kind;
  std::string message;  // what was wrong and where (file:line: key: ...)
};

// A route listing read a page at a time on the main loop: its prefixes are
// chosen (and sorted) when it is made, each page shows their paths as they
// are then, so the routing loop runs between pages however long the listing.
class RoutePages {
 public:
  virtual ~RoutePages() = default;
  // The views of the next prefixes, as many as fill `max_routes` (a
  // prefix's paths are never split; none if the prefixes lost their paths
  // meanwhile); nullopt at the end, or once the neighbour whose table it
  // lists is gone.
  virtual std::optional<std::vector<RouteView>> next(size_t max_routes) = 0;
};

// Implemented by whatever owns the protocol state (the session manager).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual SummaryView summary() const = 0;
  // From any thread: how long the main loop's current piece of route work
  // has run (zero between pieces): a long one is a burst the summary does
  // not wait for.
  virtual std::chrono::nanoseconds route_work_running() const = 0;
  // The RIB by prefix: what `query` selects, each prefix's paths together.
  virtual std::unique_ptr<RoutePages> routes(const rib::PrefixQuery& query) const = 0;
  // The kernel's routes of ours against the RIB's wishes, sorted by prefix;
  // an error when the FIB is disabled or the kernel cannot be read.
  virtual std::expected<std::vector<FibRouteView>, ControlError> fib_routes() const = 0;
  // One neighbour by name ("swp1", "192.0.2.1"), as the summary shows it.
  virtual std::expected<PeerView, ControlError> neighbor(const std::string& name) const = 0;
  // A neighbour's Adj-RIB-In (as received, before policy; `accepted` says
  // whether the Loc-RIB took it) or, with `out`, its Adj-RIB-Out (the
  // attributes it is sent, our next hop).
  // Of those, what `query` selects, by prefix.
  virtual std::expected<std::unique_ptr<RoutePages>, ControlError> adj_rib(
      const std::string& neighbor, bool out, const rib::PrefixQuery& query) const = 0;
  virtual RunningConfigView running_config() const = 0;
  // A dump of the Loc-RIB as it is now (its prefixes and neighbours are
  // fixed here; each batch reads their paths as they are then).
  // `family`: only that table.
  virtual std::unique_ptr<mrt::RibDump> mrt_dump(std::optional<wire::Family> family) const = 0;
  // The prefix `query` names (exactly, or the longest match of an address)
  // in detail; NotFound when the RIB holds no path for it.
  virtual std::expected<RouteDetailView, ControlError> route_detail(
      const rib::PrefixQuery& query) const = 0;
  virtual BmpView bmp() const = 0;
  // The RIB's tracked next hops, by address.
  virtual std::vector<TrackedNextHopView> next_hops() const = 0;
  // What `query` selects of the EVPN table, by RD and route.
  virtual std::vector<EvpnRouteView> evpn_routes(const EvpnQuery& query) const = 0;
  // The leaf's VNIs (`vni` only, unless 0), by VNI.
  virtual EvpnVnisView evpn_vnis(uint32_t vni) const = 0;
};

// What the API may change; called on the main loop.
class Control {
 public:
  virtual ~Control() = default;
  // Re-reads the running configuration file and applies the difference;
  // returns what changed. With `confirm_seconds` (not 0), the configuration
  // before it comes back after that long unless confirm_config() is called.
  virtual std::expected<std::vector<std::string>, ControlError> reload_config(
      uint32_t confirm_seconds) = 0;
  virtual std::expected<std::string, ControlError> confirm_config() = 0;
  // Checks the running configuration's file without applying it; returns
  // a one-line summary of it. (A client's text is checked off the main
  // loop, by the API server itself.)
  virtual std::expected<std::string, ControlError> validate_running_config() const = 0;
  // Sets the drain state ("live", "drained", "warm") of the node, or of one
  // neighbour (by name); kept in the state file. Returns what was done.
  virtual std::expected<std::string, ControlError> set_drain(const std::string& state,
                                                             const std::string& neighbor) = 0;
  // Originates `prefix` (a service address) with these communities
  // ("65000:1", "no-export"), large communities and MED; replaces an
  // earlier one. Kept in the state file.
  virtual std::expected<std::string, ControlError> add_route(
      const std::string& prefix, const std::vector<std::string>& communities,
      const std::vector<std::string>& large_communities, std::optional<uint32_t> med) = 0;
  virtual std::expected<std::string, ControlError> delete_route(const std::string& prefix) = 0;
  // Restarts a neighbour's session, or with `soft` "in", "out" or "both"
  // re-applies its policy without touching the session.
  virtual std::expected<std::string, ControlError> reset_neighbor(const std::string& neighbor,
                                                                  const std::string& soft) = 0;
  // Shuts a neighbour down (with `message` in its Cease) or enables it
  // again; kept in the state file.
  virtual std::expected<std::string, ControlError> set_neighbor_enabled(
      const std::string& neighbor, bool enabled, const std::string& message) = 0;
  // A leaf's duplicate MACs frozen no more: of VNI `vni` (0: every one),
  // `mac` only if not empty. How many were frozen, and what was done.
  struct Cleared {
    uint32_t count = 0;
    std::string result;
  };
  virtual std::expected<Cleared, ControlError> clear_evpn_duplicates(uint32_t vni,
                                                                     const std::string& mac) = 0;
};

}  // namespace closbgp::api
