// libFuzzer target: a peer's byte stream through a whole session, as the
// daemon runs it: framing, decoding with the negotiated context and a
// path-attribute filter, the FSM (any message in any state), and the real
// RIB engine (rib::Rib: Adj-RIB-In, route-map-in, Loc-RIB, aggregation,
// the FIB delta, update groups and the advertisements sent on to a second,
// drained neighbour and to an iBGP route-reflector client, encoded). Unless the first byte is 0, a
// valid OPEN and KEEPALIVE go first, so most inputs explore an Established session; the first byte
// also picks the peer's capabilities, whether it is an iBGP or an eBGP neighbour, whether its
// session ends gracefully (paths kept stale, long-lived, then swept), and whether path ids flow
// both ways (add-path: its paths kept apart by id, every path sent on under ids of ours). L2VPN
// EVPN is negotiated: its routes go into the EVPN table and on to both members.
//
// Invariants: nothing crashes (ASan/UBSan); what we would send decodes
// again, to the neighbour and to a monitoring station (BMP Route
// Monitoring of the pre-policy, post-policy and Loc-RIB views; the UPDATE
// re-encoded as an MRT file keeps it); when the session ends, every path
// and every attribute set it brought into the RIB is gone.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "bgpd/bmp/route_messages.h"
#include "bgpd/session/fsm.h"
#include "bgpd/wire/bmp.h"
#include "bgpd/wire/mrt.h"
#include "rib/attr_intern.h"
#include "rib/rib.h"

using namespace closbgp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr uint32_t kLocalAs = 65101, kPeerAs = 65000, kPeerId = 1, kOtherId = 2, kClientId = 3;
const wire::IpAddress kVtep = wire::IpAddress::v4(0x0a00000b);        // our VXLAN devices' address
const wire::Prefix kOurSubnet = *wire::Prefix::parse("10.1.1.0/24");  // VNI 100's SVI
const auto kNow = session::Clock::time_point{} + std::chrono::hours(1);

session::LocalConfig local_config(uint32_t asn, uint32_t router_id) {
  session::LocalConfig l;
  l.asn = asn;
  l.router_id = router_id;
  l.gr_restart_time = 120;
  return l;
}

// The first byte's bits.
constexpr uint8_t kGraceful = 32, kInternal = 64, kAddPath = 128;

// The peer's OPEN and KEEPALIVE; `mode` drops some of its capabilities and
// may make it an iBGP neighbour.
std::vector<uint8_t> prologue(uint8_t mode) {
  session::LocalConfig peer = local_config(mode & kInternal ? kLocalAs : kPeerAs, 0x0a000001);
  peer.add_path_receive = peer.add_path_send = (mode & kAddPath) != 0;  // path ids both ways
  peer.evpn = true;
  wire::OpenMessage open = session::make_open(peer);
  if (mode & 2) open.capabilities.four_octet_as.reset();
  if (mode & 4) open.capabilities.extended_next_hop.clear();
  if (mode & 8) open.capabilities.extended_message = false;
  if (mode & 16) open.capabilities.graceful_restart.reset();
  std::vector<uint8_t> out = *wire::encode(wire::Message{open}, {});
  const auto keepalive = *wire::encode(wire::Message{wire::KeepaliveMessage{}}, {});
  out.insert(out.end(), keepalive.begin(), keepalive.end());
  return out;
}

// route-map-in: deny 10.66.0.0/16 and longer, tag and prefer the rest.
std::shared_ptr<const policy::RouteMap> route_map_in() {
  auto deny = std::make_shared<policy::PrefixList>(
      policy::PrefixList{{{policy::Action::Permit, *wire::Prefix::parse("10.66.0.0/16"), 16, 32}}});
  policy::RouteMapEntry drop{10, policy::Action::Deny, {}, {}, {}};
  drop.match.prefix_list = deny;
  policy::RouteMapEntry tag{20, policy::Action::Permit, {}, {}, {}};
  tag.set.local_pref = 200;
  tag.set.communities.add = {0xfde80001};
  tag.set.prepend = {kLocalAs};
  return std::make_shared<policy::RouteMap>(std::vector<policy::RouteMapEntry>{drop, tag});
}

// Each message of `bmp` is whole, and a Route Monitoring's UPDATE decodes
// as a collector reads it (4-octet AS numbers, LOCAL_PREF kept).
void check_collector_reads(const std::vector<uint8_t>& bmp, wire::FamilySet ids = {}) {
  wire::DecodeContext ctx;
  ctx.ebgp = false;
  ctx.add_path = ids;
  ctx.families.add(wire::Family::L2vpnEvpn);
  size_t whole = 0;
  wire::bmp::for_each_message(bmp, [&](std::span<const uint8_t> m) {
    check(m.size() >= 48 && m[0] == 3 && m[5] == 0);
    check(wire::decode(m.subspan(48), ctx).has_value());
    whole += m.size();
  });
  check(whole == bmp.size());
}

// Encodes what the engine sends, as the session layer would, and decodes it again.
class Encoder final : public rib::AdvertisementSink {
 public:
  wire::EncodeContext ctx;

  void advertise(rib::SourceId, const rib::Advertisement& what) override {
    std::vector<uint8_t> out;
    const wire::MpNextHop next_hop{*wire::IpAddress::parse("fe80::1"), std::nullopt};
    rib::encode(
        what, [&](wire::Family) { return next_hop; }, ctx, out);
    wire::DecodeContext dctx;
    dctx.four_octet_as = ctx.four_octet_as;
    dctx.extended_message = ctx.extended_message;
    dctx.add_path = ctx.add_path;
    dctx.families.add(wire::Family::L2vpnEvpn);
    size_t off = 0;
    while (off < out.size()) {
      const auto rest = std::span<const uint8_t>(out).subspan(off);
      auto header = wire::decode_header(rest, dctx);
      check(header.has_value() && header->length <= rest.size());
      check(wire::decode(rest.first(header->length), dctx).has_value());
      off += header->length;
    }
  }
};

rib::RibOptions rib_options() {
  rib::RibOptions o;
  o.local_as = kLocalAs;
  o.router_id = 0x0a00000b;
  o.aggregates = {{*wire::Prefix::parse("10.0.0.0/8"), true, true, nullptr}};
  o.drain_prepend = 2;
  return o;
}

class Harness {
 public:
  Harness(bool graceful, bool internal, bool add_path) : graceful_(graceful), rib_(rib_options()) {
    policy_.in = route_map_in();
    policy_.allowas_in = 1;
    policy_.remove_private_as = rib::RemovePrivateAs::All;
    // Every path to a neighbour that takes path ids (the fuzzed one, when
    // it offered to receive them, and `other` below with add-path).
    policy_.add_path = {rib::AddPathSend::Mode::All, 1};
    s_.local = local_config(kLocalAs, 0x0a00000b);
    s_.local.add_path_receive = s_.local.add_path_send = add_path;
    s_.local.evpn = true;  // its EVPN routes go on to both members below
    s_.local.peer_as.kind =
        internal ? session::PeerAsRule::Kind::Internal : session::PeerAsRule::Kind::External;
    // The neighbour routes are sent on to: eBGP, drained (the longest
    // variant: community and prepends).
    rib::Member other;
    other.id = kOtherId;
    other.peer_as = 65002;
    other.negotiated = other.families = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast,
                                         wire::Family::L2vpnEvpn};
    other.drain = rib::DrainState::Drained;
    if (add_path) other.add_path = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    rib::PathSource source;
    source.peer_id = kOtherId;
    rib_.session_up(source, other, policy_, out_);
    // And an iBGP route-reflector client (the fuzzed ORIGINATOR_ID and
    // CLUSTER_LIST meet the loop check and the iBGP export).
    rib::Member client = other;
    client.id = source.peer_id = kClientId;
    client.ebgp = source.ebgp = false;
    client.peer_as = source.peer_as = kLocalAs;
    client.drain = rib::DrainState::Live;
    client.llgr = true;  // long-lived stale paths go to it, not to `other`
    rib::PeerPolicy reflected;
    reflected.route_reflector_client = true;
    rib_.session_up(source, client, reflected, out_);
    rib_.originate(*wire::Prefix::parse("10.255.0.0/24"), local_attributes());
    // A leaf's VNIs (automatic targets import rt:*:100 and rt:*:200) and a
    // routed tenant (L3 VNI 4001, rt:*:4001; VNI 100's subnet ours), a MAC
    // of ours the fuzzed routes may claim: what they make of the kernel is
    // checked in flush().
    rib_.evpn_leaf().set_tenants({{4001, true, true}});
    rib_.evpn_leaf().set_vnis(
        {{100, kVtep, {}, {kOurSubnet}}, {200, kVtep}, {4001, kVtep, {2, 0, 0, 0, 0, 0xfe}, {}}});
    rib_.evpn_leaf().set_mac(100, {2, 0, 0, 0, 0, 1}, true);
    // The fuzzed peer's paths are direct only with a link-local next hop
    // (its address is unset): other next hops resolve through this subnet
    // or through the fuzzed routes themselves, loops included.
    rib_.set_connected({{*wire::IpAddress::parse("10.0.0.1"), 8, 3, false},
                        {*wire::IpAddress::parse("10.255.0.1"), 32, 1, true}});
    flush();
    step(session::event::Start{});
    step(session::event::TcpConnected{});
  }

  void run(std::span<const uint8_t> stream) {
    size_t off = 0;
    while (s_.state != session::State::Idle && stream.size() - off >= wire::kHeaderSize) {
      wire::DecodeContext ctx = s_.state >= session::State::OpenConfirm
                                    ? s_.negotiated.decode_context()
                                    : wire::DecodeContext{};
      ctx.discard.set(28);
      ctx.treat_as_withdraw.set(29);
      const auto rest = stream.subspan(off);
      auto header = wire::decode_header(rest, ctx);
      if (!header) return step(session::event::BadMessage{std::move(header.error())});
      if (header->length > rest.size()) return;
      off += header->length;
      auto m = wire::decode(rest.first(header->length), ctx);
      if (!m) {
        step(session::event::BadMessage{std::move(m.error())});
        continue;
      }
      deliver(std::move(*m));
    }
  }

  // The session ends: nothing it brought may stay.
  void finish() {
    step(session::event::Stop{});
    check(s_.state == session::State::Idle);
    // Stale paths of a graceful end live on long-lived (RFC 9494), then go.
    for (auto f : wire::kAllFamilies) rib_.keep_long_lived(kPeerId, f);
    flush();
    rib_.sweep_stale(kPeerId, std::nullopt);
    rib_.forget(kPeerId);
    rib_.withdraw_local(*wire::Prefix::parse("10.255.0.0/24"));
    flush();
    check(rib_.adj_rib_in(kPeerId) == nullptr && rib_.prefixes() == 0);
    rib_.forget(kOtherId);
    rib_.forget(kClientId);
  }

 private:
  static wire::PathAttributes local_attributes() {
    wire::PathAttributes a;
    a.origin = wire::Origin::Igp;
    a.as_path = wire::AsPath{};
    return a;
  }

  void flush() {
    // The FIB delta too: a prefix it installs has a next hop.
    const rib::Rib::Installer install = [](const rib::TableId& table, rib::RouteUpdate u) {
      check(table.is_default_vrf());
      for (const auto& [prefix, set] : u.upsert) check(set < u.sets.size() && !u.set(set).empty());
      return uint64_t(1);
    };
    const auto flushed = rib_.flush(&install, out_);
    for (const auto& [table, changed] : flushed.tables) {
      std::vector<uint8_t> bmp;
      bmp::append_routes(rib_, bmp::View::LocRib, rib::kLocalSource, {}, bmp::without_ids(changed),
                         bmp);
      check_collector_reads(bmp);
    }
    std::vector<uint8_t> evpn;
    bmp::append_evpn_routes(rib_, bmp::View::LocRib, rib::kLocalSource, {}, flushed.evpn, evpn);
    check_collector_reads(evpn);
    // Each route's best path as an MRT RIB dump writes it: one whole record.
    for (const auto& key : flushed.evpn)
      if (const auto* e = rib_.evpn().find(key)) {
        const auto& best = e->best_candidate();
        const wire::mrt::RibEntry entry{1, 0, 0, best.path->attributes.get(), best.path->next_hop};
        std::vector<uint8_t> record;
        wire::mrt::rib_evpn(0, 0, best.route(key), std::span(&entry, 1), record);
        check(record.size() >= 12 &&
              record.size() - 12 == (size_t(record[8]) << 24 | size_t(record[9]) << 16 |
                                     size_t(record[10]) << 8 | record[11]));
      }
    // Kernel entries only for our VNIs, towards unicast VTEPs, for host
    // (or router) MACs; tenant routes never for our subnet, never holding
    // their own VTEP.
    const auto k = rib_.evpn_leaf().take_kernel_update();
    const auto ours = [](uint32_t vni) { return vni == 100 || vni == 200 || vni == 4001; };
    for (const auto& r : k.set_routes) {
      check(r.l3vni == 4001 && !r.vteps.empty() && r.prefix != kOurSubnet);
      for (const auto& vtep : r.vteps)
        check(vtep.is_v4() && !vtep.is_unspecified() && !r.prefix.contains({vtep, 32}));
    }
    for (const auto& f : k.add_flood)
      check(ours(f.vni) && f.vtep.is_v4() && !f.vtep.is_unspecified());
    for (const auto& m : k.set_macs)
      check(ours(m.vni) && m.vtep.is_v4() && !m.vtep.is_unspecified() && (m.mac[0] & 1) == 0);
    for (const auto& n : k.set_neighbors) check(ours(n.vni) && !n.ip.is_link_local());
  }

  // The views BMP sends of what `u` changed, and `u` as an MRT file keeps it.
  void monitor(const wire::UpdateMessage& u) {
    const auto nlri = bmp::nlri_of(u);
    const wire::FamilySet ids = s_.negotiated.add_path_rx;
    std::vector<uint8_t> out;
    for (auto view : {bmp::View::PrePolicy, bmp::View::PostPolicy})
      bmp::append_routes(rib_, view, kPeerId, {}, nlri, out, true, ids);
    bmp::append_received_evpn({}, u, out);
    bmp::append_evpn_routes(rib_, bmp::View::PostPolicy, kPeerId, {}, bmp::evpn_keys_of(u), out);
    check_collector_reads(out, ids);
    wire::EncodeContext ctx = s_.negotiated.encode_context();
    ctx.extended_message = true;
    auto again = wire::encode(wire::Message{u}, ctx);
    if (!again) return;  // an attribute it cannot represent: not recorded
    wire::DecodeContext dctx = s_.negotiated.decode_context();
    dctx.extended_message = true;
    check(wire::decode(*again, dctx).has_value());
  }

  void step(const session::Event& e) {
    for (auto& a : session::step(s_, e, kNow)) {
      if (std::holds_alternative<session::action::Established>(a)) {
        rib::PathSource source;
        source.peer_id = kPeerId;
        source.ebgp = s_.negotiated.ebgp;
        source.peer_as = s_.negotiated.peer_as;
        source.peer_router_id = s_.negotiated.peer_router_id;
        source.ifindex = 3;
        rib::Member m;
        m.id = kPeerId;
        m.ebgp = s_.negotiated.ebgp;
        m.peer_as = s_.negotiated.peer_as;
        m.negotiated = m.families = s_.negotiated.families;
        out_.ctx = s_.negotiated.encode_context();
        m.add_path = out_.ctx.add_path;
        rib_.session_up(source, m, policy_, out_);
      } else if (std::holds_alternative<session::action::Down>(a)) {
        rib_.session_down(kPeerId, graceful_ ? rib::DownKind::Graceful : rib::DownKind::Hard);
      }
    }
    flush();
  }

  void deliver(wire::Message&& m) {
    if (auto* o = std::get_if<wire::OpenMessage>(&m)) return step(session::event::OpenReceived{*o});
    if (std::holds_alternative<wire::KeepaliveMessage>(m))
      return step(session::event::KeepaliveReceived{});
    if (auto* n = std::get_if<wire::NotificationMessage>(&m))
      return step(session::event::NotificationReceived{std::move(*n)});
    if (std::holds_alternative<wire::RouteRefreshMessage>(m)) {
      step(session::event::RouteRefreshReceived{});
      if (s_.state == session::State::Established) rib_.refresh(kPeerId, out_);
      return;
    }
    step(session::event::UpdateReceived{});
    if (s_.state != session::State::Established) return;
    const auto& u = std::get<wire::UpdateMessage>(m);
    if (auto eor = u.end_of_rib())
      rib_.sweep_stale(kPeerId, *eor);
    else
      rib_.apply(kPeerId, u);
    monitor(u);
    flush();
  }

  bool graceful_;
  session::Session s_;
  rib::PeerPolicy policy_;
  rib::Rib rib_;
  Encoder out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t interned_before = rib::interned_count();
  std::vector<uint8_t> stream;
  if (data[0] != 0) stream = prologue(data[0]);
  stream.insert(stream.end(), data + 1, data + size);
  {
    Harness h((data[0] & kGraceful) != 0, (data[0] & kInternal) != 0, (data[0] & kAddPath) != 0);
    h.run(stream);
    h.finish();
  }
  check(rib::interned_count() == interned_before);
  return 0;
}
