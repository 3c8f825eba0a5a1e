// One TCP connection carrying BGP: frames the byte stream into messages,
// decodes them with the negotiated context, and writes what it is given in
// order. Owned by a Peer; reports through callbacks on the main loop.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/session/socket_options.h"
#include "bgpd/session/transport.h"
#include "bgpd/wire/codec.h"

namespace closbgp::session {

class Connection final : public Transport, public std::enable_shared_from_this<Connection> {
 public:
  // `settings`: TTL, TTL security (RFC 5082) and the TCP MD5 password, which
  // an accepted socket has from the listener and connect() sets; connect()
  // starts from the update-source.
  Connection(asio::ip::tcp::socket socket, Handlers handlers, SocketSettings settings = {});
  Connection(asio::io_context& io, Handlers handlers, SocketSettings settings = {});
  ~Connection() override;

  void set_handlers(Handlers handlers) override { handlers_ = std::move(handlers); }
  void connect(const asio::ip::tcp::endpoint& to) override;
  void start_reading() override;
  // A large outbound table never starves keepalives: they are urgent.
  void send(std::vector<uint8_t> bytes, size_t count = 1, bool urgent = false) override;
  void close_after_flush() override;
  void close_now() override;

  void set_decode_context(const wire::DecodeContext& ctx) override { ctx_ = ctx; }
  void pause_reading() override;
  void resume_reading() override;
  bool is_open() const { return socket_.is_open(); }
  asio::ip::tcp::endpoint local_endpoint() const override;
  asio::ip::tcp::endpoint remote_endpoint() const override;
  bool input_waiting() override;
  uint64_t messages_received() const override { return received_; }
  uint64_t messages_sent() const override { return sent_; }

 private:
  void read_more();
  // Delivers up to kMessagesPerTurn messages; true if more are waiting.
  bool process_buffer();
  void process_then_read();
  void write_next();
  void fail(const std::string& why);

  asio::ip::tcp::socket socket_;
  Handlers handlers_;
  wire::DecodeContext ctx_;
  std::vector<uint8_t> inbuf_;
  size_t inbuf_used_ = 0;
  size_t more_room_ = 0;  // a message longer than the buffer is on its way
  std::deque<std::vector<uint8_t>> outq_;
  bool writing_ = false;
  bool closing_ = false;
  bool dead_ = false;  // no callbacks after close or failure
  SocketSettings settings_;
  bool paused_ = false;
  bool read_pending_ = false;  // an async read is under way
  uint64_t received_ = 0, sent_ = 0;
  asio::steady_timer flush_timer_;
};

}  // namespace closbgp::session

namespace closbgp::session {

// Outbound Connections on an io_context.
class AsioTransports final : public Transports {
 public:
  explicit AsioTransports(asio::io_context& io) : io_(io) {}
  std::shared_ptr<Transport> outbound(const SocketSettings& settings) override {
    return std::make_shared<Connection>(io_, Transport::Handlers{}, settings);
  }

 private:
  asio::io_context& io_;
};

}  // namespace closbgp::session
