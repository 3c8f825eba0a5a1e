// MRT files by time slot: records go into the file their time's slot
// names; what cannot be written is counted, never blocks the caller.
#include "bgpd/mrt/file_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace closbgp::mrt {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(FileWriter, EachSlotItsOwnFile) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "mrt_slots";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    FileWriter w("updates", (dir / "u.%H%M%S").string(), 60, 1 << 20);
    w.write(1796432400, {'a', 'b'}, 1);  // 01:00:00
    w.write(1796432459, {'c'}, 1);       // 01:00:59: the same slot
    w.write(1796432460, {'d'}, 1);       // 01:01:00: the next
  }                                      // written and closed
  EXPECT_EQ(read_all(dir / "u.010000"), "abc");
  EXPECT_EQ(read_all(dir / "u.010100"), "d");
}

TEST(FileWriter, WhatCannotBeWrittenIsCounted) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "mrt_gone";
  std::filesystem::remove_all(dir);
  FileWriter w("rib", (dir / "r.%H").string(), 3600, 1 << 20);
  w.write(1796432400, {'a'}, 3);  // returns at once: the writer thread finds the error
  w.flush();
  const FileWriter::Stats s = w.stats();
  EXPECT_EQ(s.dropped, 3u);
  EXPECT_EQ(s.records, 0u);
  EXPECT_NE(s.last_error.find("cannot open"), std::string::npos) << s.last_error;
}

TEST(FileWriter, AQueuePastItsBoundDrops) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "mrt_bound";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  FileWriter w("updates", (dir / "u").string(), 60, 4);
  w.write(1796432400, std::vector<uint8_t>(5, 'x'), 2);  // more than the whole bound
  EXPECT_EQ(w.stats().dropped, 2u);
}

}  // namespace
}  // namespace closbgp::mrt
