// Why an operator's request (reload, drain, a route, a neighbour reset)
// changed nothing: its kind, and what was wrong and where.
#pragma once

#include <string>

namespace closbgp::session {

struct OpError {
  enum class Kind {
    InvalidConfig,    // the file does not validate (file:line: key: ...)
    NeedsRestart,     // valid, but the running daemon cannot apply it
    NotFound,         // no such neighbour or route
    InvalidArgument,  // the request itself is malformed
    Conflict,         // not in this state (no session, FIB disabled, ...)
    Internal          // the kernel or another resource could not be read
  } kind;
  std::string message;
};

}  // namespace closbgp::session
