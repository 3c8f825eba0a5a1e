#include <gtest/gtest.h>

#include "bgpd/config/config.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

TEST(PeerTemplates, ANeighbourTakesWhatItDoesNotSetItself) {
  auto c = parse_config(R"(asn: 65101
router-id: 10.0.0.11
peer-templates:
  FABRIC: {remote-as: external, description: fabric, timers: {hold: 30}, bfd: false}
neighbors:
  - {interface: swp1, template: FABRIC}
  - {interface: swp2, template: FABRIC, description: spine2, remote-as: 65000}
)",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  const auto& a = c->neighbors.at(0);
  EXPECT_EQ(a.remote_as.kind, RemoteAs::Kind::External);
  EXPECT_EQ(a.description, "fabric");
  EXPECT_EQ(a.timers->hold, 30);
  EXPECT_FALSE(a.bfd);  // interface neighbours have BFD by default; the template says no
  const auto& b = c->neighbors.at(1);
  EXPECT_EQ(b.description, "spine2");
  EXPECT_EQ(b.remote_as, (RemoteAs{RemoteAs::Kind::Number, 65000}));
  EXPECT_EQ(b.timers->hold, 30);
}

TEST(PeerTemplates, MistakesAreNamedWhereTheyAre) {
  const std::string base = "asn: 1\nrouter-id: 10.0.0.1\n";
  const std::string unknown =
      base + "neighbors:\n  - {interface: swp1, remote-as: external, template: NOPE}\n";
  const std::string identity =
      base + "peer-templates:\n  T: {interface: swp1, remote-as: external}\n";
  const std::string bad_key = base + "peer-templates:\n  T: {remote-as: external, colour: red}\n";
  const std::string bad_value =
      base +
      "peer-templates:\n  T: {remote-as: sideways}\nneighbors:\n  - {address: 192.0.2.1, "
      "template: T}\n";
  const BadCase cases[] = {
      {"unknown template", unknown.c_str(), 4, "neighbors[0].template", "no peer-template 'NOPE'"},
      {"a template naming the neighbour", identity.c_str(), 4, "peer-templates.T.interface",
       "cannot name the neighbour"},
      {"an unknown key in a template", bad_key.c_str(), 4, "peer-templates.T.colour",
       "unknown key"},
      {"a bad value from the template", bad_value.c_str(), 4, "neighbors[0].remote-as", "sideways"},
  };
  for (const auto& c : cases) expect_refused(c);
}

TEST(InterfaceNeighbours, OverlappingPatternsAreAnErrorUnlessTheSpecificComesFirst) {
  const std::string base = "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n";
  auto ok = parse_config(base +
                             "  - {interface: swp1, remote-as: 65000}\n"
                             "  - {interface: \"swp*\", remote-as: external}\n",
                         "t.yaml");
  EXPECT_TRUE(ok) << ok.error().to_string();
  const std::string shadowed = base +
                               "  - {interface: \"swp*\", remote-as: external}\n"
                               "  - {interface: swp1, remote-as: 65000}\n";
  const std::string crossed = base +
                              "  - {interface: \"swp1*\", remote-as: external}\n"
                              "  - {interface: \"swp*1\", remote-as: external}\n";
  const BadCase cases[] = {
      {"a shadowed neighbour", shadowed.c_str(), 5, "neighbors[1].interface",
       "'swp1' is never used: neighbors[0] 'swp*' (line 4) matches its interfaces first"},
      {"crossed patterns", crossed.c_str(), 5, "neighbors[1].interface",
       "both match some interfaces"},
  };
  for (const auto& c : cases) expect_refused(c);
}

}  // namespace
}  // namespace closbgp::config
