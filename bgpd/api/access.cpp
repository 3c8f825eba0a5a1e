#include "bgpd/api/access.h"

#include <grp.h>

#include <algorithm>
#include <cerrno>

namespace closbgp::api {
namespace {

template <class T>
bool shares(const std::vector<T>& a, const std::vector<T>& b) {
  return std::ranges::any_of(a, [&](const T& x) { return std::ranges::find(b, x) != b.end(); });
}

}  // namespace

std::optional<gid_t> group_named(const std::string& name) {
  group g{}, *found = nullptr;
  std::vector<char> buf(4096);
  while (::getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) == ERANGE)
    buf.resize(buf.size() * 2);
  if (!found) return std::nullopt;
  return found->gr_gid;
}

const char* to_string(Role r) {
  switch (r) {
    case Role::None:
      return "none";
    case Role::Read:
      return "read";
    case Role::Write:
      return "write";
  }
  return "none";
}

std::string Caller::describe() const {
  switch (via) {
    case Via::UnixSocket:
      return "uid " + std::to_string(uid) + " (pid " + std::to_string(pid) + ")";
    case Via::Certificate:
      return "certificate " + (names.empty() ? std::string("without a name") : names.front());
    case Via::Anonymous:
      break;
  }
  return "an anonymous client";
}

Role AccessRules::role_of(const Caller& c) const {
  switch (c.via) {
    case Caller::Via::UnixSocket:
      if (c.uid == 0 || c.uid == own_uid || shares(c.groups, write_groups)) return Role::Write;
      if (read_group && std::ranges::find(c.groups, *read_group) != c.groups.end())
        return Role::Read;
      return Role::None;
    case Caller::Via::Certificate:
      if (certificate_read.empty() && certificate_write.empty()) return Role::Write;
      if (shares(c.names, certificate_write)) return Role::Write;
      if (shares(c.names, certificate_read)) return Role::Read;
      return Role::None;
    case Caller::Via::Anonymous:
      break;
  }
  return anonymous;
}

}  // namespace closbgp::api
