#include "bgpd/bmp/collector.h"

#include "bgpd/log/log.h"
#include "bgpd/wire/bmp.h"

namespace closbgp::bmp {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kMaxBackoff = std::chrono::seconds(60);

std::shared_ptr<spdlog::logger> logger() {
  static auto l = log::get("bmp");
  return l;
}

std::string endpoint_text(const config::BmpCollector& c) {
  const std::string host =
      c.address.is_v4() ? c.address.to_string() : "[" + c.address.to_string() + "]";
  return host + ":" + std::to_string(c.port);
}

}  // namespace

Collector::Collector(asio::io_context& io, net::TimeSource& time, config::BmpCollector where,
                     size_t buffer_bytes, Handlers handlers)
    : io_(io),
      time_(time),
      where_(std::move(where)),
      buffer_bytes_(buffer_bytes),
      handlers_(std::move(handlers)),
      socket_(io),
      timer_(time.timer()) {
  counters_.name = where_.name;
  counters_.address = endpoint_text(where_);
}

Collector::~Collector() {
  timer_->cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

template <class F>
auto Collector::guarded(F f) {
  return [this, alive = std::weak_ptr<bool>(alive_), gen = generation_, f = std::move(f)](
             const boost::system::error_code& ec, auto&&... rest) {
    if (alive.expired() || gen != generation_) return;
    f(ec, rest...);
  };
}

void Collector::start() {
  connect();
}

void Collector::connect() {
  ++generation_;
  socket_ = asio::ip::tcp::socket(io_);
  state_ = State::Connecting;
  const auto& a = where_.address;
  const asio::ip::address address = a.is_v4()
                                        ? asio::ip::address(asio::ip::address_v4(a.v4_host_order()))
                                        : asio::ip::address(asio::ip::address_v6(a.bytes()));
  socket_.async_connect({address, where_.port},
                        guarded([this](const boost::system::error_code& ec) { on_connected(ec); }));
  timer_->arm(time_.now() + kConnectTimeout, [this, gen = generation_] {
    if (gen == generation_ && state_ == State::Connecting)
      lost("no connection within " + std::to_string(kConnectTimeout.count()) + " s");
  });
}

void Collector::on_connected(const boost::system::error_code& ec) {
  timer_->cancel();
  if (ec) return lost("cannot connect: " + ec.message());
  state_ = State::Up;
  backoff_ = std::chrono::seconds(1);
  ++counters_.connections;
  counters_.up_since = std::chrono::system_clock::now();
  logger()->info("collector {} ({}): connected", where_.name, counters_.address);
  read_and_discard();
  handlers_.connected();
}

bool Collector::send(const std::vector<uint8_t>& bytes) {
  if (state_ != State::Up || bytes.empty()) return false;
  // One change bigger than the bound still goes when nothing waits (a
  // node-wide withdrawal); what waits behind it is bounded.
  if (queued() > 0 && queued() + bytes.size() > buffer_bytes_) {
    lost("it does not keep up: " + std::to_string(queued() / 1024) +
             " KiB wait to be written (bmp.buffer-kib " + std::to_string(buffer_bytes_ / 1024) +
             ")",
         true);
    return false;
  }
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  pending_messages_ += wire::bmp::for_each_message(bytes, [](std::span<const uint8_t>) {});
  write_more();
  return true;
}

void Collector::write_more() {
  if (writing_ != 0 || pending_.empty()) return;
  // The buffer lives in the handler: a closed connection's write may
  // complete after the next connection has started.
  auto buffer = std::make_shared<std::vector<uint8_t>>(std::exchange(pending_, {}));
  writing_ = buffer->size();
  const size_t messages = std::exchange(pending_messages_, 0);
  asio::async_write(
      socket_, asio::buffer(*buffer),
      guarded([this, buffer, messages](const boost::system::error_code& ec, size_t n) {
        writing_ = 0;
        counters_.bytes += n;
        if (ec) return lost("cannot write: " + ec.message());
        counters_.messages += messages;
        if (finishing_ && pending_.empty()) {
          boost::system::error_code ignored;
          socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
          socket_.close(ignored);
          state_ = State::Waiting;
          return;
        }
        write_more();
        if (room_for_tables() > 0 && handlers_.drained) handlers_.drained();
      }));
}

void Collector::read_and_discard() {
  socket_.async_read_some(asio::buffer(discard_),
                          guarded([this](const boost::system::error_code& ec, size_t) {
                            if (ec == asio::error::eof)
                              return lost("the collector closed the connection");
                            if (ec) return lost("connection lost: " + ec.message());
                            read_and_discard();  // BMP is one-way: ignored
                          }));
}

void Collector::lost(const std::string& why, bool slow) {
  if (state_ == State::Waiting) return;
  ++generation_;  // callbacks of this connection are ignored from now on
  boost::system::error_code ignored;
  socket_.close(ignored);
  writing_ = 0;
  pending_ = {};
  pending_messages_ = 0;
  state_ = State::Waiting;
  counters_.up_since.reset();
  counters_.last_error = why;
  if (slow) ++counters_.drops;
  if (finishing_) return;
  logger()->warn("collector {} ({}): {}; connecting again in {} s", where_.name, counters_.address,
                 why, backoff_.count());
  timer_->arm(time_.now() + backoff_, [this] { connect(); });
  backoff_ = std::min(backoff_ * 2, std::chrono::seconds(kMaxBackoff));
}

void Collector::finish(const std::vector<uint8_t>& last) {
  finishing_ = true;
  timer_->cancel();
  if (state_ != State::Up) {
    lost("stopped");
    return;
  }
  pending_.insert(pending_.end(), last.begin(), last.end());
  ++pending_messages_;
  write_more();
}

Collector::Status Collector::status() const {
  Status s = counters_;
  s.state = state_;
  s.queued = queued();
  return s;
}

}  // namespace closbgp::bmp
