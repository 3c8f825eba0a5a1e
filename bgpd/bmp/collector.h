// One monitoring station: an active TCP connection to it, kept open
// (reconnecting with backoff from 1 to 60 s), with what waits to be
// written bounded. A station that lets the bound fill is disconnected and
// sent everything again when it is back, so a slow collector costs memory
// up to the bound and never slows routing. BMP is one-way: what the
// station sends is read and thrown away. Main loop only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/config/config.h"
#include "bgpd/net/time_source.h"

namespace closbgp::bmp {

class Collector {
 public:
  enum class State : uint8_t { Connecting, Up, Waiting };  // Waiting: to reconnect
  struct Status {
    std::string name;
    std::string address;  // "192.0.2.9:1790"
    State state = State::Waiting;
    uint64_t messages = 0, bytes = 0;  // written to it, over every connection
    uint64_t connections = 0;          // made
    uint64_t drops = 0;                // disconnected for not keeping up
    size_t queued = 0;                 // bytes waiting for it now
    std::string last_error;
    std::optional<std::chrono::system_clock::time_point> up_since;
  };
  struct Handlers {
    std::function<void()> connected;  // send it the Initiation and the tables
    std::function<void()> drained;    // a write completed and there is room for tables
  };

  Collector(asio::io_context& io, net::TimeSource& time, config::BmpCollector where,
            size_t buffer_bytes, Handlers handlers);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  void start();
  bool up() const { return state_ == State::Up; }
  // Queues whole BMP messages; beyond the bound the station is
  // disconnected instead (false). One batch larger than the bound is
  // taken when nothing else waits.
  bool send(const std::vector<uint8_t>& bytes);
  // How much of the tables may be queued now: they fill at most a
  // quarter of the bound, so that live changes always find room.
  size_t room_for_tables() const {
    return queued() < buffer_bytes_ / 4 ? buffer_bytes_ / 4 - queued() : 0;
  }
  // Sends `last` (the Termination), then closes for good.
  void finish(const std::vector<uint8_t>& last);
  Status status() const;
  const config::BmpCollector& config() const { return where_; }

 private:
  void connect();
  void on_connected(const boost::system::error_code& ec);
  void write_more();
  void read_and_discard();
  // Closes and, unless finishing, tries again after the backoff.
  void lost(const std::string& why, bool slow = false);
  size_t queued() const { return pending_.size() + writing_; }
  // Wraps a completion handler: it runs only while this object lives and
  // the connection it was started on is still the current one.
  template <class F>
  auto guarded(F f);

  asio::io_context& io_;
  net::TimeSource& time_;
  config::BmpCollector where_;
  size_t buffer_bytes_;
  Handlers handlers_;
  asio::ip::tcp::socket socket_;
  std::unique_ptr<net::Timer> timer_;  // connect timeout, or the backoff
  State state_ = State::Waiting;
  bool finishing_ = false;
  std::chrono::seconds backoff_{1};
  // Messages are appended to pending_ while one write (of writing_ bytes)
  // is on its way.
  std::vector<uint8_t> pending_;
  size_t pending_messages_ = 0;  // in pending_
  size_t writing_ = 0;
  std::array<uint8_t, 4096> discard_{};
  uint64_t generation_ = 0;  // which connection is the current one
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  Status counters_;
};

}  // namespace closbgp::bmp
