// Who made a gRPC call. On the Unix socket the daemon accepts connections
// itself (UnixListener) and gRPC names such a connection "fd:N"; the
// registry keeps each descriptor's caller from accept until the descriptor
// is reused. With TLS the client certificate gRPC verified names the caller.
#pragma once

#include <grpcpp/server_context.h>

#include <mutex>
#include <string_view>
#include <unordered_map>

#include "bgpd/api/access.h"

namespace closbgp::api {

class CallerRegistry {
 public:
  // Before the descriptor is handed to gRPC (any thread).
  void admit(int fd, Caller caller);
  // The caller of a call in progress. A call holds its connection open, so
  // its descriptor cannot have been reused for another caller yet. A
  // descriptor never admitted yields a caller without a role.
  Caller of(const grpc::ServerContextBase& ctx) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, Caller> by_fd_;
};

// The role an RPC of BgpService needs, as its `access` option in bgp.proto
// declares it; Write for an RPC that declares none.
Role required_role(std::string_view rpc);

}  // namespace closbgp::api
