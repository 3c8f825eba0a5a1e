// The RIB engine's views as BMP Route Monitoring: pre-policy holds what
// the neighbour sent, post-policy what import policy made of it, the
// Loc-RIB the best paths; a first dump (TableSync) leaves out what a view
// does not hold and ends each view with End-of-RIB.
#include "bgpd/bmp/route_messages.h"

#include <gtest/gtest.h>

#include <set>

#include "bgpd/bmp/table_sync.h"
#include "bgpd/wire/codec.h"
#include "tests/mocks/advertisement_recorder.h"

namespace closbgp::bmp {
namespace {

const wire::Prefix kP1 = *wire::Prefix::parse("10.1.0.0/24");
const wire::Prefix kP2 = *wire::Prefix::parse("10.2.0.0/24");
const wire::Prefix kP6 = *wire::Prefix::parse("2001:db8:1::/48");
constexpr rib::SourceId kA = 1;

// What a collector makes of the bytes: per message, the peer type, the L
// flag, and the prefixes announced and withdrawn ("#<path id>" after a
// prefix with one: `ids`, the families the collector reads ids in).
struct Seen {
  uint8_t peer_type = 0;
  bool post = false;
  std::set<std::string> announced, withdrawn;
  bool end_of_rib = false;
  std::optional<uint32_t> local_pref;
};

std::vector<Seen> read(const std::vector<uint8_t>& bytes, wire::FamilySet ids = {}) {
  std::vector<Seen> out;
  size_t whole = 0;
  wire::bmp::for_each_message(bytes, [&](std::span<const uint8_t> m) {
    whole += m.size();
    EXPECT_EQ(m[0], 3);
    EXPECT_EQ(m[5], 0);  // Route Monitoring
    Seen s;
    s.peer_type = m[6];
    s.post = m[7] & 0x40;
    wire::DecodeContext ctx;
    ctx.ebgp = false;  // LOCAL_PREF is read, as a collector reads it
    ctx.add_path = ids;
    auto msg = wire::decode(m.subspan(48), ctx);
    EXPECT_TRUE(msg) << (msg ? "" : msg.error().reason);
    if (!msg) return;
    const auto& u = std::get<wire::UpdateMessage>(*msg);
    s.end_of_rib = u.end_of_rib().has_value();
    auto names = [](const std::vector<wire::Nlri>& nlri, std::set<std::string>& into) {
      for (const auto& n : nlri)
        into.insert(n.prefix.to_string() + (n.path_id ? "#" + std::to_string(n.path_id) : ""));
    };
    names(u.nlri, s.announced);
    names(u.withdrawn, s.withdrawn);
    if (u.mp_reach) names(u.mp_reach->nlri, s.announced);
    if (u.mp_unreach) names(u.mp_unreach->withdrawn, s.withdrawn);
    s.local_pref = u.attributes.local_pref;
    out.push_back(std::move(s));
  });
  EXPECT_EQ(whole, bytes.size());
  return out;
}

std::set<std::string> announced(const std::vector<Seen>& seen) {
  std::set<std::string> all;
  for (const auto& s : seen) all.insert(s.announced.begin(), s.announced.end());
  return all;
}

class Views : public ::testing::Test {
 protected:
  Views() : rib_(options()) {
    // route-map-in: deny 10.2.0.0/24, LOCAL_PREF 250 on the rest.
    auto deny = std::make_shared<policy::PrefixList>(
        policy::PrefixList{{{policy::Action::Permit, kP2, 24, 24}}});
    policy::RouteMapEntry drop{10, policy::Action::Deny, {}, {}, {}};
    drop.match.prefix_list = deny;
    policy::RouteMapEntry rest{20, policy::Action::Permit, {}, {}, {}};
    rest.set.local_pref = 250;
    rib::PeerPolicy policy;
    policy.in = std::make_shared<policy::RouteMap>(std::vector<policy::RouteMapEntry>{drop, rest});
    const auto address = *wire::IpAddress::parse("fe80::1");
    rib::Member member;
    member.id = kA;
    member.peer_as = 65001;
    member.negotiated = member.families = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    rib_.session_up({kA, true, 65001, 0x0a000001, address, 11}, member, policy, sink_);
    rib_.originate(*wire::Prefix::parse("10.9.0.0/24"), own_);
  }
  static rib::RibOptions options() {
    rib::RibOptions o;
    o.local_as = 65101;
    return o;
  }
  void announce(std::vector<wire::Prefix> prefixes) {
    wire::UpdateMessage u;
    u.attributes.origin = wire::Origin::Igp;
    u.attributes.as_path = wire::AsPath{{{wire::SegmentType::Sequence, {65001}}}};
    const auto address = *wire::IpAddress::parse("fe80::1");
    for (auto family : {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast}) {
      wire::MpReach reach;
      reach.family = family;
      reach.next_hop = {*wire::IpAddress::parse("2001:db8::1"), address};
      for (const auto& p : prefixes)
        if (wire::family_of(p.afi()) == family) reach.nlri.push_back({p, 0});
      if (reach.nlri.empty()) continue;
      u.mp_reach = reach;
      rib_.apply(kA, u);
    }
    rib_.flush(nullptr, sink_);
  }
  std::vector<Seen> view(View v, std::vector<wire::Prefix> prefixes) {
    std::vector<uint8_t> out;
    wire::bmp::PeerHeader h;
    h.type = v == View::LocRib ? wire::bmp::PeerType::LocRib : wire::bmp::PeerType::Global;
    h.post_policy = v == View::PostPolicy;
    append_routes(rib_, v, kA, h, without_ids(prefixes), out);
    return read(out);
  }

  rib::Rib rib_;
  mocks::AdvertisementRecorder sink_;
  wire::PathAttributes own_ = [] {
    wire::PathAttributes a;
    a.origin = wire::Origin::Igp;
    return a;
  }();
};

TEST_F(Views, PrePolicyHoldsWhatWasSentPostPolicyWhatPolicyMadeOfIt) {
  announce({kP1, kP2, kP6});
  const auto pre = view(View::PrePolicy, {kP1, kP2, kP6});
  EXPECT_EQ(announced(pre),
            (std::set<std::string>{"10.1.0.0/24", "10.2.0.0/24", "2001:db8:1::/48"}));
  // One UPDATE for the prefixes that share a path and family.
  EXPECT_EQ(pre.size(), 2u);
  EXPECT_FALSE(pre[0].local_pref);
  const auto post = view(View::PostPolicy, {kP1, kP2, kP6});
  EXPECT_EQ(announced(post), (std::set<std::string>{"10.1.0.0/24", "2001:db8:1::/48"}));
  ASSERT_FALSE(post.empty());
  EXPECT_TRUE(post.back().post);
  bool denied_withdrawn = false;
  for (const auto& s : post) {
    if (!s.announced.empty()) {
      EXPECT_EQ(s.local_pref, 250u);
    }
    denied_withdrawn |= s.withdrawn.contains("10.2.0.0/24");
  }
  EXPECT_TRUE(denied_withdrawn);
}

TEST_F(Views, LocRibHoldsTheBestPathsOursIncluded) {
  announce({kP1, kP2});
  const auto loc = view(View::LocRib, {kP1, kP2, *wire::Prefix::parse("10.9.0.0/24")});
  EXPECT_EQ(announced(loc), (std::set<std::string>{"10.1.0.0/24", "10.9.0.0/24"}));
  for (const auto& s : loc) EXPECT_EQ(s.peer_type, 3);
}

TEST_F(Views, AWithdrawnPrefixIsWithdrawnInEveryView) {
  announce({kP1});
  wire::UpdateMessage gone;
  gone.withdrawn = {{kP1, 0}};
  rib_.apply(kA, gone);
  rib_.flush(nullptr, sink_);
  for (auto v : {View::PrePolicy, View::PostPolicy, View::LocRib}) {
    const auto seen = view(v, {kP1});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].withdrawn, (std::set<std::string>{"10.1.0.0/24"}));
  }
}

TEST_F(Views, AnAddPathNeighboursPathsGoWithTheirPathIds) {
  for (uint32_t id : {1u, 2u}) {
    wire::UpdateMessage u;
    u.attributes.origin = wire::Origin::Igp;
    u.attributes.as_path = wire::AsPath{{{wire::SegmentType::Sequence, {65001, 64999 + id}}}};
    wire::MpReach reach;
    reach.family = wire::Family::Ipv4Unicast;
    reach.next_hop = {*wire::IpAddress::parse("fe80::1"), wire::IpAddress::parse("fe80::1")};
    reach.nlri = {{kP1, id}};
    u.mp_reach = reach;
    rib_.apply(kA, u);
  }
  const wire::FamilySet ids{wire::Family::Ipv4Unicast};
  const std::vector<wire::Nlri> both{{kP1, 1}, {kP1, 2}};
  std::vector<uint8_t> out;
  append_routes(rib_, View::PrePolicy, kA, {}, both, out, true, ids);
  EXPECT_EQ(announced(read(out, ids)), (std::set<std::string>{"10.1.0.0/24#1", "10.1.0.0/24#2"}));
  // The neighbour withdraws id 1: that id is withdrawn, in both views.
  wire::UpdateMessage gone;
  gone.withdrawn = {{kP1, 1}};
  rib_.apply(kA, gone);
  for (auto v : {View::PrePolicy, View::PostPolicy}) {
    out.clear();
    append_routes(rib_, v, kA, {}, nlri_of(gone), out, true, ids);
    const auto seen = read(out, ids);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].withdrawn, (std::set<std::string>{"10.1.0.0/24#1"}));
  }
  // A first dump lists each path id it holds.
  TableSync sync(rib_, [](rib::SourceId id) { return id == kA; });
  sync.add({View::PrePolicy, kA, {}, {}, false, ids});
  out.clear();
  while (!sync.done()) sync.next(16, 1 << 20, out);
  EXPECT_EQ(announced(read(out, ids)), (std::set<std::string>{"10.1.0.0/24#2"}));
}

TEST_F(Views, AFirstDumpLeavesOutWhatAViewDoesNotHoldAndEndsWithEndOfRib) {
  announce({kP1, kP2, kP6});
  TableSync sync(rib_, [](rib::SourceId id) { return id == kA; });
  wire::bmp::PeerHeader post;
  post.post_policy = true;
  sync.add({View::PostPolicy,
            kA,
            post,
            {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast},
            false,
            {}});
  sync.add({View::PrePolicy, 7, {}, {wire::Family::Ipv4Unicast}, false, {}});  // not up: dropped
  std::vector<uint8_t> out;
  size_t batches = 0;
  while (!sync.done()) {
    sync.next(1, 1 << 20, out);
    ASSERT_LT(++batches, 10u);
  }
  const auto seen = read(out);
  EXPECT_EQ(announced(seen), (std::set<std::string>{"10.1.0.0/24", "2001:db8:1::/48"}));
  size_t end_of_rib = 0;
  for (const auto& s : seen) {
    EXPECT_TRUE(s.withdrawn.empty());
    end_of_rib += s.end_of_rib;
  }
  EXPECT_EQ(end_of_rib, 2u);
  EXPECT_TRUE(seen.back().end_of_rib);
}

TEST_F(Views, ABatchStopsAtItsByteBudget) {
  std::vector<wire::Prefix> many;
  for (int i = 0; i < 600; ++i)
    many.push_back(*wire::Prefix::parse("10.3." + std::to_string(i / 4) + "." +
                                        std::to_string(i % 4 * 64) + "/26"));
  announce(many);
  TableSync sync(rib_, [](rib::SourceId) { return true; });
  sync.add({View::PrePolicy, kA, {}, {wire::Family::Ipv4Unicast}, false, {}});
  std::vector<uint8_t> out;
  sync.next(2048, 1, out);  // one slice of 256 prefixes, then the budget is spent
  EXPECT_FALSE(sync.done());
  EXPECT_EQ(announced(read(out)).size(), 256u);
  sync.next(2048, 1 << 20, out);
  EXPECT_TRUE(sync.done());
  EXPECT_EQ(announced(read(out)).size(), 600u);
}

}  // namespace
}  // namespace closbgp::bmp
