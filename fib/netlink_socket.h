// What every rtnetlink reader and writer here shares (libnl-3): a socket
// connected to the routing family, and one dump request (RTM_GET... with
// NLM_F_DUMP) with every answer handed to a callback.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>

struct nl_sock;
struct nlmsghdr;

namespace closbgp::fib {

// nullptr if the kernel refuses one.
nl_sock* connected_socket();

// `header`: the request's family header (rtmsg, nhmsg, ndmsg, ifinfomsg);
// `what` names the table in an error ("reading the kernel's WHAT: ...").
std::expected<void, std::string> dump(nl_sock* sock, int type, const void* header, size_t size,
                                      const char* what,
                                      const std::function<void(nlmsghdr*)>& on_message);

}  // namespace closbgp::fib
