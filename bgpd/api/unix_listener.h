// The API's Unix socket. The daemon accepts connections itself, on the main
// io_context, so that it learns each caller's identity from the kernel
// (SO_PEERCRED, SO_PEERGROUPS) before handing the connection to gRPC.
#pragma once

#include <sys/stat.h>

#include <expected>
#include <functional>
#include <string>

#include "bgpd/api/access.h"
#include "bgpd/asio.h"

namespace closbgp::api {

class UnixListener {
 public:
  // A connection and who made it; the receiver owns `fd`.
  using Accepted = std::function<void(int fd, Caller caller)>;
  UnixListener(asio::io_context& io, Accepted accepted);
  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Listens on `path`, mode 0660 with `group` (0600 when the group does not
  // exist or the daemon may not use it: logged). Creates a missing parent
  // directory (0755); removes a stale socket left by a daemon that died,
  // but fails, naming the path, when something answers there or the path is
  // not a socket. The group's id, when the socket got it.
  std::expected<std::optional<gid_t>, std::string> open(const std::string& path,
                                                        const std::string& group);
  // Stops accepting and removes the socket file, if it is still ours.
  void close();

 private:
  void accept_next();

  Accepted accepted_;
  asio::local::stream_protocol::acceptor acceptor_;
  asio::steady_timer retry_;
  std::string path_;
  struct stat bound_ {};
};

}  // namespace closbgp::api
