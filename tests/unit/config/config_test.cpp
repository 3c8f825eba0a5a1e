#include <gtest/gtest.h>

#include "bgpd/config/command_line.h"
#include "bgpd/config/config.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

TEST(Config, FullExampleParses) {
  auto c = parse_config(R"(
asn: 65101
router-id: 10.0.0.11
timers: {keepalive: 1, hold: 3, connect-retry: 5}
neighbors:
  - interface: swp1
    remote-as: external
    ttl-security: true
  - address: 192.0.2.1
    remote-as: 65100
  - address: fe80::1
    remote-as: internal
  - listen-range: 10.1.0.0/24
    remote-as: external
networks: [10.0.0.11/32, 2001:db8::/64]
grpc: {listen: "unix:/run/leaf.sock"}
)",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->asn, 65101u);
  EXPECT_EQ(c->router_id.to_string(), "10.0.0.11");
  EXPECT_EQ(c->timers, (Timers{1, 3, 5}));
  ASSERT_EQ(c->neighbors.size(), 4u);
  EXPECT_EQ(c->neighbors[0].interface, "swp1");
  EXPECT_EQ(c->neighbors[0].remote_as.kind, RemoteAs::Kind::External);
  EXPECT_EQ(c->neighbors[0].line, 6);
  EXPECT_TRUE(c->neighbors[0].ttl_security);
  EXPECT_FALSE(c->neighbors[1].ttl_security);
  EXPECT_EQ(c->neighbors[1].address->to_string(), "192.0.2.1");
  EXPECT_EQ(c->neighbors[1].remote_as, (RemoteAs{RemoteAs::Kind::Number, 65100}));
  EXPECT_EQ(c->neighbors[2].remote_as.kind, RemoteAs::Kind::Internal);
  EXPECT_EQ(c->neighbors[3].listen_range->to_string(), "10.1.0.0/24");
  EXPECT_EQ(c->neighbors[3].expire_after, 300u);  // five minutes down, by default
  EXPECT_EQ(c->networks.size(), 2u);
  EXPECT_EQ(c->grpc.listen, "unix:/run/leaf.sock");
}

TEST(Config, DefaultsAreDataCenterDefaults) {
  auto c = parse_config("asn: 65001\nrouter-id: 10.0.0.1\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->timers, (Timers{3, 9, 10}));
  EXPECT_EQ(c->grpc.listen, "unix:/run/closbgpd/closbgpd.sock");
  EXPECT_TRUE(c->neighbors.empty());
}

// The API checks configuration text a client sends (up to 1 MiB): nesting
// as deep as that allows, or bytes that are not UTF-8, are an error, not a
// crash.
TEST(Config, HostileTextIsAnErrorNotACrash) {
  for (const char* open : {"[", "{a: ", "- "}) {
    std::string deep;
    while (deep.size() < (1u << 20)) deep += open;
    auto r = parse_config(deep, "deep.yaml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().to_string().rfind("deep.yaml:", 0), 0u) << r.error().to_string();
  }
  auto r = parse_config("asn: \xff\xfe\nrouter-id: 10.0.0.1\n", "bytes.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("bytes.yaml:"), std::string::npos);
}

// What YAML would take silently is refused: a key given twice (the first
// would win, even `asn`), a prefix with bits beyond its length (it would
// be masked).
TEST(Config, NothingIsTakenSilently) {
  const BadCase cases[] = {
      {"asn twice", "asn: 1\nrouter-id: 10.0.0.1\nasn: 2\n", 3, "asn", "twice"},
      {"a neighbour's key twice",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - address: 192.0.2.1\n"
       "    remote-as: 65001\n    remote-as: 65002\n",
       6, "remote-as", "twice"},
      {"a route-map twice",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  A: [{action: permit}]\n"
       "  A: [{action: deny}]\n",
       5, "A", "twice"},
      {"a network with host bits", "asn: 1\nrouter-id: 10.0.0.1\nnetworks: [10.0.0.11/24]\n", 3,
       "networks[0]", "10.0.0.0/24?"},
      {"a listen-range with host bits",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - listen-range: 2001:db8::1/64\n"
       "    remote-as: external\n",
       4, "neighbors[0].listen-range", "2001:db8::/64?"},
      {"expire-after on a configured neighbour",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - address: 192.0.2.1\n"
       "    remote-as: external\n    expire-after: 60\n",
       6, "neighbors[0].expire-after", "only a listen-range's dynamic neighbours expire"},
  };
  for (const auto& c : cases) expect_refused(c);
}

TEST(Config, ErrorsNameLineKeyAndProblem) {
  const BadCase cases[] = {
      {"unknown top key", "asn: 1\nrouter-id: 10.0.0.1\nneighbours: []\n", 3, "neighbours",
       "unknown key"},
      {"missing asn", "router-id: 10.0.0.1\n", 1, "asn", "required"},
      {"asn zero", "asn: 0\nrouter-id: 10.0.0.1\n", 1, "asn", "outside"},
      {"asn text", "asn: sixty\nrouter-id: 10.0.0.1\n", 1, "asn", "not a number"},
      {"router-id v6", "asn: 1\nrouter-id: ::1\n", 2, "router-id", "IPv4"},
      {"hold 2", "asn: 1\nrouter-id: 10.0.0.1\ntimers: {hold: 2}\n", 3, "timers.hold",
       "at least 3"},
      {"keepalive >= hold", "asn: 1\nrouter-id: 10.0.0.1\ntimers: {hold: 9, keepalive: 9}\n", 3,
       "timers.keepalive", "less than"},
      {"neighbor without remote-as",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: swp1\n", 4,
       "neighbors[0].remote-as", "required"},
      {"neighbor with two kinds",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: swp1\n    address: 10.0.0.2\n    "
       "remote-as: external\n",
       4, "neighbors[0]", "exactly one"},
      {"bad remote-as",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: swp1\n    remote-as: outside\n", 5,
       "neighbors[0].remote-as", "external, internal"},
      {"unknown neighbor key",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: swp1\n    remote-as: external\n    "
       "passwd: x\n",
       6, "neighbors[0].passwd", "unknown key"},
      {"bad interface name",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: a/b\n    remote-as: external\n", 4,
       "neighbors[0].interface", "not an interface"},
      {"duplicate neighbor",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - {interface: swp1, remote-as: external}\n  - "
       "{interface: swp1, remote-as: external}\n",
       5, "neighbors[1]", "twice"},
      {"bad network", "asn: 1\nrouter-id: 10.0.0.1\nnetworks: [10.0.0.0/33]\n", 3, "networks[0]",
       "not a prefix"},
      {"undefined route-map",
       "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - {interface: swp1, remote-as: external, "
       "route-map-in: NOPE}\n",
       4, "neighbors[0].route-map-in", "route-map 'NOPE' is not defined"},
      {"undefined prefix-list",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  M:\n    - {action: permit, match: "
       "{prefix-list: PL}}\n",
       5, "route-maps.M[0].match.prefix-list", "prefix-list 'PL' is not defined"},
      {"ge shorter than prefix",
       "asn: 1\nrouter-id: 10.0.0.1\nprefix-lists:\n  PL:\n    - {permit: 10.0.0.0/16, ge: 8}\n", 5,
       "prefix-lists.PL[0]", "shorter than the prefix"},
      {"permit and deny",
       "asn: 1\nrouter-id: 10.0.0.1\nprefix-lists:\n  PL:\n    - {permit: 10.0.0.0/16, deny: "
       "10.0.0.0/8}\n",
       5, "prefix-lists.PL[0]", "exactly one of permit or deny"},
      {"bad community",
       "asn: 1\nrouter-id: 10.0.0.1\ncommunity-lists:\n  C:\n    - {permit: [\"65000:70000\"]}\n",
       5, "community-lists.C[0].permit", "not a community"},
      {"bad regex",
       "asn: 1\nrouter-id: 10.0.0.1\nas-path-lists:\n  A:\n    - {permit: \"(65000\"}\n", 5,
       "as-path-lists.A[0].permit", "not a regular expression"},
      {"continue to nothing",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  M:\n    - {action: permit, continue: 50}\n    "
       "- {action: permit}\n",
       5, "route-maps.M[0].continue", "no entry with seq 50"},
      {"deny with set",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  M:\n    - {action: deny, set: {med: 1}}\n", 5,
       "route-maps.M[0].set", "nothing to set"},
      {"bandwidth without a number",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  M:\n    - {action: permit, set: "
       "{link-bandwidth: fast}}\n",
       5, "route-maps.M[0].set.link-bandwidth", "'fast' is not a bandwidth"},
      {"seq out of order",
       "asn: 1\nrouter-id: 10.0.0.1\nroute-maps:\n  M:\n    - {seq: 20, action: permit}\n    - "
       "{seq: 10, action: deny}\n",
       6, "route-maps.M[1].seq", "greater than"},
      {"aggregate also a network",
       "asn: 1\nrouter-id: 10.0.0.1\nnetworks: [10.2.0.0/16]\naggregates:\n  - {prefix: "
       "10.2.0.0/16}\n",
       5, "aggregates[0]", "also in networks"},
      {"redistribute route-map",
       "asn: 1\nrouter-id: 10.0.0.1\nredistribute: {connected: {route-map: NONE}}\n", 3,
       "redistribute.connected.route-map", "not defined"},
      {"aggregate key",
       "asn: 1\nrouter-id: 10.0.0.1\naggregates:\n  - {prefix: 10.2.0.0/16, summary: true}\n", 4,
       "aggregates[0].summary", "unknown key"},
      {"network route-map",
       "asn: 1\nrouter-id: 10.0.0.1\nnetworks:\n  - {prefix: 10.0.0.0/24, route-map: X}\n", 4,
       "networks[0].route-map", "not defined"},
      {"yaml syntax", "asn: [1\n", 2, "", ""},
      {"empty file", "", 0, "", "empty"},
  };
  for (const auto& c : cases) expect_refused(c);
}

TEST(Config, BfdDefaultsAndOverrides) {
  auto c = parse_config(R"(
asn: 65101
router-id: 10.0.0.11
bfd: {interval-ms: 100, multiplier: 5}
neighbors:
  - {interface: swp1, remote-as: external}
  - {interface: swp2, remote-as: external, bfd: false}
  - {interface: swp3, remote-as: external, bfd: {interval-ms: 50}}
  - {address: 192.0.2.1, remote-as: 65100}
  - {address: 192.0.2.2, remote-as: 65100, bfd: true}
)",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].bfd, (Bfd{100, 5}));  // on by default on fabric links
  EXPECT_FALSE(c->neighbors[1].bfd);
  EXPECT_EQ(c->neighbors[2].bfd, (Bfd{50, 5}));
  EXPECT_FALSE(c->neighbors[3].bfd);  // off by default for numbered neighbours
  EXPECT_EQ(c->neighbors[4].bfd, (Bfd{100, 5}));
  auto floor = parse_config("asn: 1\nrouter-id: 10.0.0.1\nbfd: {interval-ms: 10}\n", "t.yaml");
  ASSERT_FALSE(floor);
  EXPECT_EQ(floor.error().key, "bfd.interval-ms");
  auto bad = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - {interface: swp1, remote-as: external, bfd: "
      "maybe}\n",
      "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "neighbors[0].bfd");
}

TEST(Config, GracefulRestartIsOnByDefaultAndTunable) {
  const std::string base = "asn: 1\nrouter-id: 10.0.0.1\n";
  auto c = parse_config(base, "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->graceful_restart.enabled);
  EXPECT_EQ(c->graceful_restart.restart_time, 120);
  c = parse_config(base + "graceful-restart: false\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->graceful_restart.enabled);
  c = parse_config(base + "graceful-restart: {restart-time: 30, stale-time: 60}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->graceful_restart.restart_time, 30);
  EXPECT_EQ(c->graceful_restart.stale_time, 60u);
  EXPECT_EQ(c->graceful_restart.helper, GracefulRestart::Helper::Planned);
  EXPECT_EQ(c->graceful_restart.long_lived_stale_time, 0u);  // not offered by default
  c = parse_config(base + "graceful-restart: {long-lived-stale-time: 86400}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->graceful_restart.long_lived_stale_time, 86400u);
  auto bad = parse_config(base + "graceful-restart: {long-lived-stale-time: 16777216}\n", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "graceful-restart.long-lived-stale-time");
  bad = parse_config(base + "graceful-restart: {restart-time: 5000}\n", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "graceful-restart.restart-time");
  c = parse_config(base + "graceful-restart: {helper: always}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->graceful_restart.helper, GracefulRestart::Helper::Always);
  bad = parse_config(base + "graceful-restart: {helper: sometimes}\n", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "graceful-restart.helper");
  EXPECT_NE(bad.error().message.find("must be planned or always"), std::string::npos);
}

TEST(Config, FibOptions) {
  auto c = parse_config("asn: 1\nrouter-id: 10.0.0.1\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->fib.resilient);
  EXPECT_TRUE(c->fib.retain_on_exit);
  EXPECT_EQ(c->fib.audit_interval, 60u);
  c = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\n"
      "fib: {resilient: true, retain-on-exit: false, repair: false, audit-interval: 0}\n",
      "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->fib.resilient);
  EXPECT_FALSE(c->fib.retain_on_exit);
  EXPECT_EQ(c->fib.audit_interval, 0u);
  EXPECT_FALSE(c->fib.repair);
  EXPECT_FALSE(c->fib.nexthop_objects.has_value());  // auto
  EXPECT_FALSE(c->fib.advertise_after_install);
  c = parse_config("asn: 1\nrouter-id: 10.0.0.1\nfib: {advertise-after-install: true}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->fib.advertise_after_install);
  c = parse_config("asn: 1\nrouter-id: 10.0.0.1\nfib: {nexthop-objects: false}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->fib.nexthop_objects, false);
  c = parse_config("asn: 1\nrouter-id: 10.0.0.1\nfib: {nexthop-objects: auto}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_FALSE(c->fib.nexthop_objects.has_value());
  auto bad = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\nfib: {resilient: true, nexthop-objects: false}\n", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "fib.nexthop-objects");
  bad = parse_config("asn: 1\nrouter-id: 10.0.0.1\nfib: {nexthop-objects: maybe}\n", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "fib.nexthop-objects");
}

TEST(Config, NeighbourLimitsFiltersAndPassword) {
  const std::string base =
      "asn: 1\nrouter-id: 10.0.0.1\nneighbors:\n  - interface: swp1\n    remote-as: external\n";
  auto c = parse_config(base, "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  const Neighbor& plain = c->neighbors[0];
  EXPECT_EQ(plain.max_prefix.limit, 0u);
  EXPECT_TRUE(plain.path_attribute.discard.empty());
  EXPECT_TRUE(plain.password.empty());

  c = parse_config(base + "    max-prefix: 12000\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->neighbors[0].max_prefix.limit, 12000u);
  EXPECT_EQ(c->neighbors[0].max_prefix.action, MaxPrefix::Action::Restart);
  EXPECT_EQ(c->neighbors[0].max_prefix.restart_after, 60u);
  EXPECT_EQ(c->neighbors[0].max_prefix.warning_percent, 75);

  c = parse_config(base +
                       "    max-prefix: {limit: 10, action: idle, warning-percent: 90}\n"
                       "    path-attribute: {discard: [28, 40, 28], treat-as-withdraw: 29}\n"
                       "    password: s3cret\n",
                   "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  const Neighbor& n = c->neighbors[0];
  EXPECT_EQ(n.max_prefix.action, MaxPrefix::Action::Idle);
  EXPECT_EQ(n.max_prefix.warning_percent, 90);
  EXPECT_EQ(n.path_attribute.discard, (std::vector<uint8_t>{28, 40}));
  EXPECT_EQ(n.path_attribute.treat_as_withdraw, (std::vector<uint8_t>{29}));
  EXPECT_EQ(n.password, "s3cret");

  const std::pair<const char*, const char*> bad[] = {
      {"    max-prefix: 0\n", "neighbors[0].max-prefix"},
      {"    max-prefix: {limit: 5, action: drop}\n", "neighbors[0].max-prefix.action"},
      {"    max-prefix: {limit: 5, action: warn, restart-after: 9}\n",
       "neighbors[0].max-prefix.restart-after"},
      {"    max-prefix: {action: warn}\n", "neighbors[0].max-prefix.limit"},
      {"    path-attribute: {discard: [2]}\n", "neighbors[0].path-attribute.discard"},
      {"    path-attribute: {treat-as-withdraw: [14]}\n",
       "neighbors[0].path-attribute.treat-as-withdraw"},
      {"    path-attribute: {discard: [28], treat-as-withdraw: [28]}\n",
       "neighbors[0].path-attribute"},
      {"    path-attribute: {drop: [28]}\n", "neighbors[0].path-attribute.drop"},
      {"    password: \"\"\n", "neighbors[0].password"},
  };
  for (const auto& [text, key] : bad) {
    auto e = parse_config(base + text, "t.yaml");
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().key, key) << text << ": " << e.error().to_string();
    EXPECT_EQ(e.error().line, 6) << text;
  }
}

TEST(Config, RouteReflection) {
  auto c = parse_config(
      "asn: 65000\nrouter-id: 10.0.0.1\ncluster-id: 10.0.0.100\nneighbors:\n"
      "  - {address: 10.0.0.2, remote-as: internal, route-reflector-client: true}\n"
      "  - {address: 10.0.0.3, remote-as: 65000, route-reflector-client: true}\n"
      "  - {address: 10.0.0.4, remote-as: 65000, next-hop-self: true}\n",
      "rr.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->cluster_id, wire::IpAddress::parse("10.0.0.100"));
  EXPECT_TRUE(c->neighbors[0].route_reflector_client);
  EXPECT_TRUE(c->neighbors[1].route_reflector_client);
  EXPECT_FALSE(c->neighbors[2].route_reflector_client);
  EXPECT_FALSE(c->neighbors[0].next_hop_self);
  EXPECT_TRUE(c->neighbors[2].next_hop_self);
  const BadCase cases[] = {
      {"client over eBGP",
       "asn: 65000\nrouter-id: 10.0.0.1\nneighbors:\n  - {interface: swp1, remote-as: external,"
       " route-reflector-client: true}\n",
       4, "neighbors[0].route-reflector-client", "only an iBGP neighbour"},
      {"client of another AS",
       "asn: 65000\nrouter-id: 10.0.0.1\nneighbors:\n  - {address: 10.0.0.2, remote-as: 65001,"
       " route-reflector-client: true}\n",
       4, "neighbors[0].route-reflector-client", "remote-as internal or 65000"},
      {"cluster-id not IPv4", "asn: 65000\nrouter-id: 10.0.0.1\ncluster-id: 7\n", 3, "cluster-id",
       "non-zero IPv4 address"},
  };
  for (const auto& bad : cases) expect_refused(bad);
}

TEST(Config, ShippedExamplesAreValid) {
  for (const char* f : {"examples/leaf.yaml", "examples/spine.yaml", "packaging/closbgpd.yaml"}) {
    auto c = load_config_file(std::string(CLOSBGP_SOURCE_DIR) + "/" + f);
    EXPECT_TRUE(c) << f << ": " << c.error().to_string();
  }
  auto missing = load_config_file("/nonexistent/closbgpd.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().to_string().find("cannot be read"), std::string::npos);
}

TEST(CommandLine, ParsesOptions) {
  const char* argv[] = {"closbgpd", "-c", "x.yaml", "--log-level=debug", "--check"};
  auto o = parse_daemon_options(std::span<char* const>(const_cast<char**>(argv), 5));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config_path, "x.yaml");
  EXPECT_EQ(o->log_level, "debug");
  EXPECT_TRUE(o->check_only);
  const char* bad[] = {"closbgpd", "--frobnicate"};
  EXPECT_FALSE(parse_daemon_options(std::span<char* const>(const_cast<char**>(bad), 2)));
  const char* dangling[] = {"closbgpd", "--config"};
  EXPECT_FALSE(parse_daemon_options(std::span<char* const>(const_cast<char**>(dangling), 2)));
}

}  // namespace
}  // namespace closbgp::config
