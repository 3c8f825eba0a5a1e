// The OPEN exchange (RFC 4271 sec. 4.2, RFC 5492): what we offer, and what
// a session negotiates from the neighbour's OPEN.
#include <algorithm>

#include "bgpd/session/fsm.h"

namespace closbgp::session {

std::vector<std::string> capability_names(const Negotiated& n) {
  std::vector<std::string> out;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f)) out.emplace_back(wire::family_name(f));
  if (n.families.has(wire::Family::L2vpnEvpn))
    out.emplace_back(wire::family_name(wire::Family::L2vpnEvpn));
  const std::pair<bool, const char*> flags[] = {
      {n.ipv4_via_ipv6, "extended-nexthop"},
      {n.route_refresh, "route-refresh"},
      {n.four_octet_as, "4-octet-as"},
      {n.extended_message, "extended-message"},
      {n.graceful_restart, "graceful-restart"},
      {n.graceful_restart && n.gr_notification, "graceful-restart-notification"},
      {!n.peer_llgr.empty(), "long-lived-graceful-restart"},
      {!n.add_path_rx.empty(), "add-path-receive"},
      {!n.add_path_tx.empty(), "add-path-send"},
      {!n.peer_hostname.empty(), "hostname"}};
  for (const auto& [on, name] : flags)
    if (on) out.emplace_back(name);
  return out;
}

wire::OpenMessage make_open(const LocalConfig& local) {
  wire::OpenMessage o;
  o.my_as = uint16_t(local.asn > 0xffff ? wire::kAsTrans : local.asn);
  o.hold_time = local.hold_time;
  o.bgp_id = local.router_id;
  auto& c = o.capabilities;
  c.multiprotocol = {{1, 1}, {2, 1}};
  if (local.evpn) c.multiprotocol.push_back({wire::kAfiL2vpn, wire::kSafiEvpn});
  c.route_refresh = true;
  c.extended_next_hop = {{1, 1, 2}};
  c.extended_message = true;
  c.four_octet_as = local.asn;
  if (!local.hostname.empty()) c.fqdn = wire::Fqdn{local.hostname, ""};
  if (local.add_path_receive || local.add_path_send) {
    const auto mode = !local.add_path_send      ? wire::AddPathMode::Receive
                      : !local.add_path_receive ? wire::AddPathMode::Send
                                                : wire::AddPathMode::Both;
    for (uint16_t afi : {1, 2}) c.add_path.push_back({afi, 1, mode});
  }
  if (local.gr_restart_time != 0) {
    wire::GracefulRestart gr;
    gr.restarting = local.gr_restarting;
    gr.notification = true;
    gr.restart_time = local.gr_restart_time;
    for (uint16_t afi : {1, 2}) gr.families.push_back({afi, 1, local.gr_restarting});
    // A leaf's VXLAN entries stay in the kernel across a restart as its
    // routes do (docs/evpn.md); a spine has none. LLGR stays unicast's.
    if (local.evpn) gr.families.push_back({wire::kAfiL2vpn, wire::kSafiEvpn, local.gr_restarting});
    c.graceful_restart = gr;
    if (local.llgr_stale_time != 0) {  // RFC 9494 sec. 3: only with graceful restart
      wire::LongLivedGracefulRestart llgr;
      for (uint16_t afi : {1, 2})
        llgr.families.push_back({afi, 1, local.gr_restarting, local.llgr_stale_time});
      c.long_lived_gr = llgr;
    }
  }
  return o;
}

std::expected<Negotiated, wire::DecodeError> negotiate(const LocalConfig& local,
                                                       const wire::OpenMessage& theirs) {
  auto open_error = [](uint8_t subcode, std::string why) {
    return std::unexpected(wire::DecodeError{wire::ErrorCode::Open, subcode, {}, std::move(why)});
  };
  const auto& caps = theirs.capabilities;
  // RFC 7607: AS 0 is no one's.
  if (theirs.my_as == 0 || caps.four_octet_as == 0u)
    return open_error(wire::open_error::kBadPeerAs,
                      std::string("peer AS 0 in its OPEN's ") +
                          (theirs.my_as == 0 ? "My AS" : "4-octet AS capability") + " (RFC 7607)");
  Negotiated n;
  n.peer_as = caps.four_octet_as.value_or(theirs.my_as);
  n.ebgp = n.peer_as != local.asn;
  const auto& rule = local.peer_as;
  const bool as_ok = rule.kind == PeerAsRule::Kind::External   ? n.ebgp
                     : rule.kind == PeerAsRule::Kind::Internal ? !n.ebgp
                                                               : n.peer_as == rule.asn;
  if (!as_ok)
    return open_error(wire::open_error::kBadPeerAs,
                      "peer AS " + std::to_string(n.peer_as) + " is not " +
                          (rule.kind == PeerAsRule::Kind::External   ? std::string("external")
                           : rule.kind == PeerAsRule::Kind::Internal ? std::string("internal")
                                                                     : std::to_string(rule.asn)));
  n.peer_router_id = theirs.bgp_id;
  if (!n.ebgp && n.peer_router_id == local.router_id)
    return open_error(wire::open_error::kBadBgpId, "iBGP peer has our router-id");

  n.hold_time = std::min(local.hold_time, theirs.hold_time);
  if (n.hold_time != 0)
    n.keepalive = std::max<uint16_t>(1, std::min<uint16_t>(local.keepalive, n.hold_time / 3));

  // RFC 4760 sec. 8: a peer without multiprotocol capabilities speaks IPv4 unicast.
  if (caps.multiprotocol.empty()) {
    n.families.add(wire::Family::Ipv4Unicast);
  } else {
    for (const auto& mp : caps.multiprotocol) {
      wire::Family f;
      if (wire::to_family(mp.afi, mp.safi, f)) n.families.add(f);
      if (local.evpn && mp.afi == wire::kAfiL2vpn && mp.safi == wire::kSafiEvpn)
        n.families.add(wire::Family::L2vpnEvpn);
    }
  }
  if (n.families.empty())
    return open_error(wire::open_error::kUnsupportedCapability,
                      "no address family in common (we route IPv4 and IPv6 unicast)");
  n.ipv4_via_ipv6 = std::any_of(caps.extended_next_hop.begin(), caps.extended_next_hop.end(),
                                [](const wire::ExtendedNextHop& e) {
                                  return e.afi == 1 && e.safi == 1 && e.nexthop_afi == 2;
                                });
  n.sent_open = make_open(local);
  n.received_open = theirs;
  n.four_octet_as = caps.four_octet_as.has_value();
  n.extended_message = caps.extended_message;
  n.route_refresh = caps.route_refresh;
  // RFC 7911 sec. 4: ids flow where one side offered to send and the other
  // to receive, for a family both negotiated.
  for (const auto& a : caps.add_path) {
    wire::Family f;
    if (!wire::to_family(a.afi, a.safi, f) || !n.families.has(f)) continue;
    const auto bits = uint8_t(a.mode);
    if (local.add_path_receive && (bits & uint8_t(wire::AddPathMode::Send))) n.add_path_rx.add(f);
    if (local.add_path_send && (bits & uint8_t(wire::AddPathMode::Receive))) n.add_path_tx.add(f);
  }
  if (caps.fqdn) n.peer_hostname = caps.fqdn->hostname;
  n.peer_sends_end_of_rib = caps.graceful_restart && !caps.graceful_restart->restarting;
  if (local.gr_restart_time != 0 && caps.graceful_restart) {
    const auto& gr = *caps.graceful_restart;
    n.graceful_restart = true;
    n.gr_notification = gr.notification;
    n.peer_restart_time = gr.restart_time;
    n.we_restarted = local.gr_restarting;
    for (const auto& f : gr.families) {
      wire::Family family = wire::Family::L2vpnEvpn;
      if ((f.afi != wire::kAfiL2vpn || f.safi != wire::kSafiEvpn) &&
          !wire::to_family(f.afi, f.safi, family))
        continue;
      n.peer_gr_families.add(family);
      if (f.forwarding_preserved) n.peer_forwarding_kept.add(family);
    }
    // RFC 9494 sec. 4.2: LLGR goes with graceful restart; a stale time of 0 is none.
    if (local.llgr_stale_time != 0 && caps.long_lived_gr)
      for (const auto& f : caps.long_lived_gr->families) {
        wire::Family family;
        if (!wire::to_family(f.afi, f.safi, family) || f.stale_time == 0) continue;
        // We help for at most our own long-lived stale time, as FRR does.
        n.peer_llgr.emplace_back(family, std::min(f.stale_time, local.llgr_stale_time));
        if (f.forwarding_preserved) n.peer_llgr_forwarding_kept.add(family);
      }
  }
  return n;
}

wire::DecodeContext Negotiated::decode_context() const {
  wire::DecodeContext c;
  c.four_octet_as = four_octet_as;
  c.extended_message = extended_message;
  c.ebgp = ebgp;
  c.families = families;
  c.add_path = add_path_rx;
  return c;
}

wire::EncodeContext Negotiated::encode_context() const {
  wire::EncodeContext c;
  c.four_octet_as = four_octet_as;
  c.extended_message = extended_message;
  c.add_path = add_path_tx;
  return c;
}

}  // namespace closbgp::session
