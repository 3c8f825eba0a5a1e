#include "bgpd/config/config_writer.h"

#include <gtest/gtest.h>

#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

// Everything a fabric config sets, templates and policy included.
constexpr const char* kFull = R"(
asn: 65101
router-id: 10.0.0.11
cluster-id: 10.0.0.99
timers: {keepalive: 1, hold: 3}
bfd: {interval-ms: 100, multiplier: 5}
prefix-lists:
  loopbacks: [{permit: 10.0.0.0/24, ge: 32}]
community-lists:
  tagged: [{permit: 65000:1}]
route-maps:
  from-spine:
    - {seq: 10, action: permit, match: {prefix-list: loopbacks}, set: {local-preference: 200}}
  tag: [{seq: 10, action: permit, set: {community: {add: [65000:1]}}}]
peer-templates:
  spines: {remote-as: external, route-map-in: from-spine, max-prefix: {limit: 1000, action: warn}}
neighbors:
  - {interface: swp1, template: spines, description: "spine1 Eth1/1"}
  - {interface: swp2, template: spines, bfd: false, timers: {hold: 30}}
  - address: 192.0.2.1
    remote-as: 65100
    password: s3cret
    remove-private-as: all
    allowas-in: true
    path-attribute: {discard: [28, 32], treat-as-withdraw: [35]}
    update-source: lo
    ebgp-multihop: 2
    sender-as-path-loop-detection: false
    expected-routes: {ipv4-unicast: 1000000, ipv6-unicast: 250000}
  - {listen-range: 10.1.0.0/24, remote-as: internal, default-originate: true}
  - {address: 10.0.0.12, remote-as: 65101, route-reflector-client: true, next-hop-self: true, evpn: true}
networks: [10.0.0.11/32, {prefix: 2001:db8::/64, route-map: tag}]
aggregates: [{prefix: 10.2.0.0/16, summary-only: true}, {prefix: 10.3.0.0/16, discard: false}]
redistribute: {connected: {route-map: tag}}
drain: {prepend: 3}
graceful-restart: {restart-time: 90}
multipath: {max-paths: 32}
fib: {table: 100, nexthop-objects: false}
grpc: {listen: "unix:/run/leaf.sock", write-groups: [netops]}
metrics: {listen: "127.0.0.1:9179"}
logging: {level: warn, modules: {session: debug}}
)";

TEST(RunningConfig, ReadsBackAsTheSameConfiguration) {
  const Config first = parsed(kFull);
  const std::string written = running_config_yaml(first);
  std::string with_password = written;
  with_password.replace(with_password.find("<hidden>"), 8, "s3cret");
  const Config again = parsed(with_password);
  EXPECT_EQ(running_config_yaml(again), written);
  EXPECT_EQ(again.asn, first.asn);
  EXPECT_EQ(again.cluster_id, first.cluster_id);
  EXPECT_TRUE(first.cluster_id);
  EXPECT_EQ(again.timers, first.timers);
  EXPECT_EQ(again.bfd, first.bfd);
  EXPECT_EQ(again.networks, first.networks);
  EXPECT_EQ(again.aggregates, first.aggregates);
  EXPECT_EQ(again.redistribute, first.redistribute);
  EXPECT_EQ(again.drain, first.drain);
  EXPECT_EQ(again.graceful_restart, first.graceful_restart);
  EXPECT_EQ(again.multipath, first.multipath);
  EXPECT_EQ(again.fib, first.fib);
  EXPECT_EQ(again.grpc, first.grpc);
  EXPECT_EQ(again.metrics, first.metrics);
  EXPECT_EQ(again.logging, first.logging);
  EXPECT_EQ(again.state_file, first.state_file);
  EXPECT_EQ(again.policies.route_map_text, first.policies.route_map_text);
  ASSERT_EQ(again.neighbors.size(), first.neighbors.size());
  for (size_t i = 0; i < first.neighbors.size(); ++i) {
    Neighbor expected = first.neighbors[i], got = again.neighbors[i];
    expected.line = got.line = 0;
    EXPECT_EQ(got, expected) << i;
  }
}

TEST(RunningConfig, ShippedExamplesReadBack) {
  for (const char* f : {"examples/leaf.yaml", "examples/spine.yaml", "packaging/closbgpd.yaml"}) {
    auto c = load_config_file(std::string(CLOSBGP_SOURCE_DIR) + "/" + f);
    ASSERT_TRUE(c) << f;
    const std::string written = running_config_yaml(*c);
    EXPECT_EQ(running_config_yaml(parsed(written)), written) << f;
  }
}

TEST(RunningConfig, WritesDefaultsAndAppliedTemplates) {
  const std::string written = running_config_yaml(parsed(kFull));
  for (const char* expected :
       {"connect-retry: 10", "warm-up: 60", "stale-time: 360", "helper: planned",
        "nexthop-objects: false", "route-map-in: from-spine", "action: warn", "as-path-relax: true",
        "session: debug"})
    EXPECT_NE(written.find(expected), std::string::npos) << expected << "\n" << written;
  EXPECT_EQ(written.find("template"), std::string::npos) << written;
  const std::string minimal = running_config_yaml(parsed("asn: 65101\nrouter-id: 10.0.0.1\n"));
  EXPECT_NE(minimal.find("graceful-restart:\n  restart-time: 120"), std::string::npos) << minimal;
  EXPECT_NE(minimal.find("listen: unix:/run/closbgpd/closbgpd.sock"), std::string::npos);
  EXPECT_NE(minimal.find("level: info"), std::string::npos);
}

TEST(RunningConfig, NeverWritesASecret) {
  const std::string written = running_config_yaml(parsed(kFull));
  EXPECT_EQ(written.find("s3cret"), std::string::npos) << written;
  EXPECT_NE(written.find("password: <hidden>"), std::string::npos) << written;
  // Copied back as it is, the placeholder is refused rather than used as the password.
  expect_refused({"hidden password",
                  "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - address: 192.0.2.1\n"
                  "    remote-as: 2\n    password: <hidden>\n",
                  6, "neighbors[0].password", "write the password itself"});
}

TEST(Logging, LevelsPerModule) {
  const Config c = parsed("asn: 1\nrouter-id: 10.0.0.1\nlogging: {modules: {fib: debug}}\n");
  EXPECT_EQ(c.logging.level, "info");
  EXPECT_EQ(c.logging.modules, (std::map<std::string, std::string>{{"fib", "debug"}}));
  expect_refused({"unknown module",
                  "asn: 1\nrouter-id: 10.0.0.1\nlogging:\n  modules: {zebra: debug}\n", 4,
                  "logging.modules.zebra", "no module 'zebra' (api, bfd"});
  expect_refused({"unknown level", "asn: 1\nrouter-id: 10.0.0.1\nlogging: {level: loud}\n", 3,
                  "logging.level", "must be trace, debug"});
}

}  // namespace
}  // namespace closbgp::config
