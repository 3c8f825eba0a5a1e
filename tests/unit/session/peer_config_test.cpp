#include "bgpd/session/peer_config.h"

#include <gtest/gtest.h>

#include "bgpd/config/config.h"

namespace closbgp::session {
namespace {

config::Config with_neighbor(const std::string& neighbor) {
  auto c = config::parse_config(
      "asn: 65101\nrouter-id: 10.0.0.11\ntimers: {hold: 9}\nneighbors:\n  - " + neighbor + "\n",
      "t.yaml");
  EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
  return c.value_or(config::Config{});
}

TEST(PeerConfig, ANeighbourRunsWithItsOwnTimersOrTheTopLevels) {
  const auto global = with_neighbor("{interface: swp1, remote-as: external}");
  const auto l = local_config(global, global.neighbors.at(0), false);
  EXPECT_EQ(l.hold_time, 9);
  EXPECT_EQ(l.keepalive, 3);
  const auto own =
      with_neighbor("{interface: swp1, remote-as: external, timers: {hold: 30, connect-retry: 2}}");
  const auto o = local_config(own, own.neighbors.at(0), false);
  EXPECT_EQ(o.hold_time, 30);
  EXPECT_EQ(o.keepalive, 3);  // a third of hold, at most 3
  EXPECT_EQ(o.connect_retry, 2);
}

TEST(PeerConfig, ADescriptionRestartsNothing) {
  const auto a = with_neighbor("{interface: swp1, remote-as: external}");
  const auto b = with_neighbor("{interface: swp1, remote-as: external, description: spine1}");
  EXPECT_EQ(b.neighbors.at(0).description, "spine1");
  EXPECT_FALSE(needs_restart(a.neighbors.at(0), b.neighbors.at(0)));
  const auto c = with_neighbor("{interface: swp1, remote-as: 65000}");
  EXPECT_TRUE(needs_restart(a.neighbors.at(0), c.neighbors.at(0)));
}

TEST(PeerConfig, LoopChecksRestartNothingAndReachTheEngine) {
  const auto a = with_neighbor("{interface: swp1, remote-as: external}");
  const auto b = with_neighbor(
      "{interface: swp1, remote-as: external, sender-as-path-loop-detection: false,"
      " allowas-in: 1}");
  EXPECT_FALSE(needs_restart(a.neighbors.at(0), b.neighbors.at(0)));
  EXPECT_EQ(peer_policy(b, b.neighbors.at(0)).routing.allowas_in, 1);
  EXPECT_TRUE(peer_policy(a, a.neighbors.at(0)).routing.sender_loop_check);
  EXPECT_FALSE(peer_policy(b, b.neighbors.at(0)).routing.sender_loop_check);
}

// A size hint is the session's: taken when it comes up, restarting nothing
// and not the engine's policy (whose change re-imports every path).
TEST(PeerConfig, ExpectedRoutesRestartNothingAndStayOutOfTheEnginesPolicy) {
  const auto a = with_neighbor("{address: 192.0.2.1, remote-as: 65100}");
  const auto b = with_neighbor(
      "{address: 192.0.2.1, remote-as: 65100, expected-routes: {ipv4-unicast: 900000}}");
  EXPECT_FALSE(needs_restart(a.neighbors.at(0), b.neighbors.at(0)));
  const PeerPolicy before = peer_policy(a, a.neighbors.at(0));
  const PeerPolicy after = peer_policy(b, b.neighbors.at(0));
  EXPECT_EQ(after.expected_routes, (config::ExpectedRoutes{900000, 0}));
  EXPECT_NE(after, before);
  EXPECT_EQ(after.routing, before.routing);
}

TEST(PeerConfig, BecomingAReflectorClientRestartsTheSessionAndReachesTheEngine) {
  const auto a = with_neighbor("{address: 10.0.0.2, remote-as: internal}");
  const auto b =
      with_neighbor("{address: 10.0.0.2, remote-as: internal, route-reflector-client: true}");
  // Its paths already received carry what it was: a new session resends them.
  EXPECT_TRUE(needs_restart(a.neighbors.at(0), b.neighbors.at(0)));
  EXPECT_FALSE(peer_policy(a, a.neighbors.at(0)).routing.route_reflector_client);
  EXPECT_TRUE(peer_policy(b, b.neighbors.at(0)).routing.route_reflector_client);
  // The cluster id defaults to the router-id; a change needs a daemon restart.
  EXPECT_EQ(rib_options(a).cluster_id, 0u);
  auto other = b;
  other.cluster_id = wire::IpAddress::parse("10.0.0.100");
  EXPECT_EQ(rib_options(other).cluster_id, 0x0a000064u);
  EXPECT_EQ(needs_daemon_restart(b, other), "cluster-id changed: restart closbgpd to apply it");
  // Becoming an EVPN leaf starts watching the kernel: a restart; route
  // targets are applied by a reload.
  auto leaf = b;
  leaf.evpn.advertise_all_vni = true;
  EXPECT_EQ(needs_daemon_restart(b, leaf),
            "evpn.advertise-all-vni changed: restart closbgpd to apply it");
  auto targets = leaf;
  targets.evpn.vnis.push_back({100, 0x0002fde800000064});
  EXPECT_EQ(needs_daemon_restart(leaf, targets), std::nullopt);
  // A routed tenant too; its route target and route-map reload.
  auto tenant = targets;
  tenant.evpn.vrfs.push_back({"default", 4001, 0, true, true});
  EXPECT_EQ(needs_daemon_restart(targets, tenant),
            "evpn.vrfs changed: restart closbgpd to apply it");
  auto tenant_rt = tenant;
  tenant_rt.evpn.vrfs[0].route_target = 0x0002fde800000fa1;
  EXPECT_EQ(needs_daemon_restart(tenant, tenant_rt), std::nullopt);
  auto tenant_map = tenant_rt;  // and its route-map
  tenant_map.evpn.vrfs[0].route_map = "SUBNETS";
  EXPECT_EQ(needs_daemon_restart(tenant_rt, tenant_map), std::nullopt);
  // next-hop-self is export policy: the engine sends the routes again.
  const auto c = with_neighbor(
      "{address: 10.0.0.2, remote-as: internal, route-reflector-client: true,"
      " next-hop-self: true}");
  EXPECT_FALSE(needs_restart(b.neighbors.at(0), c.neighbors.at(0)));
  EXPECT_TRUE(peer_policy(c, c.neighbors.at(0)).routing.next_hop_self);
}

TEST(PeerConfig, ANeighboursTimersAreCheckedWhereTheyAre) {
  auto c = config::parse_config(
      "asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n"
      "  - {interface: swp1, remote-as: external, timers: {hold: 2}}\n",
      "t.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().key, "neighbors[0].timers.hold");
  EXPECT_EQ(c.error().line, 4);
}

}  // namespace
}  // namespace closbgp::session
