// Import and export rules: what enters the Loc-RIB, what a group of peers
// is sent from its best paths, and what no single member may get.
#include <gtest/gtest.h>

#include "rib/route_policy.h"

namespace closbgp::rib {
namespace {

const wire::Prefix kPrefix = *wire::Prefix::parse("10.1.0.0/24");

PathRef path_from(uint32_t from_peer, bool ebgp, std::vector<uint32_t> path) {
  auto a = std::make_shared<wire::PathAttributes>();
  a->origin = wire::Origin::Igp;
  a->as_path = wire::AsPath{};
  if (!path.empty()) a->as_path->segments.push_back({wire::SegmentType::Sequence, path});
  a->med = 5;
  a->local_pref = 300;
  a->next_hop = wire::IpAddress::v4(0x0a000001);
  PathSource source;
  source.peer_id = from_peer;
  source.ebgp = ebgp;
  return make_path(a, wire::MpNextHop{}, source);
}

const ExportRules kEbgp{true, 65101, nullptr, {}}, kIbgp{false, 65101, nullptr, {}};

TEST(ExportPolicy, EbgpPrependsAndStripsWhatStaysInTheAs) {
  const auto e = path_from(1, true, {65000, 65102});
  auto a = export_attributes(*e, kPrefix, kEbgp);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->as_path->segments.front().asns, (std::vector<uint32_t>{65101, 65000, 65102}));
  EXPECT_FALSE(a->med);
  EXPECT_FALSE(a->local_pref);
  EXPECT_FALSE(a->next_hop);  // the session's own, set when encoding
}

TEST(ExportPolicy, LocalRoutesGetOurAsOnly) {
  const auto e = path_from(kLocalSource, true, {});
  auto a = export_attributes(*e, kPrefix, kEbgp);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->as_path->segments.size(), 1u);
  EXPECT_EQ(a->as_path->segments[0].asns, std::vector<uint32_t>{65101});
}

TEST(ExportPolicy, NothingBackToItsSourceOrToAnAsAlreadyInThePath) {
  const auto e = path_from(1, true, {65000, 65102});
  EXPECT_FALSE(exportable_to(*e, 1, true, true, 65000));   // the source
  EXPECT_FALSE(exportable_to(*e, 2, true, true, 65102));   // its AS is in the path
  EXPECT_TRUE(exportable_to(*e, 2, false, true, 65102));   // iBGP: its AS is ours, no loop
  EXPECT_FALSE(exportable_to(*e, 1, false, true, 65000));  // iBGP: never back to its source
  EXPECT_TRUE(exportable_to(*e, 2, true, true, 65003));
  // Without sender-side loop detection the eBGP peer decides, even its own.
  EXPECT_TRUE(exportable_to(*e, 2, true, false, 65102));
  EXPECT_TRUE(exportable_to(*e, 1, true, false, 65000));
}

TEST(ExportPolicy, IbgpKeepsThePathAndNeverRelaysIbgp) {
  const auto from_ebgp = path_from(1, true, {65000});
  auto a = export_attributes(*from_ebgp, kPrefix, kIbgp);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->as_path->segments[0].asns, std::vector<uint32_t>{65000});  // no prepend
  EXPECT_EQ(a->local_pref, 300u);
  const auto from_ibgp = path_from(3, false, {65000});
  EXPECT_FALSE(export_attributes(*from_ibgp, kPrefix, kIbgp));
  EXPECT_TRUE(export_attributes(*from_ibgp, kPrefix, kEbgp));
}

TEST(RoutePolicy, RemovePrivateAs) {
  using Mode = RemovePrivateAs;
  const wire::AsPath mixed{{{wire::SegmentType::Sequence, {65000, 3356, 4200000001u}}}};
  const wire::AsPath only_private{
      {{wire::SegmentType::Sequence, {65000, 64512}}, {wire::SegmentType::Set, {65001}}}};
  auto p = mixed;
  remove_private_as(p, Mode::IfOnlyPrivate);
  EXPECT_EQ(p, mixed);  // a public AS in it: left alone
  remove_private_as(p, Mode::All);
  EXPECT_EQ(p.segments[0].asns, std::vector<uint32_t>{3356});
  p = only_private;
  remove_private_as(p, Mode::IfOnlyPrivate);
  EXPECT_TRUE(p.segments.empty());
  EXPECT_FALSE(is_private_as(65535));
  EXPECT_FALSE(is_private_as(4294967295u));
}

std::shared_ptr<const policy::RouteMap> set_med_unless_denied() {
  auto deny = std::make_shared<policy::PrefixList>();
  deny->entries.push_back(*policy::make_prefix_list_entry(
      policy::Action::Permit, *wire::Prefix::parse("10.9.0.0/16"), {}, 32));
  policy::RouteMapEntry no;
  no.seq = 10;
  no.action = policy::Action::Deny;
  no.match.prefix_list = deny;
  policy::RouteMapEntry yes;
  yes.seq = 20;
  yes.set.med = 42;
  return std::make_shared<const policy::RouteMap>(std::vector{no, yes});
}

TEST(RoutePolicy, RouteMapOutRunsBeforeOurAsIsPrepended) {
  const auto e = path_from(1, true, {65000});
  PeerPolicy policy;
  policy.out = set_med_unless_denied();
  const ExportRules to{true, 65101, &policy, {}};
  auto a = export_attributes(*e, kPrefix, to);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->med, 42u);  // set by the map, after MED was stripped for eBGP
  EXPECT_EQ(a->as_path->segments[0].asns, (std::vector<uint32_t>{65101, 65000}));
  EXPECT_FALSE(export_attributes(*e, *wire::Prefix::parse("10.9.1.0/24"), to));
}

TEST(RoutePolicy, Rfc8212WithoutPolicyNothingMovesOverEbgp) {
  const auto e = path_from(1, true, {65000});
  PeerPolicy strict;
  strict.requires_policy = true;
  EXPECT_FALSE(export_attributes(*e, kPrefix, {true, 65101, &strict, {}}));
  EXPECT_TRUE(export_attributes(*e, kPrefix, {false, 65101, &strict, {}}));  // iBGP
  const auto received = e->attributes;
  EXPECT_EQ(import_attributes(strict, true, kPrefix, received, {}), nullptr);
  EXPECT_EQ(import_attributes(strict, false, kPrefix, received, {}), received);
  strict.in = set_med_unless_denied();
  const auto changed = import_attributes(strict, true, kPrefix, received, {});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->med, 42u);
  EXPECT_EQ(import_attributes(strict, true, *wire::Prefix::parse("10.9.0.0/24"), received, {}),
            nullptr);
  EXPECT_EQ(import_attributes(PeerPolicy{}, true, kPrefix, received, {}), received);  // shared
}

}  // namespace
}  // namespace closbgp::rib
