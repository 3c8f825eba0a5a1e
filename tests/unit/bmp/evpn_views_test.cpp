// The EVPN table as BMP Route Monitoring (RFC 7854, RFC 9069): a
// neighbour's post-policy view holds what its EVPN route-map-in left, its
// pre-policy view what it sent (live, from the UPDATE), the Loc-RIB the
// best of each route, ours included; each route with its labels and the
// VTEP as next hop. A first dump (TableSync) sends the EVPN routes after
// the unicast prefixes and ends with EVPN's End-of-RIB.
#include <gtest/gtest.h>

#include <set>

#include "bgpd/bmp/route_messages.h"
#include "bgpd/bmp/table_sync.h"
#include "bgpd/wire/codec.h"
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::bmp {
namespace {

using rib::test::kA;
using rib::test::kB;

const wire::IpAddress kVtepA = wire::IpAddress::v4(0x0a000001);  // 10.0.0.1

wire::EvpnRoute imet() {
  return rib::test::imet_route({1, {10, 0, 0, 1, 0, 100}}, kVtepA);
}
wire::EvpnRoute mac(uint8_t host, uint32_t vni) {
  return rib::test::mac_ip_route(1, {0xaa, 0xbb, 0xcc, 0, 0, host}, std::nullopt, vni);
}
const std::string kImet = "10.0.0.1:100:[3]:[0]:[32]:[10.0.0.1]";
const std::string kMac1 = "10.0.0.1:100:[2]:[0]:[48]:[aa:bb:cc:00:00:01]";
const std::string kMac2 = "10.0.0.1:100:[2]:[0]:[48]:[aa:bb:cc:00:00:02]";

// What a collector reads: per message the peer type and L flag, the EVPN
// routes announced ("<route> vni <label>" and "via <next hop>") and
// withdrawn, End-of-RIB markers by family.
struct Seen {
  uint8_t peer_type = 0;
  bool post = false;
  std::set<std::string> announced, withdrawn, next_hops;
  std::optional<wire::Family> end_of_rib;
};

std::string text(const wire::EvpnRoute& r) {
  std::string t = r.rd.to_string() + ":" + wire::evpn_route_text(r);
  for (uint32_t label : r.labels) t += " vni " + std::to_string(label);
  return t;
}

std::vector<Seen> read(const std::vector<uint8_t>& bytes) {
  std::vector<Seen> out;
  size_t whole = 0;
  wire::bmp::for_each_message(bytes, [&](std::span<const uint8_t> m) {
    whole += m.size();
    EXPECT_EQ(m[5], 0);  // Route Monitoring
    Seen s;
    s.peer_type = m[6];
    s.post = m[7] & 0x40;
    wire::DecodeContext ctx;
    ctx.families.add(wire::Family::L2vpnEvpn);
    auto msg = wire::decode(m.subspan(48), ctx);
    EXPECT_TRUE(msg) << (msg ? "" : msg.error().reason);
    if (!msg) return;
    const auto& u = std::get<wire::UpdateMessage>(*msg);
    s.end_of_rib = u.end_of_rib();
    if (u.mp_reach && u.mp_reach->family == wire::Family::L2vpnEvpn) {
      for (const auto& r : u.mp_reach->evpn) s.announced.insert(text(r));
      s.next_hops.insert(u.mp_reach->next_hop.address.to_string());
    }
    if (u.mp_unreach)
      for (const auto& r : u.mp_unreach->evpn) s.withdrawn.insert(text(r));
    out.push_back(std::move(s));
  });
  EXPECT_EQ(whole, bytes.size());
  return out;
}

std::set<std::string> all(const std::vector<Seen>& seen, std::set<std::string> Seen::*field) {
  std::set<std::string> out;
  for (const auto& s : seen) out.insert((s.*field).begin(), (s.*field).end());
  return out;
}

class EvpnViews : public rib::test::Engine {
 protected:
  void SetUp() override {
    up_evpn(kA);
    up_evpn(kB);
  }
  wire::UpdateMessage from_a(std::vector<wire::EvpnRoute> routes) {
    return rib::test::evpn_update(kA, std::move(routes), kVtepA, {0x030c000000000008});
  }
  std::vector<Seen> view(View v, rib::SourceId source, const wire::UpdateMessage& u) {
    std::vector<uint8_t> out;
    append_evpn_routes(rib_, v, source, {}, evpn_keys_of(u), out);
    return read(out);
  }
};

TEST_F(EvpnViews, EachViewHoldsTheRoutesWithTheirVnisAndTheVtep) {
  const auto u = from_a({imet(), mac(1, 100)});
  rib_.apply(kA.id, u);
  const auto changed = rib_.flush(nullptr, out_);
  EXPECT_EQ(changed.evpn.size(), 2u);  // what the Loc-RIB view is told
  for (auto v : {View::PostPolicy, View::LocRib}) {
    const auto seen = view(v, kA.id, u);
    ASSERT_EQ(seen.size(), 1u);  // one path: one UPDATE
    EXPECT_EQ(seen[0].announced, (std::set<std::string>{kImet, kMac1 + " vni 100"}));
    EXPECT_EQ(seen[0].next_hops, std::set<std::string>{"10.0.0.1"});
  }
  // B sent none of them: its view withdraws them (labels zero).
  EXPECT_EQ(all(view(View::PostPolicy, kB.id, u), &Seen::withdrawn),
            (std::set<std::string>{kImet, kMac1 + " vni 0"}));
  // A withdraws the MAC: gone from every view.
  wire::UpdateMessage gone;
  gone.mp_unreach = wire::MpUnreach{wire::Family::L2vpnEvpn, {}, {mac(1, 0)}};
  rib_.apply(kA.id, gone);
  EXPECT_EQ(rib_.flush(nullptr, out_).evpn.size(), 1u);
  for (auto v : {View::PostPolicy, View::LocRib})
    EXPECT_EQ(all(view(v, kA.id, gone), &Seen::withdrawn), std::set<std::string>{kMac1 + " vni 0"});
}

TEST_F(EvpnViews, PrePolicyIsWhatWasSentPostPolicyWhatTheEvpnRouteMapInLeft) {
  policy::RouteMapEntry no_macs;
  no_macs.seq = 10;
  no_macs.action = policy::Action::Deny;
  no_macs.match.evpn_route_type = wire::EvpnType::MacIp;
  policy::RouteMapEntry rest;
  rest.seq = 20;
  rib::PeerPolicy policy;
  policy.evpn_in =
      std::make_shared<const policy::RouteMap>(std::vector<policy::RouteMapEntry>{no_macs, rest});
  rib_.set_policy(kA.id, policy, out_);
  const auto u = from_a({imet(), mac(1, 100)});
  rib_.apply(kA.id, u);
  rib_.flush(nullptr, out_);
  std::vector<uint8_t> out;
  append_received_evpn({}, u, out);
  EXPECT_EQ(all(read(out), &Seen::announced), (std::set<std::string>{kImet, kMac1 + " vni 100"}));
  const auto post = view(View::PostPolicy, kA.id, u);
  EXPECT_EQ(all(post, &Seen::announced), std::set<std::string>{kImet});
  EXPECT_EQ(all(post, &Seen::withdrawn), std::set<std::string>{kMac1 + " vni 0"});
  // An UPDATE RFC 7606 treats as withdrawn: its routes withdrawn as sent.
  auto bad = from_a({mac(2, 100)});
  bad.action = wire::AttrAction::TreatAsWithdraw;
  out.clear();
  append_received_evpn({}, bad, out);
  const auto seen = read(out);
  EXPECT_TRUE(all(seen, &Seen::announced).empty());
  EXPECT_EQ(all(seen, &Seen::withdrawn), std::set<std::string>{kMac2 + " vni 100"});
}

TEST_F(EvpnViews, AFirstDumpSendsTheEvpnRoutesAfterTheUnicastOnesThenEndOfRib) {
  rib_.apply(kA.id, kA.announce({rib::test::kP1}));
  rib_.apply(kA.id, from_a({imet(), mac(1, 100), mac(2, 200)}));
  rib_.flush(nullptr, out_);
  TableSync sync(rib_, [](rib::SourceId) { return true; });
  const std::vector<wire::Family> eor{wire::Family::Ipv4Unicast, wire::Family::L2vpnEvpn};
  sync.add({View::PostPolicy, kA.id, {}, eor, false, {}, true});
  sync.add({View::PostPolicy, kB.id, {}, eor, false, {}, true});  // sent nothing
  sync.add({View::PrePolicy, kA.id, {}, {wire::Family::Ipv4Unicast}, false, {}, false});
  std::vector<uint8_t> out;
  for (size_t batches = 0; !sync.done(); ++batches) {
    ASSERT_LT(batches, 10u);
    sync.next(2, 1 << 20, out);  // two routes a batch: unicast and EVPN share one
  }
  // Each message: "unicast", the EVPN routes it announces, or the family
  // of its End-of-RIB. A first dump leaves out what a view lacks.
  std::vector<std::string> got;
  for (const auto& s : read(out)) {
    EXPECT_TRUE(s.withdrawn.empty());
    std::string what = s.end_of_rib ? std::string(wire::family_name(*s.end_of_rib)) : "";
    for (const auto& r : s.announced) what += (what.empty() ? "" : " + ") + r;
    got.push_back(what.empty() ? "unicast" : what);
  }
  // A's post-policy view: its prefix, then its EVPN routes (in the table's
  // order; the batch ends after the first), both End-of-RIBs; B's: the
  // markers only; A's pre-policy view without EVPN: unicast only.
  EXPECT_EQ(got, (std::vector<std::string>{
                     "unicast", kMac1 + " vni 100", kMac2 + " vni 200 + " + kImet, "ipv4-unicast",
                     "l2vpn-evpn", "ipv4-unicast", "l2vpn-evpn", "unicast", "ipv4-unicast"}));
}

}  // namespace
}  // namespace closbgp::bmp
