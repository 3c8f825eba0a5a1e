#include "bgpd/cli/text_views.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace closbgp::cli {
namespace {

namespace pb = closbgp::v1;

std::string state_name(pb::SessionState s) {
  switch (s) {
    case pb::SESSION_STATE_IDLE:
      return "Idle";
    case pb::SESSION_STATE_CONNECT:
      return "Connect";
    case pb::SESSION_STATE_ACTIVE:
      return "Active";
    case pb::SESSION_STATE_OPEN_SENT:
      return "OpenSent";
    case pb::SESSION_STATE_OPEN_CONFIRM:
      return "OpenConfirm";
    case pb::SESSION_STATE_ESTABLISHED:
      return "Established";
    default:
      return "Unknown";
  }
}

std::string duration(uint64_t s) {
  char buf[32];
  if (s >= 86400)
    std::snprintf(buf, sizeof buf, "%lud%02luh%02lum", s / 86400, s / 3600 % 24, s / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%02lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

// Weights are shown for a weighted set only (some member's weight is not 1).
std::string next_hops_text(const google::protobuf::RepeatedPtrField<pb::FibNextHop>& hops) {
  const bool weighted =
      std::any_of(hops.begin(), hops.end(), [](const auto& h) { return h.weight() > 1; });
  std::string out;
  for (const auto& h : hops)
    out += (out.empty() ? "" : ", ") +
           (h.blackhole() ? std::string("blackhole") : h.gateway() + " " + h.interface()) +
           (weighted ? " weight " + std::to_string(h.weight()) : "");
  return out.empty() ? "-" : out;
}

}  // namespace

void print_summary(const pb::ShowBgpSummaryResponse& resp) {
  std::printf("BGP router identifier %s, local AS number %u, %s\n", resp.router_id().c_str(),
              resp.local_as(), resp.drain_state().c_str());
  std::string rib;
  for (const auto& f : resp.families())
    rib += (rib.empty() ? "" : ", ") + f.family() + " " + std::to_string(f.prefixes());
  std::printf("RIB prefixes: %s; %lu attribute sets; %.1f MB resident\n", rib.c_str(),
              resp.rib_attribute_sets(), double(resp.resident_memory_bytes()) / 1e6);
  if (resp.snapshot_age_ms() > 0)
    std::printf("As of %u ms ago: the daemon is busy with a burst of updates\n",
                resp.snapshot_age_ms());
  std::printf("\n");
  // "swp1 (fe80::...)" is wider than an address: size the column to fit.
  std::vector<std::string> names;
  int width = 26;
  for (const auto& p : resp.peers()) {
    std::string name = p.interface().empty() ? p.address() : p.interface();
    if (!p.interface().empty() && !p.address().empty()) name += " (" + p.address() + ")";
    width = std::max(width, static_cast<int>(name.size()));
    names.push_back(std::move(name));
  }
  std::printf("%-*s %-10s %9s %9s %-10s %-12s %8s %s\n", width, "Neighbor", "AS", "MsgRcvd",
              "MsgSent", "Up/Down", "State/PfxRcd", "PfxSnt", "Desc");
  for (int i = 0; i < resp.peers_size(); ++i) {
    const auto& p = resp.peers(i);
    const std::string as =
        p.remote_as() != 0 ? std::to_string(p.remote_as()) : p.remote_as_config();
    const std::string state = p.state() == pb::SESSION_STATE_ESTABLISHED
                                  ? std::to_string(p.prefixes_received())
                              : p.shutdown()            ? "Idle (Admin)"
                              : p.max_prefix_exceeded() ? "Idle (PfxCt)"
                                                        : state_name(p.state());
    std::printf("%-*s %-10s %9lu %9lu %-10s %-12s %8lu %s\n", width, names[i].c_str(), as.c_str(),
                p.messages_received(), p.messages_sent(), duration(p.uptime_seconds()).c_str(),
                state.c_str(), p.prefixes_sent(), p.description().c_str());
  }
  std::printf("\nTotal number of neighbors %d\n", resp.peers_size());
}

void print_neighbor(const std::string& name, const pb::PeerSummary& p) {
  std::string caps;
  for (const auto& c : p.capabilities()) caps += (caps.empty() ? "" : ", ") + c;
  const std::string as = p.remote_as() != 0 ? std::to_string(p.remote_as()) : p.remote_as_config();
  std::printf("BGP neighbor %s, remote AS %s, %s for %s\n", name.c_str(), as.c_str(),
              state_name(p.state()).c_str(), duration(p.uptime_seconds()).c_str());
  if (!p.description().empty()) std::printf("  Description: %s\n", p.description().c_str());
  std::printf("  Address %s, router-id %s, hostname %s, hold time %u s\n",
              p.address().empty() ? "-" : p.address().c_str(),
              p.peer_router_id().empty() ? "-" : p.peer_router_id().c_str(),
              p.peer_hostname().empty() ? "-" : p.peer_hostname().c_str(), p.hold_time());
  if (!p.local_address().empty() || !p.update_source().empty())
    std::printf("  Local address %s%s%s\n",
                p.local_address().empty() ? "-" : p.local_address().c_str(),
                p.update_source().empty() ? "" : ", update-source ", p.update_source().c_str());
  std::printf("  Capabilities: %s\n", caps.empty() ? "-" : caps.c_str());
  std::printf("  Messages: %lu received, %lu sent\n", p.messages_received(), p.messages_sent());
  std::printf("  Prefixes: %lu received, %lu accepted, %lu sent; %lu stale (graceful restart)\n",
              p.prefixes_received(), p.prefixes_accepted(), p.prefixes_sent(), p.stale_paths());
  for (const auto& f : p.families())
    std::printf("    %-13s %lu received, %lu accepted, %lu sent\n", (f.family() + ":").c_str(),
                f.received(), f.accepted(), f.sent());
  std::printf("  Sent as: %s; RFC 7606 events: %lu; UPDATEs filtered: %lu\n",
              p.drain_state().c_str(), p.rfc7606_events(), p.updates_filtered());
  if (p.route_reflector_client()) std::printf("  Route reflector client\n");
  if (p.max_prefix() != 0)
    std::printf("  Max prefixes: %u%s\n", p.max_prefix(),
                p.max_prefix_exceeded() ? " (exceeded: the session is closed)" : "");
  if (!p.bfd_state().empty())
    std::printf("  BFD%s: %s, %lu flaps, packets %lu received, %lu sent, %lu dropped\n",
                p.bfd_multihop() ? " (multihop)" : "", p.bfd_state().c_str(), p.bfd_flaps(),
                p.bfd_packets_received(), p.bfd_packets_sent(), p.bfd_packets_dropped());
  if (!p.last_error().empty()) std::printf("  Last reset: %s\n", p.last_error().c_str());
}

void RouteTable::header() {
  started_ = true;
  if (status_)
    std::printf(
        "Status codes: * valid, > best, = multipath, x rejected (a loop, or denied by "
        "route-map-in), u next hop unresolved\n\n");
  std::printf("   %-24s %-14s %-26s %6s %-20s %s\n", "Network", "Peer", "Next Hop", "LocPrf",
              "Path", "Origin");
}

void RouteTable::row(const pb::Route& r) {
  if (!started_) header();
  const bool first = paths_ == 0 || last_prefix_ != r.prefix();  // a prefix's paths are together
  prefixes_ += first;
  ++paths_;
  if (first) last_prefix_ = r.prefix();
  std::string path;
  for (uint32_t a : r.as_path()) path += (path.empty() ? "" : " ") + std::to_string(a);
  const char* code = !status_                  ? "  "
                     : r.next_hop_unresolved() ? "u "
                     : !r.accepted()           ? "x "
                     : r.best()                ? "*>"
                     : r.multipath()           ? "*="
                                               : "* ";
  const std::string local_pref = r.has_local_pref() ? std::to_string(r.local_pref()) : "";
  std::printf("%s  %-24s %-14s %-26s %6s %-20s %s\n", code, first ? r.prefix().c_str() : "",
              r.peer().c_str(), r.next_hop().c_str(), local_pref.c_str(), path.c_str(),
              r.origin().c_str());
}

void RouteTable::finish() {
  if (!started_) header();
  std::printf("\nDisplayed %zu paths for %zu prefixes\n", paths_, prefixes_);
}

void FibTable::header() {
  started_ = true;
  std::printf("%-24s %-11s %s\n", "Prefix", "State", "Next hops (kernel's, when they differ)");
}

void FibTable::row(const pb::FibRoute& r) {
  if (!started_) header();
  ++prefixes_;
  ++states_[r.state()];
  std::string hops =
      next_hops_text(r.state() == "unexpected" ? r.kernel_next_hops() : r.next_hops());
  if (r.state() == "differs") hops += "  (kernel: " + next_hops_text(r.kernel_next_hops()) + ")";
  std::printf("%-24s %-11s %s\n", r.prefix().c_str(), r.state().c_str(), hops.c_str());
}

namespace {

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

// A path's attributes, one line each, only those it carries.
void print_path(int number, const pb::Route& r) {
  const char* flags = r.next_hop_unresolved() ? "rejected: its next hop does not resolve"
                      : !r.accepted()         ? "rejected (a loop, or denied by route-map-in)"
                      : r.best()              ? (r.multipath() ? "best, multipath" : "best")
                      : r.multipath()         ? "multipath"
                                              : "valid";
  const std::string id = r.path_id() ? " (path id " + std::to_string(r.path_id()) + ")" : "";
  std::printf("  Path %d from %s%s: %s\n", number, r.peer().c_str(), id.c_str(), flags);
  std::string path;
  for (uint32_t a : r.as_path()) path += (path.empty() ? "" : " ") + std::to_string(a);
  std::printf("    AS path: %s\n", path.empty() ? "(empty)" : path.c_str());
  std::printf("    Next hop: %s%s\n", r.next_hop().c_str(),
              r.next_hop_link_local().empty()
                  ? ""
                  : (" (link-local " + r.next_hop_link_local() + ")").c_str());
  std::string line = "Origin " + r.origin();
  if (r.has_med()) line += ", MED " + std::to_string(r.med());
  if (r.has_local_pref()) line += ", local-pref " + std::to_string(r.local_pref());
  if (r.atomic_aggregate()) line += ", atomic-aggregate";
  if (!r.aggregator().empty()) line += ", aggregated by " + r.aggregator();
  std::printf("    %s\n", line.c_str());
  if (r.communities_size()) std::printf("    Communities: %s\n", joined(r.communities()).c_str());
  if (r.large_communities_size())
    std::printf("    Large communities: %s\n", joined(r.large_communities()).c_str());
  if (r.ext_communities_size())
    std::printf("    Extended communities: %s\n", joined(r.ext_communities()).c_str());
  if (!r.originator_id().empty())
    std::printf("    Originator %s, cluster list %s\n", r.originator_id().c_str(),
                joined(r.cluster_list()).c_str());
}

}  // namespace

void print_route_detail(const pb::RouteDetail& d) {
  const auto& paths = d.paths();
  const auto in_set =
      std::count_if(paths.begin(), paths.end(), [](const pb::Route& r) { return r.multipath(); });
  const auto best =
      std::find_if(paths.begin(), paths.end(), [](const pb::Route& r) { return r.best(); });
  std::printf("BGP routing table entry for %s\n", d.prefix().c_str());
  std::printf("Paths: %d available, %s, %ld in the ECMP set\n", paths.size(),
              best == paths.end() ? "no best" : ("best from " + best->peer()).c_str(), in_set);
  std::printf("Advertised to: %s\n",
              d.advertised_to().empty() ? "no neighbour" : joined(d.advertised_to()).c_str());
  for (int i = 0; i < paths.size(); ++i) print_path(i + 1, paths[i]);
}

void FibTable::finish() {
  if (!started_) header();
  std::printf("\n%zu prefixes", prefixes_);
  for (const auto& [state, n] : states_) std::printf(", %d %s", n, state.c_str());
  std::printf("\n");
}

// As FRR's `show bgp nexthop`: each address, whether it resolves, through
// what, and the links it goes out on.
void print_next_hops(const pb::ShowNextHopsResponse& resp) {
  if (resp.next_hops().empty()) {
    std::printf(
        "No next hops resolved through the routing table (every path's next hop is "
        "its neighbour on its link)\n");
    return;
  }
  for (const auto& n : resp.next_hops()) {
    if (!n.resolved()) {
      std::printf("%s unresolved\n", n.address().c_str());
      continue;
    }
    std::printf("%s resolved through %s%s\n  %s\n", n.address().c_str(), n.via().c_str(),
                n.connected() ? " (connected)" : "", next_hops_text(n.next_hops()).c_str());
  }
}

// As FRR's `show bgp l2vpn evpn`: routes under their RD, `*>` the path
// passed on, each with its VTEP, neighbour, AS path, VNIs and communities.
void print_evpn_routes(const pb::ShowEvpnRoutesResponse& resp) {
  if (resp.routes().empty()) {
    std::printf("No EVPN routes (neighbours with `evpn: true` send them)\n");
    return;
  }
  std::string rd;
  for (const auto& r : resp.routes()) {
    if (r.rd() != rd)
      std::printf("%sRoute Distinguisher: %s\n", rd.empty() ? "" : "\n", r.rd().c_str());
    rd = r.rd();
    for (const auto& p : r.paths()) {
      std::string as_path, vnis, communities;
      for (uint32_t as : p.as_path()) as_path += " " + std::to_string(as);
      for (uint32_t vni : p.vnis()) vnis += " " + std::to_string(vni);
      for (const auto& c : p.ext_communities()) communities += " " + c;
      std::printf("%s %s\n    %s from %s, AS path%s%s%s%s\n", p.best() ? "*>" : "* ",
                  r.route().c_str(), p.next_hop().c_str(), p.peer().c_str(),
                  as_path.empty() ? " (ours)" : as_path.c_str(), vnis.empty() ? "" : ", VNI",
                  vnis.c_str(), communities.c_str());
    }
  }
  std::printf("\n%d routes\n", resp.routes_size());
}

namespace {

// A tenant's L3 VNI in one line: `show evpn vni`'s last.
void print_tenant_line(const pb::EvpnTenant& t) {
  if (!t.present()) {
    std::printf(
        "L3 VNI %u (vrf %s): not in the kernel (a VXLAN device with that id, in a bridge, "
        "up, with a local address)\n",
        t.l3vni(), t.name().c_str());
    return;
  }
  std::printf(
      "L3 VNI %u (vrf %s): VTEP %s, router MAC %s, RD %s, %s, import %s, %d subnets out, "
      "%d routes in\n",
      t.l3vni(), t.name().c_str(), t.vtep().c_str(), t.router_mac().c_str(), t.rd().c_str(),
      t.export_rt().c_str(), t.import_rt().c_str(), t.subnets_size(), t.routes_size());
}

void print_tenant(const pb::EvpnTenant& t) {
  print_tenant_line(t);
  std::string subnets;
  for (const auto& s : t.subnets()) subnets += (subnets.empty() ? "" : " ") + s;
  std::printf("Advertised (type 5): %s\n\n%-43s %s\n", subnets.empty() ? "-" : subnets.c_str(),
              "Remote prefix", "VTEPs");
  for (const auto& r : t.routes()) {
    std::string vteps;
    for (const auto& v : r.vteps()) vteps += (vteps.empty() ? "" : " ") + v;
    std::printf("%-43s %s\n", r.prefix().c_str(), vteps.c_str());
  }
  std::printf("\n%-16s %s\n", "VTEP", "Router MAC");
  for (const auto& m : t.router_macs())
    std::printf("%-16s %s\n", m.vtep().c_str(), m.mac().c_str());
}

}  // namespace

void print_evpn_vnis(const pb::ShowEvpnVnisResponse& resp, EvpnVniPart part) {
  if (part == EvpnVniPart::Tenants) {
    if (resp.tenants().empty()) std::printf("No routed tenant (evpn.vrfs: docs/evpn.md)\n");
    for (const auto& t : resp.tenants()) print_tenant(t);
    return;
  }
  if (resp.vnis().empty()) {
    std::printf(
        "No VNIs (evpn: {advertise-all-vni: true} finds them in the kernel's VXLAN "
        "devices: docs/evpn.md)\n");
    return;
  }
  const auto mac_type = [](const pb::EvpnMac& m) {
    return !m.local()      ? "remote"
           : m.duplicate() ? "local (dup)"
           : m.moved()     ? "local (moved)"
                           : "local";
  };
  if (part == EvpnVniPart::Vnis) {
    std::printf("%-9s %-16s %-20s %-18s %-18s %6s %7s  %s\n", "VNI", "VTEP", "RD", "Export RT",
                "Import RT", "MACs", "ARP", "Remote VTEPs");
    for (const auto& v : resp.vnis()) {
      std::string vteps;
      for (const auto& vtep : v.remote_vteps()) vteps += (vteps.empty() ? "" : " ") + vtep;
      std::printf("%-9u %-16s %-20s %-18s %-18s %6d %7d  %s\n", v.vni(), v.vtep().c_str(),
                  v.rd().c_str(), v.export_rt().c_str(), v.import_rt().c_str(), v.macs_size(),
                  v.neighbors_size(), vteps.empty() ? "-" : vteps.c_str());
    }
    for (const auto& t : resp.tenants()) print_tenant_line(t);
    return;
  }
  for (const auto& v : resp.vnis()) {
    if (part == EvpnVniPart::Macs) {
      std::printf("VNI %u: %d MACs\n%-18s %-14s %-16s %s\n", v.vni(), v.macs_size(), "MAC", "Type",
                  "VTEP", "Seq");
      for (const auto& m : v.macs())
        std::printf("%-18s %-14s %-16s %u\n", m.mac().c_str(), mac_type(m),
                    m.local() ? "-" : m.vtep().c_str(), m.sequence());
    } else {
      std::printf("VNI %u: %d neighbours\n%-40s %-18s %-7s %-16s %s\n", v.vni(), v.neighbors_size(),
                  "IP", "MAC", "Type", "VTEP", "Flags");
      for (const auto& n : v.neighbors()) {
        std::string flags = n.router() ? "router" : "";
        if (n.duplicate()) flags += flags.empty() ? "duplicate" : ",duplicate";
        std::printf("%-40s %-18s %-7s %-16s %s\n", n.ip().c_str(), n.mac().c_str(),
                    n.local() ? "local" : "remote", n.local() ? "-" : n.vtep().c_str(),
                    flags.empty() ? "-" : flags.c_str());
      }
    }
  }
}

void print_bmp(const pb::ShowBmpResponse& resp) {
  if (resp.collectors().empty()) {
    std::printf("No BMP collectors configured (bmp.collectors)\n");
    return;
  }
  std::string views;
  for (const auto& v : resp.route_monitoring()) views += (views.empty() ? "" : ", ") + v;
  std::printf("Route monitoring: %s; statistics every %u s\n\n",
              views.empty() ? "none" : views.c_str(), resp.statistics_interval());
  std::printf("%-16s %-28s %-10s %8s %10s %12s %6s %6s\n", "Collector", "Address", "State", "Up",
              "Messages", "Bytes", "Conns", "Drops");
  for (const auto& c : resp.collectors()) {
    std::printf("%-16s %-28s %-10s %8s %10lu %12lu %6lu %6lu\n", c.name().c_str(),
                c.address().c_str(), c.state().c_str(),
                c.state() == "up" ? duration(c.uptime_seconds()).c_str() : "-", c.messages(),
                c.bytes(), c.connections(), c.drops());
    if (c.queued_bytes() > 0) std::printf("  %lu bytes waiting to be written\n", c.queued_bytes());
    if (!c.last_error().empty()) std::printf("  last error: %s\n", c.last_error().c_str());
  }
}

}  // namespace closbgp::cli
