#include "bgpd/session/session_slot.h"

#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

constexpr uint16_t kBgpPort = 179;

}  // namespace

void SessionSlot::attach(std::shared_ptr<Transport> conn, Transport::Handlers handlers,
                         bool paused) {
  conn->set_handlers(std::move(handlers));
  if (paused) conn->pause_reading();
  conn_ = std::move(conn);
}

void SessionSlot::connect(const asio::ip::address& to) {
  if (conn_) conn_->connect(asio::ip::tcp::endpoint(to, kBgpPort));
}

void SessionSlot::start_reading() {
  if (conn_) conn_->start_reading();
}

void SessionSlot::close(bool flush) {
  if (!conn_) return;
  closed_received_ += conn_->messages_received();
  closed_sent_ += conn_->messages_sent();
  if (flush)
    conn_->close_after_flush();
  else
    conn_->close_now();
  conn_.reset();
}

void SessionSlot::send(const wire::Message& m) {
  if (!conn_) return;
  const auto ctx =
      fsm.state >= State::OpenConfirm ? fsm.negotiated.encode_context() : wire::EncodeContext{};
  auto bytes = wire::encode(m, ctx);
  if (!bytes)
    return neighbor_log(spdlog::level::err, name_, "cannot encode a message: {}", bytes.error());
  const bool urgent = !std::holds_alternative<wire::UpdateMessage>(m);
  conn_->send(std::move(*bytes), 1, urgent);
}

void SessionSlot::send_encoded(std::vector<uint8_t> bytes, size_t messages) {
  if (conn_ && !bytes.empty()) conn_->send(std::move(bytes), messages, false);
}

void SessionSlot::pause_reading(bool paused) {
  if (!conn_) return;
  if (paused)
    conn_->pause_reading();
  else
    conn_->resume_reading();
}

void SessionSlot::set_decode_context(const wire::DecodeContext& ctx) {
  if (conn_) conn_->set_decode_context(ctx);
}

void SessionSlot::arm(std::function<void()> fire) {
  timer_->cancel();
  std::optional<Clock::time_point> next;
  for (const auto& d : {fsm.connect_retry_at, fsm.hold_at, fsm.keepalive_at})
    if (d && (!next || *d < *next)) next = d;
  if (next) timer_->arm(*next, std::move(fire));
}

std::string SessionSlot::describe() const {
  std::string d = outgoing_ ? "outbound" : "inbound";
  if (conn_ && conn_->remote_endpoint().port() != 0)
    d += " " + endpoint_text(conn_->remote_endpoint());
  return d;
}

asio::ip::tcp::endpoint SessionSlot::local_endpoint() const {
  return conn_->local_endpoint();
}

asio::ip::tcp::endpoint SessionSlot::remote_endpoint() const {
  return conn_->remote_endpoint();
}

uint64_t SessionSlot::messages_received() const {
  return closed_received_ + (conn_ ? conn_->messages_received() : 0);
}

uint64_t SessionSlot::messages_sent() const {
  return closed_sent_ + (conn_ ? conn_->messages_sent() : 0);
}

}  // namespace closbgp::session
