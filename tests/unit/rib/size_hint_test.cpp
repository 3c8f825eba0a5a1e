// Size hints: a neighbour's session comes up with room made in its
// Adj-RIB-In and the Loc-RIB for what it is expected to send (configured,
// or as much as its last session brought), so a full table arriving does
// not grow the tables in steps.
#include <gtest/gtest.h>

#include "tests/unit/rib/engine_fixture.h"

namespace closbgp::rib::test {
namespace {

using wire::Afi;

FamilyCounts counts(size_t v4, size_t v6) {
  FamilyCounts c;
  c[Afi::Ipv4] = v4;
  c[Afi::Ipv6] = v6;
  return c;
}

std::vector<wire::Prefix> slash24s(size_t n) {
  std::vector<wire::Prefix> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(wire::Prefix(wire::IpAddress::v4(0x0b000000u + uint32_t(i << 8)), 24));
  return out;
}

class SizeHint : public Engine {
 protected:
  FamilyCounts up_expecting(const Neighbor& n, FamilyCounts expected) {
    return rib_.session_up(n.source(), n.member(), {}, out_, expected);
  }
  size_t adj_in_capacity(const Neighbor& n, Afi afi) const {
    return rib_.adj_rib_in(n.id)->routes().capacity(afi);
  }
  size_t loc_rib_capacity(Afi afi) const {
    return rib_.unicast(afi).loc_rib().entries().capacity(afi);
  }
};

TEST_F(SizeHint, AConfiguredHintMakesRoomThatTheTableFillsWithoutGrowing) {
  EXPECT_EQ(up_expecting(kA, counts(1000, 0)), counts(1000, 0));
  const size_t adj_in = adj_in_capacity(kA, Afi::Ipv4), loc = loc_rib_capacity(Afi::Ipv4);
  EXPECT_GE(adj_in, 1000u);
  EXPECT_GE(loc, 1000u);
  EXPECT_EQ(adj_in_capacity(kA, Afi::Ipv6), 0u);  // no room where nothing is expected
  rib_.apply(kA.id, kA.announce(slash24s(1000)));
  EXPECT_EQ(rib_.adj_rib_in(kA.id)->received(), 1000u);
  EXPECT_EQ(adj_in_capacity(kA, Afi::Ipv4), adj_in);
  EXPECT_EQ(loc_rib_capacity(Afi::Ipv4), loc);
}

TEST_F(SizeHint, ANeighbourComingBackGetsRoomForWhatItsLastSessionBrought) {
  EXPECT_EQ(up_expecting(kA, {}), counts(0, 0));
  rib_.apply(kA.id, kA.announce(slash24s(600)));
  rib_.apply(kA.id, kA.announce({*wire::Prefix::parse("2001:db8::/48")}));
  EXPECT_EQ(rib_.session_down(kA.id, DownKind::Hard), 601u);
  // Its last session's count, or the configured hint where that is more.
  EXPECT_EQ(up_expecting(kA, counts(100, 50)), counts(600, 50));
  EXPECT_GE(adj_in_capacity(kA, Afi::Ipv4), 600u);
  EXPECT_GE(adj_in_capacity(kA, Afi::Ipv6), 50u);
  // Another neighbour has no last session.
  EXPECT_EQ(up_expecting(kB, {}), counts(0, 0));
}

TEST_F(SizeHint, AForgottenNeighbourLeavesNoHint) {
  up_expecting(kA, {});
  rib_.apply(kA.id, kA.announce(slash24s(10)));
  rib_.forget(kA.id);
  EXPECT_EQ(up_expecting(kA, {}), counts(0, 0));
}

// Neighbours of a fabric send much the same table: the Loc-RIB is sized
// for the largest hint, not their sum.
TEST_F(SizeHint, TheLocRibIsSizedForTheLargestHintNotTheSum) {
  up_expecting(kA, counts(1000, 0));
  const size_t loc = loc_rib_capacity(Afi::Ipv4);
  up_expecting(kB, counts(1000, 0));
  EXPECT_EQ(loc_rib_capacity(Afi::Ipv4), loc);
  up_expecting(kC, counts(10, 0));  // never shrinks
  EXPECT_EQ(loc_rib_capacity(Afi::Ipv4), loc);
}

}  // namespace
}  // namespace closbgp::rib::test
