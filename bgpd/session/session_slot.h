// One of a neighbour's two connections (the one we open, the one it opens)
// and the FSM that runs it. The SessionPair steps the FSM and decides
// (collisions, retries); the slot carries out on its transport: attach, connect, send,
// close, arm the timer of the FSM's next deadline, count messages.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bgpd/net/time_source.h"
#include "bgpd/session/fsm.h"
#include "bgpd/session/transport.h"

namespace closbgp::session {

class SessionSlot {
 public:
  // `name`: the neighbour's, for logs.
  SessionSlot(net::TimeSource& time, std::string name, bool outgoing)
      : timer_(time.timer()), name_(std::move(name)), outgoing_(outgoing) {}
  ~SessionSlot() { close_now(); }
  SessionSlot(const SessionSlot&) = delete;
  SessionSlot& operator=(const SessionSlot&) = delete;

  Session fsm;  // stepped by the SessionPair

  bool outgoing() const { return outgoing_; }
  bool connected() const { return conn_ != nullptr; }
  // `conn` becomes this slot's; what it receives goes to `handlers`.
  void attach(std::shared_ptr<Transport> conn, Transport::Handlers handlers, bool paused);
  void connect(const asio::ip::address& to);
  void start_reading();
  // Closes after what is queued has left; its messages stay counted.
  void disconnect() { close(true); }
  void close_now() { close(false); }
  // One message, encoded with the session's negotiation once it has one;
  // anything but an UPDATE goes ahead of queued UPDATEs.
  void send(const wire::Message& m);
  // Whole encoded messages (the advertiser's).
  void send_encoded(std::vector<uint8_t> bytes, size_t messages);
  void pause_reading(bool paused);
  void set_decode_context(const wire::DecodeContext& ctx);
  // Arms the timer for the FSM's earliest deadline; `fire` runs then.
  void arm(std::function<void()> fire);
  // "outbound 192.0.2.1:179", for logs.
  std::string describe() const;
  // The connection's two ends; need connected().
  asio::ip::tcp::endpoint local_endpoint() const;
  asio::ip::tcp::endpoint remote_endpoint() const;
  // The connection's input_waiting() (false without one).
  bool input_waiting() const { return conn_ && conn_->input_waiting(); }
  // Of every connection this slot has had.
  uint64_t messages_received() const;
  uint64_t messages_sent() const;

 private:
  void close(bool flush);

  std::shared_ptr<Transport> conn_;
  std::unique_ptr<net::Timer> timer_;
  std::string name_;
  bool outgoing_;
  uint64_t closed_received_ = 0, closed_sent_ = 0;  // of connections already closed
};

}  // namespace closbgp::session
