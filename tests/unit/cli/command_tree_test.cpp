#include "bgpd/cli/command_tree.h"

#include <gtest/gtest.h>

namespace closbgp::cli {
namespace {

using Words = std::vector<std::string>;

Words expanded(Words words) {
  auto e = expand_keywords(words);
  EXPECT_TRUE(e) << (e ? "" : e.error());
  return e.value_or(Words{});
}

std::string refused(Words words) {
  auto e = expand_keywords(words);
  EXPECT_FALSE(e);
  return e ? "" : e.error();
}

TEST(CommandTree, KeywordsAbbreviateToAUniquePrefix) {
  EXPECT_EQ(expanded({"sh", "bgp", "sum"}), (Words{"show", "bgp", "summary"}));
  EXPECT_EQ(expanded({"s", "b", "routes", "10.0.0.0/8", "longer-prefixes"}),
            (Words{"show", "bgp", "routes", "10.0.0.0/8", "longer-prefixes"}));
  // The argument after neighbors stays as typed, the keyword after it expands.
  EXPECT_EQ(expanded({"sh", "bgp", "neighbor", "swp1", "rec"}),
            (Words{"show", "bgp", "neighbors", "swp1", "received-routes"}));
  EXPECT_EQ(expanded({"n", "res", "swp1", "--soft", "in"}),
            (Words{"neighbor", "reset", "swp1", "--soft", "in"}));
  EXPECT_EQ(expanded({"conf", "rel"}), (Words{"config", "reload"}));
  EXPECT_EQ(expanded({"ro", "a", "10.1.2.3/32", "community", "65000:7"}),
            (Words{"route", "add", "10.1.2.3/32", "community", "65000:7"}));
  EXPECT_EQ(expanded({"dr", "swp1"}), (Words{"drain", "swp1"}));
  EXPECT_EQ(expanded({"sh", "run"}), (Words{"show", "running-config"}));
  // A whole word is itself even when it begins another: route, routes.
  EXPECT_EQ(expanded({"sh", "b", "route", "10.0.0.1"}),
            (Words{"show", "bgp", "route", "10.0.0.1"}));
  EXPECT_EQ(expanded({"deb", "session", "debug"}), (Words{"debug", "session", "debug"}));
  // A keyword marked whole is typed in full, and takes no abbreviation.
  EXPECT_EQ(expanded({"sh", "bmp"}), (Words{"show", "bmp"}));
  EXPECT_EQ(refused({"sh", "bm"}), "unknown command word 'bm'; did you mean bgp, bmp?");
}

TEST(CommandTree, AmbiguousAndUnknownWordsAreNamed) {
  EXPECT_EQ(refused({"s", "b", "r"}), "'r' is ambiguous: routes, route");
  EXPECT_EQ(refused({"d"}), "'d' is ambiguous: drain, dump, debug, decode");
  EXPECT_EQ(refused({"w"}), "'w' is ambiguous: warm, watch");
  EXPECT_EQ(refused({"shwo", "bgp"}), "unknown command word 'shwo'; did you mean show?");
  EXPECT_EQ(refused({"show", "bgp", "sumary"}),
            "unknown command word 'sumary'; did you mean summary?");
  EXPECT_EQ(refused({"frobnicate"}), "unknown command word 'frobnicate'");
}

TEST(CommandTree, WhatMayFollow) {
  auto words = [](Words w) {
    Words out;
    for (const auto& k : next_keywords(w)) out.push_back(k.word);
    return out;
  };
  EXPECT_EQ(words({"show"}), (Words{"bgp", "evpn", "fib", "running-config", "bmp"}));
  EXPECT_EQ(words({"show", "evpn"}), (Words{"vni", "mac", "arp-cache", "vrf"}));
  EXPECT_EQ(words({"show", "bgp", "neighbors"}), Words{});  // the neighbour comes next
  EXPECT_EQ(words({"show", "bgp", "neighbors", "swp1"}),
            (Words{"received-routes", "advertised-routes"}));
  EXPECT_EQ(words({"config", "reload"}), Words{});
  EXPECT_EQ(words({"clear", "evpn"}), Words{"dup-addr"});
  EXPECT_EQ(words({}).size(), 14u);
}

}  // namespace
}  // namespace closbgp::cli
