// libFuzzer target: a peer's byte stream through a whole session, as the
// daemon runs it: framing, decoding with the negotiated context and a
// path-attribute filter, the FSM (any message in any state), the
// Adj-RIB-In, route-map-in, the Loc-RIB, and the attributes each new best
// path is sent on with (export rules, encoding). Unless the first byte is
// 0, a valid OPEN and KEEPALIVE go first, so most inputs explore an
// Established session; the first byte also picks the peer's capabilities.
//
// Invariants: nothing crashes (ASan/UBSan); what we would send decodes
// again; when the session ends, every path and every attribute set it
// brought into the RIB is gone.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "bgpd/session/fsm.h"
#include "bgpd/session/route_policy.h"
#include "rib/adj_rib_in.h"
#include "rib/attr_intern.h"
#include "rib/loc_rib.h"

using namespace closbgp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr uint32_t kLocalAs = 65101, kPeerAs = 65000, kPeerId = 1;
const auto kNow = session::Clock::time_point{} + std::chrono::hours(1);

session::LocalConfig local_config(uint32_t asn, uint32_t router_id) {
  session::LocalConfig l;
  l.asn = asn;
  l.router_id = router_id;
  l.gr_restart_time = 120;
  return l;
}

// The peer's OPEN and KEEPALIVE; `mode` drops some of its capabilities.
std::vector<uint8_t> prologue(uint8_t mode) {
  wire::OpenMessage open = session::make_open(local_config(kPeerAs, 0x0a000001));
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

class Harness {
 public:
  Harness() {
    policy_.in = route_map_in();
    policy_.allowas_in = 1;
    policy_.remove_private_as = config::Neighbor::RemovePrivateAs::All;
    s_.local = local_config(kLocalAs, 0x0a00000b);
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
    check(adj_in_.received() == 0 && rib_.size() == 0);
  }

 private:
  void step(const session::Event& e) {
    for (auto& a : session::step(s_, e, kNow)) {
      if (std::holds_alternative<session::action::Down>(a)) {
        adj_in_.clear();
        rib_.remove_source(kPeerId);
      }
    }
  }

  void deliver(wire::Message&& m) {
    if (auto* o = std::get_if<wire::OpenMessage>(&m)) return step(session::event::OpenReceived{*o});
    if (std::holds_alternative<wire::KeepaliveMessage>(m))
      return step(session::event::KeepaliveReceived{});
    if (auto* n = std::get_if<wire::NotificationMessage>(&m))
      return step(session::event::NotificationReceived{std::move(*n)});
    if (std::holds_alternative<wire::RouteRefreshMessage>(m))
      return step(session::event::RouteRefreshReceived{});
    step(session::event::UpdateReceived{});
    if (s_.state == session::State::Established) update(std::get<wire::UpdateMessage>(m));
  }

  void update(const wire::UpdateMessage& u) {
    rib::PathSource source;
    source.peer_id = kPeerId;
    source.peer_as = s_.negotiated.peer_as;
    source.peer_router_id = s_.negotiated.peer_router_id;
    std::vector<rib::RouteChange> changed;
    adj_in_.apply(u, source, kLocalAs, policy_.allowas_in, changed);
    for (const auto& [prefix, path] : changed) {
      std::shared_ptr<const wire::PathAttributes> attrs;
      if (path && path->accepted)
        attrs = session::import_attributes(policy_, true, prefix, path->attributes, {});
      if (!attrs) {
        rib_.remove(prefix, kPeerId);
        continue;
      }
      if (!rib_.set(prefix, rib::make_path(rib::intern(*attrs), path->next_hop, source))) continue;
      if (const auto* entry = rib_.find(prefix)) send_on(prefix, entry->best());
    }
  }

  // What another eBGP peer would be sent, encoded and decoded again.
  void send_on(const wire::Prefix& prefix, const rib::Path& best) {
    session::ExportRules to;
    to.local_as = kLocalAs;
    to.policy = &policy_;
    to.drain = session::DrainState::Drained;  // the longest variant: community and prepends
    to.drain_prepend = 2;
    auto attrs = session::export_attributes(best, prefix, to);
    if (!attrs) return;
    wire::UpdateMessage out;
    out.attributes = std::move(*attrs);
    wire::MpReach reach;
    reach.family = wire::family_of(prefix.afi());
    reach.next_hop = {*wire::IpAddress::parse("fe80::1"), std::nullopt};
    reach.nlri = {{prefix, 0}};
    out.mp_reach = std::move(reach);
    const wire::EncodeContext ectx = s_.negotiated.encode_context();
    auto bytes = wire::encode(wire::Message{out}, ectx);
    if (!bytes) return;  // too large for the session: the daemon logs and skips it
    wire::DecodeContext dctx;
    dctx.four_octet_as = ectx.four_octet_as;
    dctx.extended_message = ectx.extended_message;
    check(wire::decode(*bytes, dctx).has_value());
  }

  session::Session s_;
  session::PeerPolicy policy_;
  rib::AdjRibIn adj_in_;
  rib::LocRib rib_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t interned_before = rib::interned_count();
  std::vector<uint8_t> stream;
  if (data[0] != 0) stream = prologue(data[0]);
  stream.insert(stream.end(), data + 1, data + size);
  {
    Harness h;
    h.run(stream);
    h.finish();
  }
  check(rib::interned_count() == interned_before);
  return 0;
}
