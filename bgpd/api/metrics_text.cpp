#include "bgpd/api/metrics_text.h"

#include <cstdio>
#include <functional>
#include <tuple>
#include <type_traits>

#include "bgpd/version.h"

namespace closbgp::api {
namespace {

// Label values escape backslash, quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

std::string peer_name(const PeerView& p) {
  return p.interface.empty() ? p.address : p.interface;
}

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const char* name, const std::string& labels, uint64_t value) {
    sample_text(name, labels, std::to_string(value));
  }
  // A family of one sample without labels.
  template <class V>
  void single(const char* name, const char* type, const char* help, V value) {
    family(name, type, help);
    if constexpr (std::is_floating_point_v<V>)
      sample_seconds(name, "", value);
    else
      sample(name, "", uint64_t(value));
  }
  void sample_seconds(const char* name, const std::string& labels, double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", value);
    sample_text(name, labels, buf);
  }
  std::string take() { return std::move(out_); }

 private:
  void sample_text(const char* name, const std::string& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + value + "\n";
  }
  std::string out_;
};

}  // namespace

std::string metrics_text(const SummaryView& s) {
  Writer w;
  w.family("closbgp_info", "gauge", "Router identity; the value is always 1.");
  w.sample("closbgp_info",
           "router_id=\"" + label(s.router_id) + "\",local_as=\"" + std::to_string(s.local_as) +
               "\",drain_state=\"" + label(s.drain_state) + "\"",
           1);
  w.family("closbgp_build_info", "gauge", "The daemon's version; the value is always 1.");
  w.sample("closbgp_build_info",
           "version=\"" + label(kVersion) + "\",commit=\"" + label(kGitCommit) + "\"", 1);
  w.family("closbgp_drain_state", "gauge", "1 for the node's drain state, 0 for the others.");
  for (const char* state : {"live", "drained", "warm"})
    w.sample("closbgp_drain_state", std::string("state=\"") + state + "\"",
             uint64_t(s.drain_state == state));
  w.single("process_resident_memory_bytes", "gauge", "Resident memory.", s.resident_memory_bytes);
  w.single("process_cpu_seconds_total", "counter", "User and system CPU time.", s.cpu_seconds);
  w.single("process_start_time_seconds", "gauge", "Start time since the Unix epoch.",
           s.start_time_seconds);
  w.family("closbgp_rib_prefixes", "gauge", "Prefixes in the Loc-RIB, per address family.");
  for (const auto& [family, prefixes] : s.family_prefixes)
    w.sample("closbgp_rib_prefixes", "afi_safi=\"" + label(family) + "\"", prefixes);
  w.single("closbgp_rib_attribute_sets", "gauge",
           "Distinct path attribute sets held, each once however many routes share it.",
           s.rib_attribute_sets);
  if (s.fib_enabled) {
    w.single("closbgp_fib_routes", "gauge", "Routes the daemon holds in the kernel.", s.fib_routes);
    w.single("closbgp_fib_nexthop_groups", "gauge", "Kernel nexthop groups in use.", s.fib_groups);
    w.single("closbgp_fib_operations_total", "counter", "Netlink operations sent.",
             s.fib_operations);
    w.single("closbgp_fib_sends_total", "counter", "Netlink sends, each a batch of operations.",
             s.fib_sends);
    w.single("closbgp_fib_errors_total", "counter", "Netlink operations the kernel refused.",
             s.fib_errors);
    w.single("closbgp_fib_backlog", "gauge", "Route changes queued for the kernel.", s.fib_backlog);
    w.single("closbgp_fib_awaiting_install", "gauge",
             "Prefixes held back from peers until the kernel has them (advertise-after-install).",
             s.fib_awaiting_install);
  }
  struct PeerMetric {
    const char* name;
    const char* type;
    const char* help;
    std::function<uint64_t(const PeerView&)> value;
    bool bfd_only = false;
  };
  const PeerMetric metrics[] = {
      {"closbgp_peer_established", "gauge", "1 while the session is Established.",
       [](const PeerView& p) { return uint64_t(p.state == PeerState::Established); }},
      {"closbgp_peer_state_seconds", "gauge", "Time in the current session state.",
       [](const PeerView& p) { return p.uptime_seconds; }},
      {"closbgp_peer_transitions_total", "counter",
       "Session transitions into and out of Established (a flap counts two).",
       [](const PeerView& p) { return p.transitions; }},
      {"closbgp_peer_messages_received_total", "counter", "BGP messages received.",
       [](const PeerView& p) { return p.messages_received; }},
      {"closbgp_peer_messages_sent_total", "counter", "BGP messages sent.",
       [](const PeerView& p) { return p.messages_sent; }},
      {"closbgp_peer_rfc7606_events_total", "counter",
       "UPDATEs with attribute errors handled without a reset (RFC 7606).",
       [](const PeerView& p) { return p.rfc7606_events; }},
      {"closbgp_peer_updates_filtered_total", "counter",
       "UPDATEs the neighbour's path-attribute filter acted on.",
       [](const PeerView& p) { return p.updates_filtered; }},
      {"closbgp_peer_max_prefix_exceeded", "gauge",
       "1 while more than max-prefix arrived and the session is closed.",
       [](const PeerView& p) { return uint64_t(p.max_prefix_exceeded); }},
      {"closbgp_peer_bfd_up", "gauge", "1 while BFD is Up.",
       [](const PeerView& p) { return uint64_t(p.bfd_state == "up"); }, true},
      {"closbgp_peer_bfd_flaps_total", "counter", "BFD Up to Down transitions.",
       [](const PeerView& p) { return p.bfd_flaps; }, true},
  };
  // A neighbour's words go on one info series, not on every sample: a new
  // description must not start new series for its counters.
  w.family("closbgp_peer_info", "gauge", "A neighbour's description; the value is always 1.");
  for (const auto& p : s.peers)
    w.sample("closbgp_peer_info",
             "peer=\"" + label(peer_name(p)) + "\",description=\"" + label(p.description) + "\"",
             1);
  for (const auto& m : metrics) {
    w.family(m.name, m.type, m.help);
    for (const auto& p : s.peers) {
      if (m.bfd_only && p.bfd_state.empty()) continue;
      w.sample(m.name, "peer=\"" + label(peer_name(p)) + "\"", m.value(p));
    }
  }
  using Count = uint64_t PeerView::FamilyPrefixes::*;
  const std::tuple<const char*, const char*, Count> prefix_gauges[] = {
      {"closbgp_peer_prefixes_received", "Prefixes received (before policy), per address family.",
       &PeerView::FamilyPrefixes::received},
      {"closbgp_peer_prefixes_accepted", "Prefixes accepted (no loop), per address family.",
       &PeerView::FamilyPrefixes::accepted},
      {"closbgp_peer_prefixes_sent", "Prefixes advertised to the neighbour, per address family.",
       &PeerView::FamilyPrefixes::sent}};
  for (const auto& [name, help, count] : prefix_gauges) {
    w.family(name, "gauge", help);
    for (const auto& p : s.peers)
      for (const auto& f : p.families)
        w.sample(name, "peer=\"" + label(peer_name(p)) + "\",afi_safi=\"" + label(f.family) + "\"",
                 f.*count);
  }
  using MrtCount = uint64_t MrtFeedView::*;
  const std::tuple<const char*, const char*, MrtCount> mrt_metrics[] = {
      {"closbgp_mrt_records_total", "MRT records written to the feed's files.",
       &MrtFeedView::records},
      {"closbgp_mrt_bytes_total", "Bytes written to the feed's files.", &MrtFeedView::bytes},
      {"closbgp_mrt_dropped_total",
       "MRT records not written (the disk full or too slow, the file not writable).",
       &MrtFeedView::dropped}};
  if (!s.mrt_feeds.empty())
    for (const auto& [name, help, count] : mrt_metrics) {
      w.family(name, "counter", help);
      for (const auto& f : s.mrt_feeds) w.sample(name, "feed=\"" + label(f.feed) + "\"", f.*count);
    }
  using VniCount = uint64_t EvpnVniCounts::*;
  const std::tuple<const char*, const char*, VniCount> vni_metrics[] = {
      {"closbgp_evpn_local_macs", "MACs the VNI's bridge learned here, advertised.",
       &EvpnVniCounts::local_macs},
      {"closbgp_evpn_moved_macs",
       "MACs learned here that another VTEP claims with a higher sequence (moved away).",
       &EvpnVniCounts::moved_macs},
      {"closbgp_evpn_duplicate_macs",
       "MACs learned here that kept moving between VTEPs: frozen, not advertised.",
       &EvpnVniCounts::duplicate_macs},
      {"closbgp_evpn_remote_macs", "Remote MACs installed behind their VTEPs.",
       &EvpnVniCounts::remote_macs},
      {"closbgp_evpn_local_neighbors", "Addresses the VNI's bridge resolved here.",
       &EvpnVniCounts::local_neighbors},
      {"closbgp_evpn_remote_neighbors", "Remote addresses installed for ARP/ND suppression.",
       &EvpnVniCounts::remote_neighbors},
      {"closbgp_evpn_remote_vteps", "VTEPs in the VNI's flood list.", &EvpnVniCounts::remote_vteps},
      {"closbgp_evpn_duplicate_ips",
       "Addresses claimed with different MACs (two hosts with one IP).",
       &EvpnVniCounts::duplicate_ips}};
  if (!s.evpn_vnis.empty())
    for (const auto& [name, help, count] : vni_metrics) {
      w.family(name, "gauge", help);
      for (const auto& v : s.evpn_vnis)
        w.sample(name, "vni=\"" + std::to_string(v.vni) + "\"", v.*count);
    }
  if (!s.evpn_tenants.empty()) {
    const auto l3vni = [](const EvpnTenantCounts& t) {
      return "l3vni=\"" + std::to_string(t.l3vni) + "\"";
    };
    w.family("closbgp_evpn_tenant_routes", "gauge",
             "Remote prefixes of a routed tenant in the kernel through its L3 VNI.");
    for (const auto& t : s.evpn_tenants) w.sample("closbgp_evpn_tenant_routes", l3vni(t), t.routes);
    w.family("closbgp_evpn_tenant_router_macs", "gauge", "Remote VTEPs' router MACs installed.");
    for (const auto& t : s.evpn_tenants)
      w.sample("closbgp_evpn_tenant_router_macs", l3vni(t), t.router_macs);
  }
  if (!s.evpn_vnis.empty() || !s.evpn_tenants.empty())
    w.single("closbgp_evpn_refused_routes_total", "counter",
             "Remote EVPN routes a leaf did not install: a MAC or VTEP no kernel entry can have, a "
             "tenant route without a router MAC, recursive, or holding its own VTEP (each logged).",
             s.evpn_refused_routes);
  if (s.bmp_collectors.empty()) return w.take();
  using BmpCount = uint64_t BmpCollectorView::*;
  const std::tuple<const char*, const char*, const char*, BmpCount> bmp_metrics[] = {
      {"closbgp_bmp_messages_total", "counter", "BMP messages written to the collector.",
       &BmpCollectorView::messages},
      {"closbgp_bmp_bytes_total", "counter", "Bytes written to the collector.",
       &BmpCollectorView::bytes},
      {"closbgp_bmp_connections_total", "counter", "Connections made to the collector.",
       &BmpCollectorView::connections},
      {"closbgp_bmp_drops_total", "counter",
       "Times the collector was disconnected for not keeping up (bmp.buffer-kib).",
       &BmpCollectorView::drops},
      {"closbgp_bmp_queued_bytes", "gauge", "Bytes waiting to be written to the collector.",
       &BmpCollectorView::queued_bytes}};
  w.family("closbgp_bmp_up", "gauge", "1 while the connection to the collector is up.");
  for (const auto& c : s.bmp_collectors)
    w.sample("closbgp_bmp_up", "collector=\"" + label(c.name) + "\"", uint64_t(c.state == "up"));
  for (const auto& [name, type, help, count] : bmp_metrics) {
    w.family(name, type, help);
    for (const auto& c : s.bmp_collectors)
      w.sample(name, "collector=\"" + label(c.name) + "\"", c.*count);
  }
  return w.take();
}

}  // namespace closbgp::api
