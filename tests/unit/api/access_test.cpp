#include "bgpd/api/access.h"

#include <gtest/gtest.h>

#include "bgpd/api/caller_registry.h"
#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::api {
namespace {

Caller local(uid_t uid, std::vector<gid_t> groups) {
  return {Caller::Via::UnixSocket, uid, 4242, std::move(groups), {}};
}

Caller certificate(std::vector<std::string> names) {
  return {Caller::Via::Certificate, 0, 0, {}, std::move(names)};
}

TEST(Access, OnTheSocketRootTheDaemonAndWriteGroupsWriteTheSocketGroupReads) {
  const AccessRules rules{.own_uid = 990, .read_group = 120, .write_groups = {121, 122}};
  EXPECT_EQ(rules.role_of(local(0, {0})), Role::Write);
  EXPECT_EQ(rules.role_of(local(990, {990})), Role::Write);
  EXPECT_EQ(rules.role_of(local(1001, {1001, 120, 122})), Role::Write);
  EXPECT_EQ(rules.role_of(local(1002, {1002, 120})), Role::Read);
  EXPECT_EQ(rules.role_of(local(1003, {120})), Role::Read);  // as the primary group
  EXPECT_EQ(rules.role_of(local(1004, {1004, 27})), Role::None);
  // The socket without a group (it did not exist): only writers.
  const AccessRules no_group{.own_uid = 990};
  EXPECT_EQ(no_group.role_of(local(1002, {1002, 120})), Role::None);
}

TEST(Access, CertificatesByNameOrEveryOneTheCaSigned) {
  const AccessRules listed{.certificate_read = {"monitor"},
                           .certificate_write = {"automation.example"}};
  EXPECT_EQ(listed.role_of(certificate({"CN=monitor", "monitor"})), Role::Read);
  EXPECT_EQ(listed.role_of(certificate({"CN=robot", "robot", "automation.example"})), Role::Write);
  EXPECT_EQ(listed.role_of(certificate({"CN=guest", "guest"})), Role::None);
  const AccessRules unlisted{};
  EXPECT_EQ(unlisted.role_of(certificate({"CN=guest", "guest"})), Role::Write);
}

TEST(Access, AnonymousCallersGetWhatTheTransportAllows) {
  EXPECT_EQ(AccessRules{.anonymous = Role::Write}.role_of({}), Role::Write);  // insecure: true
  EXPECT_EQ(AccessRules{.anonymous = Role::Read}.role_of({}), Role::Read);    // server-only TLS
  EXPECT_EQ(AccessRules{}.role_of({}), Role::None);
}

TEST(Access, GroupsByName) {
  EXPECT_EQ(group_named("root"), gid_t(0));
  EXPECT_EQ(group_named("cbt-no-such-group"), std::nullopt);
}

TEST(Access, RolesAreOrdered) {
  EXPECT_TRUE(allows(Role::Write, Role::Read));
  EXPECT_TRUE(allows(Role::Read, Role::Read));
  EXPECT_FALSE(allows(Role::Read, Role::Write));
  EXPECT_FALSE(allows(Role::None, Role::Read));
}

// Every RPC declares its role in bgp.proto; a new one without it fails here
// (and would need the write role until it does).
TEST(Access, EveryRpcDeclaresItsRole) {
  const auto* service = v1::Access_descriptor()->file()->FindServiceByName("BgpService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 10);
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    EXPECT_NE(m->options().GetExtension(v1::access), v1::ACCESS_UNSPECIFIED) << m->name();
  }
  EXPECT_EQ(required_role("ShowBgpSummary"), Role::Read);
  EXPECT_EQ(required_role("WatchEvents"), Role::Read);
  EXPECT_EQ(required_role("ValidateConfig"), Role::Read);
  EXPECT_EQ(required_role("ShowRunningConfig"), Role::Read);
  EXPECT_EQ(required_role("SetLogLevel"), Role::Write);
  EXPECT_EQ(required_role("SetDrainState"), Role::Write);
  EXPECT_EQ(required_role("ReloadConfig"), Role::Write);
  EXPECT_EQ(required_role("NoSuchRpc"), Role::Write);
}

}  // namespace
}  // namespace closbgp::api
