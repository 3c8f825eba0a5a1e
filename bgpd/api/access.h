// Who may call what: the caller's identity as its transport proved it, and
// the rules that give it a role (docs/security.md). Plain C++, no gRPC, so
// the rules are unit-tested on their own.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace closbgp::api {

enum class Role { None, Read, Write };
const char* to_string(Role r);

// A caller on the Unix socket (the kernel's SO_PEERCRED and SO_PEERGROUPS),
// one with a client certificate (its subject, common name and SANs), or one
// the transport tells nothing about (TCP without a client certificate).
struct Caller {
  enum class Via { UnixSocket, Certificate, Anonymous };
  Via via = Via::Anonymous;
  uid_t uid = 0;
  pid_t pid = 0;
  std::vector<gid_t> groups;       // primary and supplementary
  std::vector<std::string> names;  // from the certificate
  // For a log line: "uid 1001 (pid 4242)", "certificate CN=ops1", "an anonymous client".
  std::string describe() const;
};

struct AccessRules {
  // Unix socket: root and the daemon's own user write; members of
  // `write_groups` write; members of `read_group` read.
  uid_t own_uid = 0;
  std::optional<gid_t> read_group{};
  std::vector<gid_t> write_groups{};
  // Certificates: a name in `certificate_write` writes, one in
  // `certificate_read` reads; both empty: every certificate writes (the CA
  // that signed it is the grant).
  std::vector<std::string> certificate_read{}, certificate_write{};
  // Anonymous callers: Write only with `insecure: true` on TCP (written
  // explicitly by the operator); with server-only TLS they may read.
  Role anonymous = Role::None;

  Role role_of(const Caller& c) const;
};

// The id of the group called `name`, if there is one (the system's group
// database: /etc/group, or NSS).
std::optional<gid_t> group_named(const std::string& name);

// Whether `has` is enough for an RPC that needs `needed`.
inline bool allows(Role has, Role needed) {
  return int(has) >= int(needed);
}

}  // namespace closbgp::api
