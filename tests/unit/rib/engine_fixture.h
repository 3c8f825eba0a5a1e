// The RIB engine driven as the session layer drives it: UPDATE-shaped
// inputs, session events and local changes in; FIB deltas and each
// member's advertisements out (recorded by a fake session layer). Shared
// by engine_test.cpp and table_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include "rib/attr_intern.h"
#include "rib/rib.h"
#include "tests/mocks/advertisement_recorder.h"

namespace closbgp::rib::test {

constexpr uint32_t kLocalAs = 65101;
const wire::Prefix kP1 = *wire::Prefix::parse("10.1.0.0/24");
const wire::Prefix kP2 = *wire::Prefix::parse("10.2.0.0/24");

// A neighbour on its own link (ifindex = id + 10), at fe80::<id>.
struct Neighbor {
  SourceId id;
  uint32_t as;

  wire::IpAddress address() const { return *wire::IpAddress::parse("fe80::" + std::to_string(id)); }
  bool ebgp() const { return as != kLocalAs; }
  uint32_t router_id() const { return 0x0a000000 + id; }
  PathSource source() const { return PathSource{id, ebgp(), as, router_id(), address(), id + 10}; }
  Member member() const {
    Member m;
    m.id = id;
    m.ebgp = ebgp();
    m.peer_as = as;
    m.negotiated = m.families = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    m.interface = "swp" + std::to_string(id);
    m.address = address();
    return m;
  }
  // An UPDATE announcing `prefixes` (of one family) with AS_PATH {as,
  // more...}; an iBGP neighbour's without its AS (it is ours).
  wire::UpdateMessage announce(std::vector<wire::Prefix> prefixes,
                               std::vector<uint32_t> more = {}) const {
    wire::UpdateMessage u;
    u.attributes.origin = wire::Origin::Igp;
    u.attributes.as_path = wire::AsPath{};
    if (ebgp()) more.insert(more.begin(), as);
    if (!more.empty())
      u.attributes.as_path->segments.push_back({wire::SegmentType::Sequence, more});
    wire::MpReach reach;
    reach.family = wire::family_of(prefixes.front().afi());  // one family per UPDATE
    reach.next_hop = {address(), address()};
    for (const auto& p : prefixes) reach.nlri.push_back({p, 0});
    u.mp_reach = std::move(reach);
    return u;
  }
  wire::UpdateMessage withdraw(std::vector<wire::Prefix> prefixes) const {
    wire::UpdateMessage u;
    for (const auto& p : prefixes) u.withdrawn.push_back({p, 0});
    return u;
  }
};

const Neighbor kA{1, 65001}, kB{2, 65002}, kC{3, 65003};

// `n`'s UPDATE with EVPN `routes` from `vtep` and extended communities
// `ext`; `more` ASes after its own.
inline wire::UpdateMessage evpn_update(const Neighbor& n, std::vector<wire::EvpnRoute> routes,
                                       wire::IpAddress vtep, std::vector<uint64_t> ext,
                                       std::vector<uint32_t> more = {}) {
  wire::UpdateMessage u = n.announce({kP1}, std::move(more));
  u.mp_reach->family = wire::Family::L2vpnEvpn;
  u.mp_reach->nlri.clear();
  u.mp_reach->next_hop = {vtep, std::nullopt};
  u.mp_reach->evpn = std::move(routes);
  u.attributes.ext_communities = std::move(ext);
  return u;
}

// An inclusive multicast route (type 3) of `vtep`, with `rd`.
inline wire::EvpnRoute imet_route(const wire::RouteDistinguisher& rd, wire::IpAddress vtep) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::InclusiveMulticast);
  r.rd = rd;
  r.ip = vtep;
  return r;
}
// A MAC/IP route (type 2) of VNI `vni`, with RD 10.0.0.`rd`:100.
inline wire::EvpnRoute mac_ip_route(uint8_t rd, const wire::MacAddress& mac,
                                    std::optional<wire::IpAddress> ip, uint32_t vni = 100) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = {1, {10, 0, 0, rd, 0, 100}};
  r.mac = mac;
  r.ip = ip;
  r.labels = {vni};
  return r;
}

class Engine : public ::testing::Test {
 protected:
  explicit Engine(RibOptions o = options()) : rib_(std::move(o)) {}

  static RibOptions options() {
    RibOptions o;
    o.local_as = kLocalAs;
    o.router_id = 0x0a0000fe;
    o.drain_prepend = 2;
    return o;
  }
  void up(const Neighbor& n, PeerPolicy policy = {}) {
    rib_.session_up(n.source(), n.member(), policy, out_);
  }
  // `n` up with L2VPN EVPN negotiated too.
  void up_evpn(const Neighbor& n) {
    Member m = n.member();
    m.negotiated.add(wire::Family::L2vpnEvpn);
    m.families.add(wire::Family::L2vpnEvpn);
    rib_.session_up(n.source(), m, {}, out_);
  }
  // One loop turn: the default VRF's FIB delta it produced (its tables'
  // together), the advertisements recorded.
  RouteUpdate flush() {
    RouteUpdateBuilder fib;
    const Rib::Installer install = [&](const TableId& table, RouteUpdate u) {
      EXPECT_TRUE(table.is_default_vrf());
      for (const auto& [prefix, set] : u.upsert) fib.upsert(prefix, u.set(set));
      for (const auto& prefix : u.remove) fib.remove(prefix);
      return ++sequence_;
    };
    rib_.flush(&install, out_);
    return fib.take();
  }
  // A and B up, A's `prefixes` sent on to B; B's record starts empty.
  void a_announces_to_b(std::vector<wire::Prefix> prefixes) {
    up(kA);
    up(kB);
    rib_.apply(kA.id, kA.announce(std::move(prefixes)));
    flush();
    out_.take(kB.id);
  }
  static std::vector<uint32_t> as_path(const wire::PathAttributes& a) {
    return a.as_path->segments.at(0).asns;
  }
  // What `query` selects of a member's Adj-RIB-Out, sorted by prefix.
  std::vector<std::pair<wire::Prefix, wire::PathAttributes>> sent_to(SourceId member,
                                                                     PrefixQuery query = {}) const {
    std::vector<std::pair<wire::Prefix, wire::PathAttributes>> out;
    rib_.visit_adj_rib_out(member, query, [&](const auto& p, uint32_t, const Variant& v) {
      out.emplace_back(p, v.attributes);
    });
    std::sort(out.begin(), out.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    return out;
  }

  Rib rib_;
  mocks::AdvertisementRecorder out_;
  uint64_t sequence_ = 0;
};

}  // namespace closbgp::rib::test
