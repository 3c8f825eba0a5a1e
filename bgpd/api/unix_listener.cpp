#include "bgpd/api/unix_listener.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "bgpd/log/log.h"

namespace closbgp::api {
namespace {

std::string errno_text(int err = errno) {
  return std::strerror(err);
}

sockaddr_un address_of(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  path.copy(a.sun_path, sizeof a.sun_path - 1);
  return a;
}

// What a connect to the socket file at `path` finds: someone answering (0),
// nobody (ECONNREFUSED: the file is stale), or another errno (EACCES: a
// socket we may not use, perhaps a live one; it is not ours to remove).
int connect_result(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  const auto a = address_of(path);
  const int result = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 ||
                             errno == EAGAIN  // a full backlog: someone is there
                         ? 0
                         : errno;
  ::close(fd);
  return result;
}

// Makes `path` free to bind: nothing there, or a socket nobody answers on
// (a daemon that died without removing it), removed. lstat, so a symlink
// planted there is reported, never followed.
std::expected<void, std::string> clear_stale(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return std::unexpected("cannot inspect " + path + ": " + errno_text());
  }
  if (!S_ISSOCK(st.st_mode))
    return std::unexpected(path + " exists and is not a socket: not removing it");
  if (const int found = connect_result(path); found == 0)
    return std::unexpected("another process answers on " + path +
                           " (is closbgpd already running? give each daemon its own "
                           "grpc.listen)");
  else if (found != ECONNREFUSED)
    return std::unexpected("cannot tell whether the socket " + path + " is stale (" +
                           errno_text(found) + "): not removing it");
  if (::unlink(path.c_str()) != 0)
    return std::unexpected("cannot remove the stale socket " + path + ": " + errno_text());
  log::get("api")->info("removed the stale socket {} (nothing answered on it)", path);
  return {};
}

std::expected<void, std::string> make_parent(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return std::unexpected("cannot create " + dir.string() +
                           " for the API socket: " + errno_text());
  return {};
}

// The connecting process's identity, as the kernel recorded it at connect().
std::optional<Caller> peer_of(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
  Caller c{Caller::Via::UnixSocket, cred.uid, cred.pid, {cred.gid}, {}};
  std::vector<gid_t> groups(64);
  for (;;) {
    socklen_t bytes = socklen_t(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
      groups.resize(bytes / sizeof(gid_t));
      break;
    }
    if (errno != ERANGE) return std::nullopt;
    groups.resize(bytes / sizeof(gid_t) + 1);
  }
  c.groups.insert(c.groups.end(), groups.begin(), groups.end());
  return c;
}

}  // namespace

UnixListener::UnixListener(asio::io_context& io, Accepted accepted)
    : accepted_(std::move(accepted)), acceptor_(io), retry_(io) {}

UnixListener::~UnixListener() {
  close();
}

std::expected<std::optional<gid_t>, std::string> UnixListener::open(const std::string& path,
                                                                    const std::string& group) {
  auto log = log::get("api");
  if (auto ready = make_parent(path); !ready) return std::unexpected(ready.error());
  if (auto free = clear_stale(path); !free) return std::unexpected(free.error());
  boost::system::error_code ec;
  acceptor_.open(asio::local::stream_protocol(), ec);
  if (!ec) acceptor_.bind(asio::local::stream_protocol::endpoint(path), ec);
  if (ec) return std::unexpected("cannot bind the API socket " + path + ": " + ec.message());
  path_ = path;
  ::lstat(path.c_str(), &bound_);
  // The mode is set before listen(): until then a connect is refused, so
  // nobody gets in through the umask's mode in between.
  std::optional<gid_t> gid = group_named(group);
  if (!gid) {
    log->warn(
        "API socket {}: group '{}' does not exist, so the socket is 0600 (root and the "
        "daemon's user only); create it (groupadd --system {}) to let its members read",
        path, group, group);
  } else if (::lchown(path.c_str(), uid_t(-1), *gid) != 0) {
    log->warn(
        "API socket {}: cannot give it group '{}' ({}), so it is 0600; run the daemon "
        "with that group (SupplementaryGroups={} in its unit)",
        path, group, errno_text(), group);
    gid.reset();
  }
  if (::chmod(path.c_str(), gid ? 0660 : 0600) != 0)
    return std::unexpected("cannot set the mode of the API socket " + path + ": " + errno_text());
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on the API socket " + path + ": " + ec.message());
  accept_next();
  return gid;
}

void UnixListener::accept_next() {
  acceptor_.async_wait(asio::socket_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;  // closed
    const int fd =
        ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      if (auto caller = peer_of(fd))
        accepted_(fd, std::move(*caller));
      else {
        log::get("api")->warn("API socket: cannot read a caller's credentials ({}); closed",
                              errno_text());
        ::close(fd);
      }
    } else if (errno != EAGAIN && errno != ECONNABORTED) {
      // Out of descriptors, most likely: the socket stays readable, so wait
      // rather than spin.
      log::get("api")->warn("API socket: accept failed: {}; retrying in 1 s", errno_text());
      retry_.expires_after(std::chrono::seconds(1));
      retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e) accept_next();
      });
      return;
    }
    accept_next();
  });
}

void UnixListener::close() {
  if (!acceptor_.is_open()) return;
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
  // Remove only the socket this listener bound: another daemon may have
  // replaced a file we no longer serve.
  struct stat now {};
  if (::lstat(path_.c_str(), &now) == 0 && now.st_ino == bound_.st_ino &&
      now.st_dev == bound_.st_dev)
    ::unlink(path_.c_str());
}

}  // namespace closbgp::api
