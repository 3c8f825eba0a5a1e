// PrefixMap against std::map under random inserts and erases (the erase
// shifts runs back, the part most easily got wrong), both families.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "containers/prefix_map.h"

namespace closbgp::containers {
namespace {

wire::Prefix random_prefix(std::mt19937& rng, bool v6) {
  if (!v6) return wire::Prefix(wire::IpAddress::v4(rng() & 0x0fffff00u), uint8_t(16 + rng() % 17));
  std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
  for (int i = 4; i < 8; ++i) b[i] = uint8_t(rng() % 4);
  return wire::Prefix(wire::IpAddress::v6(b), uint8_t(32 + rng() % 33));
}

TEST(PrefixMap, MatchesStdMapUnderChurn) {
  std::mt19937 rng(7);
  PrefixMap<int> map;
  std::map<wire::Prefix, int> ref;
  for (int step = 0; step < 200000; ++step) {
    const auto p = random_prefix(rng, step % 3 == 0);
    if (rng() % 3 == 0) {
      EXPECT_EQ(map.erase(p), ref.erase(p) == 1);
    } else {
      auto [v, inserted] = map.try_emplace(p);
      EXPECT_EQ(inserted, !ref.contains(p));
      *v = step;
      ref[p] = step;
    }
  }
  ASSERT_EQ(map.size(), ref.size());
  for (const auto& [p, v] : ref) {
    const int* got = map.find(p);
    ASSERT_TRUE(got) << p.to_string();
    EXPECT_EQ(*got, v);
  }
  std::vector<wire::Prefix> keys;
  for (const auto& [p, v] : ref) keys.push_back(p);
  EXPECT_EQ(map.sorted_keys(), keys);
  size_t visited = 0;
  map.for_each([&](const wire::Prefix& p, int v) {
    EXPECT_EQ(ref.at(p), v);
    ++visited;
  });
  EXPECT_EQ(visited, ref.size());
  for (const auto& [p, v] : ref) EXPECT_TRUE(map.erase(p));
  EXPECT_TRUE(map.empty());
  EXPECT_FALSE(map.find(keys.front()));
}

// A set filled in a map's iteration order, with the same salt, gets its
// keys sorted by home slot: linear probing went quadratic (1.5 s for
// 100,000 prefixes when a peer went down). Tables of different value
// types once had a counter each, and so the same salts.
TEST(PrefixMap, EveryTableIsSaltedDifferentlyWhateverItsValueType) {
  detail::FlatTable<detail::V4Key, int> a;
  detail::FlatTable<detail::V4Key, Unit> b;
  detail::FlatTable<detail::V4Key, int> c;
  EXPECT_NE(a.seed(), b.seed());
  EXPECT_NE(a.seed(), c.seed());
  EXPECT_NE(b.seed(), c.seed());
}

TEST(PrefixMap, KeysKeepFamilyAndLength) {
  PrefixMap<int> map;
  const auto a = *wire::Prefix::parse("10.0.0.0/8"), b = *wire::Prefix::parse("10.0.0.0/16");
  const auto c = *wire::Prefix::parse("::/0"), d = *wire::Prefix::parse("0.0.0.0/0");
  for (const auto& p : {a, b, c, d}) *map.try_emplace(p).first = p.length();
  EXPECT_EQ(map.size(), 4u);
  EXPECT_EQ(*map.find(a), 8);
  EXPECT_EQ(*map.find(b), 16);
  EXPECT_EQ(*map.find(c), 0);
  EXPECT_EQ(map.sorted_keys(), (std::vector<wire::Prefix>{d, a, b, c}));
  // Cleared and used again (small tables keep their slots).
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_FALSE(map.find(a));
  EXPECT_TRUE(map.try_emplace(b).second);
  EXPECT_EQ(map.keys(), std::vector<wire::Prefix>{b});
  // Taken: the keys, and empty after.
  map.try_emplace(c);
  auto taken = map.take_keys();
  std::sort(taken.begin(), taken.end());
  EXPECT_EQ(taken, (std::vector<wire::Prefix>{b, c}));
  EXPECT_TRUE(map.empty());
  EXPECT_FALSE(map.find(b));
  EXPECT_TRUE(map.try_emplace(c).second);
}

// Lookups for the API: the longest prefix covering an address or a
// prefix, and the prefixes inside one, against a brute-force scan.
TEST(PrefixMap, LongestMatchAndWithinAgreeWithAScan) {
  std::mt19937 rng(11);
  PrefixMap<int> map;
  for (int i = 0; i < 5000; ++i) *map.try_emplace(random_prefix(rng, i % 2 == 1)).first = i;
  *map.try_emplace(*wire::Prefix::parse("0.0.0.0/0")).first = -1;
  for (int i = 0; i < 2000; ++i) {
    const auto probe = random_prefix(rng, i % 2 == 1);
    std::optional<wire::Prefix> expected;
    std::vector<wire::Prefix> inside;
    map.for_each([&](const wire::Prefix& p, int) {
      if (p.contains(probe) && (!expected || p.length() > expected->length())) expected = p;
      if (probe.contains(p)) inside.push_back(p);
    });
    const auto [found, value] = map.longest_match(probe);
    ASSERT_EQ(value != nullptr, expected.has_value()) << probe.to_string();
    if (value) {
      EXPECT_EQ(found, *expected);
      EXPECT_EQ(value, map.find(found));
    }
    std::vector<wire::Prefix> got;
    map.for_each_within(probe, [&](const wire::Prefix& p, int) { got.push_back(p); });
    std::sort(inside.begin(), inside.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, inside) << probe.to_string();
  }
  // A host address: the default route when nothing more specific covers it.
  const auto host = *wire::Prefix::parse("203.0.113.9/32");
  EXPECT_EQ(map.longest_match(host).first, *wire::Prefix::parse("0.0.0.0/0"));
  EXPECT_FALSE(map.longest_match(*wire::Prefix::parse("2001:db9::1/128")).second);
}

// reserve(n): room for n keys of that family, kept while n arrive; the
// entries already there stay; it never shrinks.
TEST(PrefixMap, ReservedRoomHoldsThatManyWithoutGrowing) {
  std::mt19937 rng(11);
  PrefixMap<int> map;
  std::map<wire::Prefix, int> before;
  for (int i = 0; i < 100; ++i) {
    const auto p = random_prefix(rng, false);
    *map.try_emplace(p).first = i;
    before[p] = i;
  }
  map.reserve(wire::Afi::Ipv4, 10000);
  const size_t room = map.capacity(wire::Afi::Ipv4);
  EXPECT_GE(room * 4, size_t(10000 * 5));
  EXPECT_EQ(map.capacity(wire::Afi::Ipv6), 0u);
  for (const auto& [p, v] : before) {
    const int* got = map.find(p);
    ASSERT_TRUE(got) << p.to_string();
    EXPECT_EQ(*got, v);
  }
  while (map.size() < 10000) *map.try_emplace(random_prefix(rng, false)).first = 1;
  EXPECT_EQ(map.capacity(wire::Afi::Ipv4), room);
  map.reserve(wire::Afi::Ipv4, 10);
  EXPECT_EQ(map.capacity(wire::Afi::Ipv4), room);
}

}  // namespace
}  // namespace closbgp::containers
