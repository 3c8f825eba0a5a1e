#include "bgpd/cli/decode_command.h"

#include <ostream>

#include "bgpd/json/json_writer.h"
#include "bgpd/wire/hex.h"
#include "policy/community.h"

namespace closbgp::cli {
namespace {

using namespace wire;

std::string ipv4(uint32_t host_order) {
  return IpAddress::v4(host_order).to_string();
}

void write_nlri(json::JsonWriter& j, std::string_view key, const std::vector<Nlri>& list) {
  j.key(key).begin_array();
  for (const auto& n : list) {
    if (n.path_id == 0) {
      j.value(n.prefix.to_string());
    } else {
      j.begin_object().field("prefix", n.prefix.to_string()).field("path_id", uint64_t(n.path_id));
      j.end_object();
    }
  }
  j.end_array();
}

// EVPN routes (RFC 7432, RFC 9136): each field its type has, labels as VNIs.
void write_evpn(json::JsonWriter& j, std::string_view key, const std::vector<EvpnRoute>& routes) {
  j.key(key).begin_array();
  for (const auto& r : routes) {
    j.begin_object().field("type", uint64_t(r.type)).field("route", evpn_route_text(r));
    if (!r.unknown.empty()) {
      j.field("value", to_hex(r.unknown)).end_object();
      continue;
    }
    const auto type = EvpnType(r.type);
    j.field("rd", r.rd.to_string());
    if (type != EvpnType::InclusiveMulticast) j.field("esi", esi_text(r.esi));
    if (type != EvpnType::EthernetSegment) j.field("ethernet_tag", uint64_t(r.ethernet_tag));
    if (r.mac) j.field("mac", mac_text(*r.mac));
    if (r.ip) j.field("ip", r.ip->to_string());
    if (type == EvpnType::IpPrefix) j.field("prefix_length", uint64_t(r.prefix_length));
    if (r.gateway) j.field("gateway", r.gateway->to_string());
    j.key("vni").begin_array();
    for (uint32_t label : r.labels) j.value(uint64_t(label));
    j.end_array().end_object();
  }
  j.end_array();
}

void write_as_path(json::JsonWriter& j, const AsPath& p) {
  static constexpr const char* kNames[] = {"", "set", "sequence", "confed-sequence", "confed-set"};
  j.key("as_path").begin_array();
  for (const auto& seg : p.segments) {
    j.begin_object().field("type", kNames[uint8_t(seg.type)]).key("asns").begin_array();
    for (uint32_t a : seg.asns) j.value(uint64_t(a));
    j.end_array().end_object();
  }
  j.end_array();
}

void write_attributes(json::JsonWriter& j, const PathAttributes& a) {
  static constexpr const char* kOrigins[] = {"igp", "egp", "incomplete"};
  j.key("attributes").begin_object();
  if (a.origin) j.field("origin", kOrigins[uint8_t(*a.origin)]);
  if (a.as_path) write_as_path(j, *a.as_path);
  if (a.next_hop) j.field("next_hop", a.next_hop->to_string());
  if (a.med) j.field("med", uint64_t(*a.med));
  if (a.local_pref) j.field("local_pref", uint64_t(*a.local_pref));
  if (a.atomic_aggregate) j.field("atomic_aggregate", true);
  if (a.aggregator) {
    j.key("aggregator").begin_object().field("asn", uint64_t(a.aggregator->asn));
    j.field("address", ipv4(a.aggregator->address)).end_object();
  }
  if (!a.communities.empty()) {
    j.key("communities").begin_array();
    for (uint32_t c : a.communities) j.value(policy::community_text(c));
    j.end_array();
  }
  if (a.originator_id) j.field("originator_id", ipv4(*a.originator_id));
  if (!a.cluster_list.empty()) {
    j.key("cluster_list").begin_array();
    for (uint32_t c : a.cluster_list) j.value(ipv4(c));
    j.end_array();
  }
  if (!a.ext_communities.empty()) {
    j.key("extended_communities").begin_array();
    // As show bgp routes and route-maps write them (rt:, soo:, lb:), else hex.
    for (uint64_t c : a.ext_communities) j.value(policy::ext_community_text(c));
    j.end_array();
  }
  if (!a.large_communities.empty()) {
    j.key("large_communities").begin_array();
    for (const auto& c : a.large_communities) j.value(policy::large_community_text(c));
    j.end_array();
  }
  if (a.otc) j.field("otc", uint64_t(*a.otc));
  if (!a.unknown.empty()) {
    j.key("unknown").begin_array();
    for (const auto& u : a.unknown) {
      j.begin_object().field("type", uint64_t(u.type)).field("flags", uint64_t(u.flags));
      j.field("value", to_hex(u.value)).end_object();
    }
    j.end_array();
  }
  j.end_object();
}

void write_update(json::JsonWriter& j, const UpdateMessage& u) {
  if (auto eor = u.end_of_rib()) j.field("end_of_rib", family_name(*eor));
  write_nlri(j, "withdrawn", u.withdrawn);
  write_attributes(j, u.attributes);
  if (u.mp_reach) {
    j.key("mp_reach").begin_object().field("family", family_name(u.mp_reach->family));
    j.field("next_hop", u.mp_reach->next_hop.address.to_string());
    if (u.mp_reach->next_hop.link_local)
      j.field("next_hop_link_local", u.mp_reach->next_hop.link_local->to_string());
    write_nlri(j, "nlri", u.mp_reach->nlri);
    if (u.mp_reach->family == Family::L2vpnEvpn) write_evpn(j, "evpn", u.mp_reach->evpn);
    j.end_object();
  }
  if (u.mp_unreach) {
    j.key("mp_unreach").begin_object().field("family", family_name(u.mp_unreach->family));
    write_nlri(j, "withdrawn", u.mp_unreach->withdrawn);
    if (u.mp_unreach->family == Family::L2vpnEvpn) write_evpn(j, "evpn", u.mp_unreach->evpn);
    j.end_object();
  }
  write_nlri(j, "nlri", u.nlri);
  if (u.action != AttrAction::None) {
    j.key("rfc7606").begin_object().field("action", action_name(u.action)).key("errors");
    j.begin_array();
    for (const auto& e : u.errors) {
      j.begin_object().field("attribute", uint64_t(e.attr_type));
      j.field("action", action_name(e.action)).field("reason", e.reason).end_object();
    }
    j.end_array().end_object();
  }
}

void write_open(json::JsonWriter& j, const OpenMessage& o) {
  j.field("version", uint64_t(o.version)).field("my_as", uint64_t(o.my_as));
  j.field("hold_time", uint64_t(o.hold_time)).field("bgp_id", ipv4(o.bgp_id));
  const auto& c = o.capabilities;
  j.key("capabilities").begin_object();
  j.key("multiprotocol").begin_array();
  for (const auto& mp : c.multiprotocol) {
    Family f;
    j.value(to_family(mp.afi, mp.safi, f)
                ? std::string(family_name(f))
                : "afi " + std::to_string(mp.afi) + " safi " + std::to_string(mp.safi));
  }
  j.end_array();
  j.field("route_refresh", c.route_refresh);
  j.field("enhanced_route_refresh", c.enhanced_route_refresh);
  j.field("extended_message", c.extended_message);
  if (c.four_octet_as) j.field("four_octet_as", uint64_t(*c.four_octet_as));
  if (!c.extended_next_hop.empty()) {
    j.key("extended_next_hop").begin_array();
    for (const auto& e : c.extended_next_hop) {
      j.begin_object().field("afi", uint64_t(e.afi)).field("safi", uint64_t(e.safi));
      j.field("nexthop_afi", uint64_t(e.nexthop_afi)).end_object();
    }
    j.end_array();
  }
  if (c.graceful_restart) {
    const auto& gr = *c.graceful_restart;
    j.key("graceful_restart").begin_object().field("restarting", gr.restarting);
    j.field("notification", gr.notification).field("restart_time", uint64_t(gr.restart_time));
    j.key("families").begin_array();
    for (const auto& f : gr.families) {
      j.begin_object().field("afi", uint64_t(f.afi)).field("safi", uint64_t(f.safi));
      j.field("forwarding_preserved", f.forwarding_preserved).end_object();
    }
    j.end_array().end_object();
  }
  if (c.long_lived_gr) {
    j.key("long_lived_graceful_restart").begin_array();
    for (const auto& f : c.long_lived_gr->families) {
      j.begin_object().field("afi", uint64_t(f.afi)).field("safi", uint64_t(f.safi));
      j.field("forwarding_preserved", f.forwarding_preserved);
      j.field("stale_time", uint64_t(f.stale_time)).end_object();
    }
    j.end_array();
  }
  if (!c.add_path.empty()) {
    static constexpr const char* kModes[] = {"", "receive", "send", "both"};
    j.key("add_path").begin_array();
    for (const auto& a : c.add_path) {
      j.begin_object().field("afi", uint64_t(a.afi)).field("safi", uint64_t(a.safi));
      j.field("mode", kModes[uint8_t(a.mode)]).end_object();
    }
    j.end_array();
  }
  if (c.fqdn) j.field("hostname", c.fqdn->hostname).field("domain", c.fqdn->domain);
  if (!c.unknown.empty()) {
    j.key("unknown").begin_array();
    for (const auto& u : c.unknown)
      j.begin_object().field("code", uint64_t(u.code)).field("value", to_hex(u.value)).end_object();
    j.end_array();
  }
  j.end_object();
}

void write_message(json::JsonWriter& j, const Message& m) {
  j.field("type", message_type_name(type_of(m)));
  if (const auto* o = std::get_if<OpenMessage>(&m)) write_open(j, *o);
  if (const auto* u = std::get_if<UpdateMessage>(&m)) write_update(j, *u);
  if (const auto* n = std::get_if<NotificationMessage>(&m)) {
    j.field("code", uint64_t(n->code)).field("subcode", uint64_t(n->subcode));
    j.field("code_name", error_code_name(n->code));
    j.field("subcode_name", error_subcode_name(n->code, n->subcode));
    j.field("data", to_hex(n->data));
    if (auto text = n->shutdown_message()) j.field("shutdown_message", *text);
  }
  if (const auto* r = std::get_if<RouteRefreshMessage>(&m)) {
    j.field("afi", uint64_t(r->afi)).field("safi", uint64_t(r->safi));
    j.field("subtype", uint64_t(r->subtype));
  }
}

void write_error(json::JsonWriter& j, const DecodeError& e) {
  j.key("error")
      .begin_object()
      .field("code", uint64_t(e.code))
      .field("subcode", uint64_t(e.subcode));
  j.field("code_name", error_code_name(e.code));
  j.field("subcode_name", error_subcode_name(e.code, e.subcode));
  j.field("data", to_hex(e.data)).field("reason", e.reason);
  j.field("action", action_name(AttrAction::SessionReset)).end_object();
}

}  // namespace

int decode_messages(std::span<const uint8_t> bytes, const DecodeContext& ctx, std::ostream& out) {
  int status = 0;
  while (!bytes.empty()) {
    json::JsonWriter j;
    j.begin_object();
    auto header = decode_header(bytes, ctx);
    // Without a valid header the rest cannot be framed: report and stop.
    const size_t len = header ? std::min<size_t>(header->length, bytes.size()) : bytes.size();
    auto msg = header ? decode(bytes.first(len), ctx)
                      : std::expected<Message, DecodeError>(std::unexpected(header.error()));
    j.field("length", uint64_t(len));
    if (msg) {
      write_message(j, *msg);
    } else {
      write_error(j, msg.error());
      status = 1;
    }
    out << j.end_object().str() << '\n';
    bytes = bytes.subspan(len);
  }
  return status;
}

}  // namespace closbgp::cli
