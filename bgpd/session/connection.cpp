#include "bgpd/session/connection.h"

#include <cstring>

#include "bgpd/session/socket_options.h"

namespace closbgp::session {
namespace {
// Room for the largest message (RFC 8654) plus a partial next one.
constexpr size_t kBufferSize = 2 * wire::kMaxExtendedMessageSize;
constexpr auto kFlushTimeout = std::chrono::seconds(1);
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Handlers handlers)
    : socket_(std::move(socket)),
      handlers_(std::move(handlers)),
      inbuf_(kBufferSize),
      flush_timer_(socket_.get_executor()) {}

Connection::Connection(asio::io_context& io, Handlers handlers)
    : Connection(asio::ip::tcp::socket(io), std::move(handlers)) {}

Connection::~Connection() {
  close_now();
}

void Connection::connect(const asio::ip::tcp::endpoint& to) {
  boost::system::error_code ec;
  socket_.open(to.protocol(), ec);
  if (ec) return fail("cannot open socket: " + ec.message());
  // Before connect, so that the SYN already carries TTL 255 and CS6.
  apply_bgp_socket_options(socket_.native_handle(), to.address().is_v6());
  socket_.async_connect(to, [self = shared_from_this()](const boost::system::error_code& e) {
    if (self->dead_) return;
    if (e) return self->fail(e.message());
    self->handlers_.connected();
  });
}

void Connection::start_reading() {
  apply_bgp_socket_options(socket_.native_handle(), local_endpoint().address().is_v6());
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

void Connection::read_more() {
  if (dead_) return;
  socket_.async_read_some(
      asio::buffer(inbuf_.data() + inbuf_used_, inbuf_.size() - inbuf_used_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        if (self->dead_) return;
        if (ec)
          return self->fail(ec == asio::error::eof ? "peer closed the connection" : ec.message());
        self->inbuf_used_ += n;
        self->process_buffer();
        self->read_more();
      });
}

// Decodes every complete message in the buffer. Handlers may close this
// connection, after which nothing more is delivered.
void Connection::process_buffer() {
  size_t at = 0;
  while (!dead_ && inbuf_used_ - at >= wire::kHeaderSize) {
    const std::span<const uint8_t> rest(inbuf_.data() + at, inbuf_used_ - at);
    auto header = wire::decode_header(rest, ctx_);
    if (!header) {
      handlers_.bad_message(std::move(header.error()));
      return;
    }
    if (rest.size() < header->length) break;
    auto msg = wire::decode(rest.first(header->length), ctx_);
    at += header->length;
    ++received_;
    if (msg)
      handlers_.message(std::move(*msg));
    else
      handlers_.bad_message(std::move(msg.error()));
  }
  if (dead_) return;
  std::memmove(inbuf_.data(), inbuf_.data() + at, inbuf_used_ - at);
  inbuf_used_ -= at;
}

void Connection::send(std::vector<uint8_t> bytes, size_t count) {
  if (closing_ || !socket_.is_open()) return;
  sent_ += count;
  outq_.push_back(std::move(bytes));
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
