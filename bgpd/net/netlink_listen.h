// A non-blocking rtnetlink socket subscribed to multicast groups (RTMGRP_*):
// what the modules that follow the kernel's notifications open.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace closbgp::net {

// The socket's descriptor (the caller owns it), or why it could not be
// opened. `receive_buffer`: bytes, 0 for the system's default.
std::expected<int, std::string> rtnetlink_listener(uint32_t groups, int receive_buffer = 0);

}  // namespace closbgp::net
