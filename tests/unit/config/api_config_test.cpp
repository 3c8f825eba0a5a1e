#include <gtest/gtest.h>

#include <fstream>

#include "bgpd/config/config.h"
#include "tests/unit/config/bad_config.h"

namespace closbgp::config {
namespace {

TEST(ApiConfig, DefaultIsTheUnixSocketWithItsGroup) {
  auto c = parse_config("asn: 1\nrouter-id: 10.0.0.1\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->grpc.listen, "unix:/run/closbgpd/closbgpd.sock");
  EXPECT_EQ(c->grpc.group, "closbgp");
  EXPECT_TRUE(c->grpc.write_groups.empty());
}

TEST(ApiConfig, GroupsAndCertificateRoles) {
  auto c = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\n"
      "grpc: {listen: unix:/run/a.sock, group: netops, write-groups: [netadmin, noc]}\n",
      "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->grpc.group, "netops");
  EXPECT_EQ(c->grpc.write_groups, (std::vector<std::string>{"netadmin", "noc"}));
  auto tls = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\ngrpc:\n  listen: 0.0.0.0:50051\n"
      "  tls: {cert: a.pem, key: a.key, client-ca: ca.pem, read: [monitor], write: ops1}\n",
      "t.yaml", Files::Leave);
  ASSERT_TRUE(tls) << tls.error().to_string();
  EXPECT_EQ(tls->grpc.tls_read, std::vector<std::string>{"monitor"});
  EXPECT_EQ(tls->grpc.tls_write, std::vector<std::string>{"ops1"});
}

TEST(ApiConfig, WhatCouldOpenTheApiToOthersIsRefused) {
  const std::string long_path(120, 'a');
  const std::string too_long =
      "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {listen: \"unix:/" + long_path + "\"}\n";
  const BadCase cases[] = {
      {"TCP loopback without TLS",
       "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {listen: \"127.0.0.1:50051\"}\n", 3, "grpc.listen",
       "every local user could steer the router"},
      {"public TCP without TLS", "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {listen: \"0.0.0.0:50051\"}\n",
       3, "grpc.listen", "insecure: true"},
      {"relative socket", "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {listen: \"unix:api.sock\"}\n", 3,
       "grpc.listen", "must be absolute"},
      {"socket path too long", too_long.c_str(), 3, "grpc.listen", "at most 107 bytes"},
      {"TLS on the socket",
       "asn: 1\nrouter-id: 10.0.0.1\ngrpc:\n  tls: {cert: /dev/null, key: /dev/null}\n", 4,
       "grpc.tls", "a Unix socket is protected by its mode"},
      {"groups over TCP",
       "asn: 1\nrouter-id: 10.0.0.1\ngrpc:\n  listen: 127.0.0.1:50051\n  insecure: true\n"
       "  write-groups: [ops]\n",
       6, "grpc.write-groups", "applies to a unix: address"},
      {"certificate roles without a client CA",
       "asn: 1\nrouter-id: 10.0.0.1\ngrpc:\n  listen: 0.0.0.0:50051\n"
       "  tls: {cert: /dev/null, key: /dev/null, read: [monitor]}\n",
       5, "grpc.tls.read", "configure client-ca"},
      {"insecure on the socket", "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {insecure: true}\n", 3,
       "grpc.insecure", "TCP address only"},
      {"empty write group", "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {write-groups: [\"\"]}\n", 3,
       "grpc.write-groups", "empty name"},
  };
  for (const auto& c : cases) expect_refused(c);
}

TEST(ApiConfig, GrpcTlsFilesMustBeReadable) {
  const std::string dir = testing::TempDir();
  for (const char* f : {"api.crt", "api.key", "clients.pem"}) std::ofstream(dir + "/" + f) << "x";
  const std::string base = "asn: 1\nrouter-id: 10.0.0.1\ngrpc:\n  listen: \"0.0.0.0:50051\"\n";
  auto c = parse_config(base + "  tls: {cert: " + dir + "/api.crt, key: " + dir +
                            "/api.key, client-ca: " + dir + "/clients.pem}\n",
                        "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->grpc.tls_client_ca, dir + "/clients.pem");
  auto missing =
      parse_config(base + "  tls: {cert: " + dir + "/api.crt, key: /nonexistent.key}\n", "t.yaml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().key, "grpc.tls.key");
  // A client's text is checked without opening the files it names.
  EXPECT_TRUE(parse_config(base + "  tls: {cert: /root/a.crt, key: /nonexistent.key}\n", "t.yaml",
                           Files::Leave));
  EXPECT_EQ(missing.error().line, 5);
  auto half = parse_config(base + "  tls: {cert: " + dir + "/api.crt}\n", "t.yaml");
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("both cert and key"), std::string::npos);
}

TEST(ApiConfig, InsecurePublicGrpcIsAllowedWhenWritten) {
  auto c = parse_config(
      "asn: 1\nrouter-id: 10.0.0.1\ngrpc: {listen: \"0.0.0.0:50051\", insecure: true}\n", "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
}

}  // namespace
}  // namespace closbgp::config
