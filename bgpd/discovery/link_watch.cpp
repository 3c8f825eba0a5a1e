#include "bgpd/discovery/link_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "bgpd/log/log.h"
#include "bgpd/net/netlink_listen.h"

namespace closbgp::discovery {
namespace {

// Links appearing, going, changing state; addresses added and removed.
constexpr uint32_t kGroups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;

}  // namespace

LinkWatch::LinkWatch(asio::io_context& io, std::function<void()> on_change,
                     std::function<void()> on_stopped)
    : io_(io),
      socket_(io),
      buffer_(1 << 16),
      on_change_(std::move(on_change)),
      on_stopped_(std::move(on_stopped)) {}

LinkWatch::~LinkWatch() {
  if (fed_by_) fed_by_({});
}

std::expected<void, std::string> LinkWatch::start(const Follow& shared) {
  if (shared && shared([this] { changed(); })) {
    fed_by_ = shared;
    return {};
  }
  const auto fd = net::rtnetlink_listener(kGroups);
  if (!fd) return std::unexpected(fd.error());
  socket_.assign(*fd);
  read();
  return {};
}

void LinkWatch::read() {
  socket_.async_read_some(
      asio::buffer(buffer_), [this](const boost::system::error_code& ec, size_t) {
        if (ec == asio::error::operation_aborted) return;
        // The content does not matter: whatever changed, the interfaces are
        // read again. ENOBUFS (notifications lost) calls for the same.
        if (ec && ec.value() != ENOBUFS) {
          log::get("session")->warn(
              "link notifications stopped ({}); interfaces are read every second", ec.message());
          on_stopped_();
          return;
        }
        changed();
        read();
      });
}

void LinkWatch::changed() {
  if (pending_.exchange(true)) return;
  asio::post(io_, [this] {
    pending_ = false;
    on_change_();
  });
}

}  // namespace closbgp::discovery
