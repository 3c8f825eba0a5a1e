#include "bgpd/session/connection.h"

#include <sys/ioctl.h>

#include <algorithm>
#include <cstring>

#include "bgpd/session/address.h"

namespace closbgp::session {
namespace {
// The read buffer starts small (a thousand idle sessions should not cost
// 128 MB) and grows to hold the largest message seen (RFC 8654: 65535).
constexpr size_t kInitialBuffer = 16 * 1024;
constexpr auto kFlushTimeout = std::chrono::seconds(1);
// Work per loop turn is bounded so that timers, BFD hand-offs and API calls
// run between batches of a large UPDATE burst.
constexpr size_t kMessagesPerTurn = 64;
// Large outbound blobs are queued in pieces of whole messages, so urgent
// messages can go between them.
constexpr size_t kWriteChunk = 64 * 1024;
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Handlers handlers, SocketSettings settings)
    : socket_(std::move(socket)),
      handlers_(std::move(handlers)),
      inbuf_(kInitialBuffer),
      settings_(std::move(settings)),
      flush_timer_(socket_.get_executor()) {
  // An accepted socket: before the first byte (our OPEN) leaves.
  if (socket_.is_open())
    apply_bgp_socket_options(socket_.native_handle(), local_endpoint().address().is_v6(),
                             settings_);
}

Connection::Connection(asio::io_context& io, Handlers handlers, SocketSettings settings)
    : Connection(asio::ip::tcp::socket(io), std::move(handlers), std::move(settings)) {}

Connection::~Connection() {
  close_now();
}

void Connection::connect(const asio::ip::tcp::endpoint& to) {
  boost::system::error_code ec;
  socket_.open(to.protocol(), ec);
  if (ec) return fail("cannot open socket: " + ec.message());
  // Before connect, so that the SYN already carries its TTL and CS6, and
  // leaves from the update-source.
  apply_bgp_socket_options(socket_.native_handle(), to.address().is_v6(), settings_);
  if (!settings_.update_source.empty()) {
    const auto source = source_address(settings_.update_source, to.address().is_v6());
    if (!source) return fail(source.error());
    socket_.bind({asio::ip::make_address(source->to_string()), 0}, ec);
    if (ec) return fail("update-source " + source->to_string() + ": " + ec.message());
  }
  if (!settings_.password.empty()) {
    const std::string err = set_tcp_md5(socket_.native_handle(), to.address().is_v6(),
                                        to_wire(to.address()), -1, settings_.password);
    if (!err.empty()) return fail(err);
  }
  socket_.async_connect(to, [self = shared_from_this()](const boost::system::error_code& e) {
    if (self->dead_) return;
    if (e) return self->fail(e.message());
    self->handlers_.connected();
  });
}

void Connection::start_reading() {
  read_more();
}

asio::ip::tcp::endpoint Connection::local_endpoint() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec);
}

asio::ip::tcp::endpoint Connection::remote_endpoint() const {
  boost::system::error_code ec;
  return socket_.remote_endpoint(ec);
}

// A whole message in the buffer waiting for its turn (kMessagesPerTurn), or
// bytes in the kernel. A partial message does not count: a peer that stops
// in the middle of one is not alive.
bool Connection::input_waiting() {
  if (const auto header = wire::decode_header({inbuf_.data(), inbuf_used_}, ctx_);
      header && header->length <= inbuf_used_)
    return true;
  int unread = 0;
  return socket_.is_open() && ::ioctl(socket_.native_handle(), FIONREAD, &unread) == 0 &&
         unread > 0;
}

void Connection::pause_reading() {
  paused_ = true;
}

void Connection::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  if (!read_pending_) process_then_read();
}

void Connection::read_more() {
  if (dead_ || paused_) return;
  read_pending_ = true;
  socket_.async_read_some(
      asio::buffer(inbuf_.data() + inbuf_used_, inbuf_.size() - inbuf_used_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->read_pending_ = false;
        if (self->dead_) return;
        if (ec)
          return self->fail(ec == asio::error::eof ? "peer closed the connection" : ec.message());
        self->inbuf_used_ += n;
        self->process_then_read();
      });
}

void Connection::process_then_read() {
  if (dead_ || paused_) return;
  if (!process_buffer()) return read_more();
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->process_then_read(); });
}

// Decodes complete messages from the buffer. Handlers may close this
// connection, after which nothing more is delivered.
bool Connection::process_buffer() {
  size_t at = 0, delivered = 0;
  bool more = false;
  while (!dead_ && inbuf_used_ - at >= wire::kHeaderSize) {
    if (delivered == kMessagesPerTurn) {
      more = true;
      break;
    }
    const std::span<const uint8_t> rest(inbuf_.data() + at, inbuf_used_ - at);
    auto header = wire::decode_header(rest, ctx_);
    if (!header) {
      handlers_.bad_message(std::move(header.error()));
      return false;
    }
    if (rest.size() < header->length) {
      if (header->length > inbuf_.size() - at) more_room_ = header->length;
      break;
    }
    auto msg = wire::decode(rest.first(header->length), ctx_);
    at += header->length;
    ++received_;
    ++delivered;
    if (msg)
      handlers_.message(std::move(*msg));
    else
      handlers_.bad_message(std::move(msg.error()));
  }
  if (dead_) return false;
  std::memmove(inbuf_.data(), inbuf_.data() + at, inbuf_used_ - at);
  inbuf_used_ -= at;
  if (more_room_ > inbuf_.size()) inbuf_.resize(std::max(more_room_, 2 * inbuf_.size()));
  more_room_ = 0;
  return more;
}

void Connection::send(std::vector<uint8_t> bytes, size_t count, bool urgent) {
  if (closing_ || !socket_.is_open()) return;
  sent_ += count;
  if (urgent) {
    // Ahead of everything but the piece being written.
    outq_.insert(outq_.begin() + (writing_ ? 1 : 0), std::move(bytes));
  } else if (bytes.size() <= kWriteChunk) {
    outq_.push_back(std::move(bytes));
  } else {
    // Split at message boundaries (each message's length is in its header).
    size_t start = 0;
    while (start < bytes.size()) {
      size_t end = start;
      while (end < bytes.size() && end - start < kWriteChunk)
        end += size_t(bytes[end + 16]) << 8 | bytes[end + 17];
      outq_.emplace_back(bytes.begin() + std::ptrdiff_t(start),
                         bytes.begin() + std::ptrdiff_t(end));
      start = end;
    }
  }
  if (!writing_) write_next();
}

void Connection::write_next() {
  if (outq_.empty()) {
    writing_ = false;
    if (closing_) close_now();
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(outq_.front()),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      if (ec) {
                        self->writing_ = false;
                        if (self->closing_) return self->close_now();
                        return self->fail(ec.message());
                      }
                      self->outq_.pop_front();
                      self->write_next();
                    });
}

void Connection::close_after_flush() {
  if (closing_) return;
  closing_ = true;
  dead_ = true;
  if (!writing_) return close_now();
  flush_timer_.expires_after(kFlushTimeout);
  flush_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->close_now();
  });
}

void Connection::close_now() {
  dead_ = true;
  flush_timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::fail(const std::string& why) {
  if (dead_) return;
  dead_ = true;
  close_now();
  handlers_.closed(why);
}

}  // namespace closbgp::session
