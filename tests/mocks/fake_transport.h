// A connection without a socket: it keeps, decoded, every message a Peer
// sends, and a test plays the neighbour by calling its handlers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bgpd/session/transport.h"

namespace closbgp::mocks {

class FakeTransport final : public session::Transport {
 public:
  FakeTransport(const std::string& local, const std::string& remote)
      : local_(asio::ip::make_address(local), 40000),
        remote_(asio::ip::make_address(remote), 179) {}

  // --- what the Peer does ---
  void set_handlers(Handlers handlers) override { handlers_ = std::move(handlers); }
  void connect(const asio::ip::tcp::endpoint&) override { connecting = true; }
  void start_reading() override { reading = true; }
  void send(std::vector<uint8_t> bytes, size_t, bool) override {
    std::span<const uint8_t> rest(bytes);
    while (rest.size() >= wire::kHeaderSize) {
      auto header = wire::decode_header(rest, ctx_);
      if (!header || header->length > rest.size()) break;
      if (auto m = wire::decode(rest.first(header->length), ctx_)) sent.push_back(std::move(*m));
      rest = rest.subspan(header->length);
    }
  }
  void close_after_flush() override { closed = true; }
  void close_now() override { closed = true; }
  void set_decode_context(const wire::DecodeContext& ctx) override { ctx_ = ctx; }
  void pause_reading() override { paused = true; }
  void resume_reading() override { paused = false; }
  asio::ip::tcp::endpoint local_endpoint() const override { return local_; }
  asio::ip::tcp::endpoint remote_endpoint() const override { return remote_; }
  bool input_waiting() override { return unread; }
  uint64_t messages_received() const override { return received_; }
  uint64_t messages_sent() const override { return sent.size(); }

  // --- the neighbour, played by the test ---
  bool unread = false;  // input_waiting()
  void connected() { handlers_.connected(); }
  void deliver(wire::Message m) {
    ++received_;
    handlers_.message(std::move(m));
  }
  void fail(const std::string& why) { handlers_.closed(why); }
  // The NOTIFICATIONs it was sent, as (code, subcode).
  std::vector<std::pair<int, int>> notifications() const {
    std::vector<std::pair<int, int>> out;
    for (const auto& m : sent)
      if (auto* n = std::get_if<wire::NotificationMessage>(&m))
        out.emplace_back(int(n->code), int(n->subcode));
    return out;
  }
  template <class M>
  size_t count() const {
    size_t n = 0;
    for (const auto& m : sent) n += std::holds_alternative<M>(m);
    return n;
  }

  std::vector<wire::Message> sent;
  bool connecting = false, reading = false, closed = false, paused = false;

 private:
  asio::ip::tcp::endpoint local_, remote_;
  Handlers handlers_;
  wire::DecodeContext ctx_;
  uint64_t received_ = 0;
};

// Outbound connections a Peer opened, newest last.
class FakeTransports final : public session::Transports {
 public:
  std::shared_ptr<session::Transport> outbound(const session::SocketSettings&) override {
    opened.push_back(std::make_shared<FakeTransport>("192.0.2.1", "192.0.2.2"));
    return opened.back();
  }
  std::vector<std::shared_ptr<FakeTransport>> opened;
};

}  // namespace closbgp::mocks
