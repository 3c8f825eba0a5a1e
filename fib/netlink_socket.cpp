#include "fib/netlink_socket.h"

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace closbgp::fib {
namespace {

int on_valid(nl_msg* msg, void* arg) {
  (*static_cast<const std::function<void(nlmsghdr*)>*>(arg))(nlmsg_hdr(msg));
  return NL_OK;
}

}  // namespace

nl_sock* connected_socket() {
  nl_sock* s = nl_socket_alloc();
  if (s && nl_connect(s, NETLINK_ROUTE) == 0) return s;
  if (s) nl_socket_free(s);
  return nullptr;
}

std::expected<void, std::string> dump(nl_sock* sock, int type, const void* header, size_t size,
                                      const char* what,
                                      const std::function<void(nlmsghdr*)>& on_message) {
  int err = nl_send_simple(sock, type, NLM_F_DUMP, const_cast<void*>(header), size);
  if (err >= 0) {
    nl_cb* socket_cb = nl_socket_get_cb(sock);  // a reference of our own
    nl_cb* cb = nl_cb_clone(socket_cb);
    nl_cb_put(socket_cb);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, &on_valid,
              const_cast<void*>(static_cast<const void*>(&on_message)));
    err = nl_recvmsgs(sock, cb);
    nl_cb_put(cb);
  }
  if (err < 0)
    return std::unexpected(std::string("reading the kernel's ") + what + ": " + nl_geterror(err));
  return {};
}

}  // namespace closbgp::fib
