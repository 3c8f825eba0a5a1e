#include "bgpd/config/interface_globs.h"

#include <gtest/gtest.h>

namespace closbgp::config {
namespace {

TEST(InterfaceGlobs, Overlap) {
  EXPECT_TRUE(globs_overlap("swp*", "swp1"));
  EXPECT_TRUE(globs_overlap("swp1*", "swp*1"));  // swp11
  EXPECT_TRUE(globs_overlap("*", "eth0"));
  EXPECT_TRUE(globs_overlap("swp[1-4]", "swp?"));
  EXPECT_FALSE(globs_overlap("swp*", "eth*"));
  EXPECT_FALSE(globs_overlap("swp1", "swp2"));
  EXPECT_FALSE(globs_overlap("swp[1-2]", "swp[3-4]"));
  EXPECT_FALSE(globs_overlap("swp?", "swp10"));
  EXPECT_FALSE(globs_overlap("swp[!1]", "swp1"));
}

TEST(InterfaceGlobs, Covers) {
  EXPECT_TRUE(glob_covers("swp*", "swp1"));
  EXPECT_TRUE(glob_covers("swp*", "swp1*"));
  EXPECT_TRUE(glob_covers("*", "swp*"));
  EXPECT_TRUE(glob_covers("swp?", "swp[1-4]"));
  EXPECT_TRUE(glob_covers("swp*", "swp"));
  EXPECT_FALSE(glob_covers("swp1", "swp*"));
  EXPECT_FALSE(glob_covers("swp1*", "swp*1"));
  EXPECT_FALSE(glob_covers("swp[1-2]", "swp?"));
}

}  // namespace
}  // namespace closbgp::config
