// The engine's tables, one per (VRF, family): a neighbour's IPv4 and IPv6
// paths land in the default VRF's two tables; a tenant VRF's table opens
// without anything outside the engine knowing, goes to the FIB under its
// own id, and is never sent to the default VRF's neighbours.
#include "bgpd/wire/link_bandwidth.h"
#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

const wire::Prefix kV6 = *wire::Prefix::parse("2001:db8:1::/48");
const TableId kDefaultV4{std::string(kDefaultVrf), wire::Family::Ipv4Unicast};
const TableId kDefaultV6{std::string(kDefaultVrf), wire::Family::Ipv6Unicast};
const TableId kRedV4{"red", wire::Family::Ipv4Unicast};

wire::PathAttributes own_route() {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  return a;
}

class Tables : public Engine {
 protected:
  // One loop turn: what each table handed the FIB, by table.
  std::map<TableId, RouteUpdate> flush_by_table() {
    std::map<TableId, RouteUpdate> fib;
    const Rib::Installer install = [&](const TableId& table, RouteUpdate u) {
      EXPECT_FALSE(fib.contains(table));  // one delta per table per turn
      fib[table] = std::move(u);
      return ++sequence_;
    };
    changed_ = rib_.flush(&install, out_).tables;
    return fib;
  }
  std::vector<Rib::TableChanges> changed_;
};

TEST_F(Tables, TheDefaultVrfHasATablePerFamilyAndPathsGoByTheirFamily) {
  EXPECT_EQ(rib_.tables().size(), 2u);
  ASSERT_NE(rib_.find_table(kDefaultV4), nullptr);
  ASSERT_NE(rib_.find_table(kDefaultV6), nullptr);
  EXPECT_EQ(rib_.find_table(kRedV4), nullptr);
  up(kA);
  up(kB);
  out_.take(kB.id);
  rib_.apply(kA.id, kA.announce({kP1, kP2}));
  rib_.apply(kA.id, kA.announce({kV6}));
  EXPECT_EQ(rib_.unicast(wire::Afi::Ipv4).loc_rib().size(), 2u);
  EXPECT_EQ(rib_.unicast(wire::Afi::Ipv6).loc_rib().size(), 1u);
  EXPECT_EQ(rib_.prefixes(), 3u);
  EXPECT_NE(rib_.entry(kV6), nullptr);

  const auto fib = flush_by_table();
  ASSERT_EQ(fib.size(), 2u);
  EXPECT_EQ(fib.at(kDefaultV4).upsert.size(), 2u);
  ASSERT_EQ(fib.at(kDefaultV6).upsert.size(), 1u);
  EXPECT_EQ(fib.at(kDefaultV6).upsert[0].first, kV6);
  // The changes, told per table (what monitors and WatchEvents hear).
  ASSERT_EQ(changed_.size(), 2u);
  EXPECT_EQ(changed_[0].table, kDefaultV4);
  // In the table's own order: its hash is salted per table (containers/prefix_map.h).
  auto v4 = changed_[0].prefixes;
  std::ranges::sort(v4);
  EXPECT_EQ(v4, (std::vector<wire::Prefix>{kP1, kP2}));
  EXPECT_EQ(changed_[1].table, kDefaultV6);
  EXPECT_EQ(changed_[1].prefixes, std::vector<wire::Prefix>{kV6});
  EXPECT_EQ(out_.take(kB.id).announced.size(), 3u);  // both tables to the neighbour

  // A session going down empties its paths from every table.
  rib_.session_down(kA.id, DownKind::Hard);
  const auto gone = flush_by_table();
  EXPECT_EQ(gone.at(kDefaultV4).remove.size(), 2u);
  EXPECT_EQ(gone.at(kDefaultV6).remove, std::vector<wire::Prefix>{kV6});
  EXPECT_EQ(rib_.prefixes(), 0u);
}

TEST_F(Tables, ATurnWithoutChangesInATableHandsTheFibNothingForIt) {
  up(kA);
  rib_.apply(kA.id, kA.announce({kV6}));
  const auto fib = flush_by_table();
  EXPECT_EQ(fib.size(), 1u);
  EXPECT_TRUE(fib.contains(kDefaultV6));
  EXPECT_TRUE(flush_by_table().empty());
}

TEST_F(Tables, ATenantTableOpensGoesToTheFibUnderItsIdAndIsNotAdvertised) {
  up(kA);
  out_.take(kA.id);
  Table& red = rib_.open_table(kRedV4);
  EXPECT_EQ(&red, &rib_.open_table(kRedV4));  // opened once
  rib_.originate(kRedV4, kP1, own_route());
  EXPECT_EQ(red.loc_rib().size(), 1u);
  EXPECT_EQ(rib_.entry(kP1), nullptr);  // the default VRF does not see it
  EXPECT_EQ(rib_.prefixes(), 0u);

  flush_by_table();
  ASSERT_EQ(changed_.size(), 1u);
  EXPECT_EQ(changed_[0].table, kRedV4);
  EXPECT_TRUE(out_.nothing_for(kA.id));  // the underlay's neighbour is not sent it
  EXPECT_EQ(rib_.prefixes_sent(kA.id), 0u);

  // The same prefix in the default VRF is a route of its own.
  rib_.originate(kP1, own_route());
  flush_by_table();
  EXPECT_EQ(out_.take(kA.id).announced.size(), 1u);
  rib_.withdraw_local(kRedV4, kP1);
  flush_by_table();
  EXPECT_TRUE(out_.nothing_for(kA.id));
  EXPECT_EQ(red.loc_rib().size(), 0u);
  EXPECT_NE(rib_.entry(kP1), nullptr);
}

TEST_F(Tables, AggregatesBelongToTheTableOfTheirFamily) {
  RibOptions o = options();
  for (const char* summary : {"10.0.0.0/8", "2001:db8::/32"}) {
    AggregateSpec spec;
    spec.prefix = *wire::Prefix::parse(summary);
    o.aggregates.push_back(spec);
  }
  Rib rib(o);
  EXPECT_EQ(rib.unicast(wire::Afi::Ipv4).aggregation().suppressed(kP1), false);
  rib.originate(kV6, own_route());
  mocks::AdvertisementRecorder out;
  rib.flush(nullptr, out);
  // The IPv6 summary came up beside its contributor; IPv4 has none yet.
  EXPECT_NE(rib.entry(*wire::Prefix::parse("2001:db8::/32")), nullptr);
  EXPECT_EQ(rib.entry(*wire::Prefix::parse("10.0.0.0/8")), nullptr);
  EXPECT_EQ(rib.unicast(wire::Afi::Ipv4).loc_rib().size(), 0u);
  EXPECT_EQ(rib.unicast(wire::Afi::Ipv6).loc_rib().size(), 2u);
}

// While an aggregate is active the FIB holds a discard for it, of its
// family, unless `discard: false`; it goes with the last more-specific.
TEST_F(Tables, AnActiveAggregateIsADiscardInTheFib) {
  const auto summary = *wire::Prefix::parse("10.0.0.0/8");
  const auto summary6 = *wire::Prefix::parse("2001:db8::/32");
  const auto kept_out = *wire::Prefix::parse("10.2.0.0/16");  // discard: false
  std::vector<AggregateSpec> specs(3);
  specs[0].prefix = summary;
  specs[1].prefix = summary6;
  specs[2].prefix = kept_out;
  specs[2].discard = false;
  rib_.set_aggregates(specs);
  up(kA);
  rib_.apply(kA.id, kA.announce({kP1, kP2, kV6}));
  auto fib = flush_by_table();
  const auto installed = [&](const TableId& table) {
    std::map<wire::Prefix, NextHopSet> out;
    for (const auto& [prefix, set] : fib.at(table).upsert) out[prefix] = fib.at(table).set(set);
    return out;
  };
  const auto v4 = installed(kDefaultV4);
  EXPECT_EQ(v4.size(), 3u);  // kP1, kP2 and the summary; not 10.2.0.0/16
  EXPECT_EQ(v4.at(summary), NextHopSet{discard_next_hop(wire::Afi::Ipv4)});
  EXPECT_FALSE(v4.contains(kept_out));
  EXPECT_NE(rib_.entry(kept_out), nullptr);  // active all the same
  EXPECT_EQ(installed(kDefaultV6).at(summary6), NextHopSet{discard_next_hop(wire::Afi::Ipv6)});

  rib_.apply(kA.id, kA.withdraw({kP1, kP2}));
  fib = flush_by_table();
  std::vector<wire::Prefix> removed = fib.at(kDefaultV4).remove;
  std::vector<wire::Prefix> expected = {summary, kP1, kP2, kept_out};
  std::sort(removed.begin(), removed.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(removed, expected);
}

// Weighted ECMP (RFC 10005): each member weighs its link bandwidth's share,
// reduced to the smallest whole numbers; a member without a bandwidth, or
// equal bandwidths, make an equal set.
TEST_F(Tables, LinkBandwidthsWeighTheEcmpSet) {
  const auto announce = [&](const Neighbor& n, float bytes_per_second) {
    auto u = n.announce({kP1});
    if (bytes_per_second > 0)
      u.attributes.ext_communities = {wire::link_bandwidth_community(n.as, bytes_per_second)};
    rib_.apply(n.id, u);
  };
  const auto weights = [&] {
    auto fib = flush_by_table();
    const auto& u = fib.at(kDefaultV4);
    std::map<uint32_t, uint16_t> out;  // ifindex -> weight
    for (const auto& nh : u.set(u.upsert.at(0).second)) out[nh.ifindex] = nh.weight;
    return out;
  };
  up(kA);
  up(kB);
  up(kC);
  announce(kA, 37.5e6);  // 300 Mbps
  announce(kB, 12.5e6);  // 100 Mbps
  EXPECT_EQ(weights(), (std::map<uint32_t, uint16_t>{{11, 3}, {12, 1}}));
  announce(kC, 0);  // says nothing of its capacity
  EXPECT_EQ(weights(), (std::map<uint32_t, uint16_t>{{11, 1}, {12, 1}, {13, 1}}));
  announce(kC, 1.25e9);  // 10 Gbps against 400 Mbps: the small ones keep a share
  EXPECT_EQ(weights(), (std::map<uint32_t, uint16_t>{{11, 3}, {12, 1}, {13, 96}}));
  announce(kA, 12.5e6);
  announce(kC, 12.5e6);
  EXPECT_EQ(weights(), (std::map<uint32_t, uint16_t>{{11, 1}, {12, 1}, {13, 1}}));
}

}  // namespace
}  // namespace closbgp::rib::test
