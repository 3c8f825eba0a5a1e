// Export rules: what a peer is sent from the Loc-RIB's best path.
#include <gtest/gtest.h>

#include "bgpd/session/export_policy.h"

namespace closbgp::session {
namespace {

rib::LocRib::Entry entry(uint32_t from_peer, bool ebgp, std::vector<uint32_t> path) {
  auto a = std::make_shared<wire::PathAttributes>();
  a->origin = wire::Origin::Igp;
  a->as_path = wire::AsPath{};
  if (!path.empty()) a->as_path->segments.push_back({wire::SegmentType::Sequence, path});
  a->med = 5;
  a->local_pref = 300;
  a->next_hop = wire::IpAddress::v4(0x0a000001);
  rib::LocRib::Entry e;
  rib::Path p;
  p.attributes = a;
  p.source.peer_id = from_peer;
  p.source.ebgp = ebgp;
  e.paths.push_back(p);
  e.selection.multipath = {0};
  return e;
}

TEST(ExportPolicy, EbgpPrependsAndStripsWhatStaysInTheAs) {
  const auto e = entry(1, true, {65000, 65102});
  auto a = export_attributes(&e, {2, true, 65003, 65101});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->as_path->segments.front().asns, (std::vector<uint32_t>{65101, 65000, 65102}));
  EXPECT_FALSE(a->med);
  EXPECT_FALSE(a->local_pref);
  EXPECT_FALSE(a->next_hop);  // the session's own, set when encoding
}

TEST(ExportPolicy, LocalRoutesGetOurAsOnly) {
  const auto e = entry(rib::kLocalSource, true, {});
  auto a = export_attributes(&e, {2, true, 65000, 65101});
  ASSERT_TRUE(a);
  ASSERT_EQ(a->as_path->segments.size(), 1u);
  EXPECT_EQ(a->as_path->segments[0].asns, std::vector<uint32_t>{65101});
}

TEST(ExportPolicy, NothingBackToItsSourceOrToAnAsAlreadyInThePath) {
  const auto e = entry(1, true, {65000, 65102});
  EXPECT_FALSE(export_attributes(&e, {1, true, 65000, 65101}));  // the source
  EXPECT_FALSE(export_attributes(&e, {2, true, 65102, 65101}));  // its AS is in the path
  EXPECT_FALSE(export_attributes(nullptr, {2, true, 65003, 65101}));
}

TEST(ExportPolicy, IbgpKeepsThePathAndNeverRelaysIbgp) {
  const auto from_ebgp = entry(1, true, {65000});
  auto a = export_attributes(&from_ebgp, {2, false, 65101, 65101});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->as_path->segments[0].asns, std::vector<uint32_t>{65000});  // no prepend
  EXPECT_EQ(a->local_pref, 300u);
  const auto from_ibgp = entry(3, false, {65000});
  EXPECT_FALSE(export_attributes(&from_ibgp, {2, false, 65101, 65101}));
  EXPECT_TRUE(export_attributes(&from_ibgp, {4, true, 65007, 65101}));
}

}  // namespace
}  // namespace closbgp::session
