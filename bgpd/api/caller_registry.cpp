#include "bgpd/api/caller_registry.h"

#include <charconv>

#include "closbgp/v1/bgp.grpc.pb.h"

namespace closbgp::api {

void CallerRegistry::admit(int fd, Caller caller) {
  std::lock_guard lock(mu_);
  by_fd_[fd] = std::move(caller);
}

Caller CallerRegistry::of(const grpc::ServerContextBase& ctx) const {
  const std::string peer = ctx.peer();
  if (peer.starts_with("fd:")) {
    int fd = -1;
    std::from_chars(peer.data() + 3, peer.data() + peer.size(), fd);
    std::lock_guard lock(mu_);
    if (auto it = by_fd_.find(fd); it != by_fd_.end()) return it->second;
    return Caller{Caller::Via::UnixSocket, uid_t(-1), 0, {}, {}};
  }
  const auto auth = ctx.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return {};
  Caller c{Caller::Via::Certificate, 0, 0, {}, {}};
  // The subject first: it is what a log line shows.
  for (const char* property : {"x509_subject", "x509_common_name", "x509_subject_alternative_name"})
    for (const auto& value : auth->FindPropertyValues(property))
      c.names.emplace_back(value.data(), value.size());
  return c;
}

Role required_role(std::string_view rpc) {
  const auto* service = v1::Access_descriptor()->file()->FindServiceByName("BgpService");
  const auto* method = service->FindMethodByName(std::string(rpc));
  return method && method->options().GetExtension(v1::access) == v1::ACCESS_READ ? Role::Read
                                                                                 : Role::Write;
}

}  // namespace closbgp::api
