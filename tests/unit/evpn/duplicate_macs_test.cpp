// Duplicate MAC detection: N moves within the window freeze a MAC for the
// freeze time; moves further apart never add up.
#include "bgpd/evpn/duplicate_macs.h"

#include <gtest/gtest.h>

namespace closbgp::evpn {
namespace {

using std::chrono::seconds;
const DuplicateMacs::Key kMac{100, {2, 0, 0, 0, 0, 1}};
const DuplicateMacs::Time kStart{};

TEST(DuplicateMacs, FiveMovesWithinTheWindowFreezeItForTheWindow) {
  DuplicateMacs d;  // FRR's defaults: 5 moves in 180 s
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(d.moved(kMac, kStart + seconds(10 * i)));
  EXPECT_TRUE(d.moved(kMac, kStart + seconds(40)));
  EXPECT_FALSE(d.moved(kMac, kStart + seconds(41)));  // already
  EXPECT_EQ(d.next_thaw(), kStart + seconds(220));
  EXPECT_TRUE(d.thaw(kStart + seconds(219)).empty());
  EXPECT_EQ(d.thaw(kStart + seconds(220)), std::vector<DuplicateMacs::Key>{kMac});
  EXPECT_FALSE(d.next_thaw());
  EXPECT_FALSE(d.moved(kMac, kStart + seconds(221)));  // counting afresh
}

TEST(DuplicateMacs, MovesFurtherApartThanTheWindowNeverAddUp) {
  DuplicateMacs d(3, seconds(60));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(d.moved(kMac, kStart + seconds(31 * i)));
  EXPECT_TRUE(d.thaw(kStart + seconds(400)).empty());  // forgotten, not thawed
  EXPECT_FALSE(d.moved(kMac, kStart + seconds(401)));
}

TEST(DuplicateMacs, TheFreezeLastsItsOwnTime) {
  DuplicateMacs d(2, seconds(60), seconds(600));
  EXPECT_FALSE(d.moved(kMac, kStart));
  EXPECT_TRUE(d.moved(kMac, kStart + seconds(1)));
  EXPECT_EQ(d.next_thaw(), kStart + seconds(601));
}

// A freeze of 0 is FRR's `freeze permanent`: it lasts until cleared.
TEST(DuplicateMacs, APermanentFreezeLastsUntilCleared) {
  DuplicateMacs d(2, seconds(60), seconds(0));
  const DuplicateMacs::Key other{200, {2, 0, 0, 0, 0, 2}};
  EXPECT_FALSE(d.moved(kMac, kStart));
  EXPECT_TRUE(d.moved(kMac, kStart + seconds(1)));
  EXPECT_FALSE(d.moved(other, kStart));
  EXPECT_TRUE(d.moved(other, kStart + seconds(1)));
  EXPECT_FALSE(d.next_thaw());
  EXPECT_TRUE(d.thaw(kStart + seconds(100000)).empty());
  EXPECT_TRUE(d.clear(100, DuplicateMacs::Key(other).second).empty());  // not in VNI 100
  EXPECT_EQ(d.clear(100, std::nullopt), std::vector<DuplicateMacs::Key>{kMac});
  EXPECT_EQ(d.clear(std::nullopt, std::nullopt), std::vector<DuplicateMacs::Key>{other});
  EXPECT_FALSE(d.moved(kMac, kStart + seconds(2)));  // counting afresh
}

}  // namespace
}  // namespace closbgp::evpn
