// What a Peer needs of a TCP connection carrying BGP: framed, decoded
// messages in through handlers, whole encoded messages out, in order.
// Connection is the real one (Asio); tests/mocks/fake_transport.h records
// what is sent and delivers what a test says the neighbour sent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/session/socket_options.h"
#include "bgpd/wire/codec.h"

namespace closbgp::session {

class Transport {
 public:
  struct Handlers {
    std::function<void(wire::Message&&)> message;
    std::function<void(wire::DecodeError&&)> bad_message;
    std::function<void(const std::string& why)> closed;  // EOF or socket error
    std::function<void()> connected;                     // outbound connect completed
  };

  virtual ~Transport() = default;
  // Who hears of it (an accepted connection gets its handlers when its Peer takes it).
  virtual void set_handlers(Handlers handlers) = 0;
  virtual void connect(const asio::ip::tcp::endpoint& to) = 0;
  virtual void start_reading() = 0;
  // Queues `count` whole encoded messages; written in order. `urgent`
  // (KEEPALIVE, NOTIFICATION) goes ahead of everything not yet being written.
  virtual void send(std::vector<uint8_t> bytes, size_t count, bool urgent) = 0;
  // Closes after what is queued has been written (bounded by a short timeout).
  virtual void close_after_flush() = 0;
  virtual void close_now() = 0;
  virtual void set_decode_context(const wire::DecodeContext& ctx) = 0;
  // Stops reading (after the read under way) until resumed; writes go on.
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  virtual asio::ip::tcp::endpoint local_endpoint() const = 0;
  virtual asio::ip::tcp::endpoint remote_endpoint() const = 0;
  // What the peer sent waits unread: bytes in the kernel, or a whole
  // message received but not handled yet.
  virtual bool input_waiting() = 0;
  virtual uint64_t messages_received() const = 0;
  virtual uint64_t messages_sent() const = 0;
};

// Where a Peer's outbound connections come from.
class Transports {
 public:
  virtual ~Transports() = default;
  // Not connected yet: the Peer calls connect().
  virtual std::shared_ptr<Transport> outbound(const SocketSettings& settings) = 0;
};

}  // namespace closbgp::session
