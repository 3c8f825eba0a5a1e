// BFD, single-hop (RFC 5881) and multihop (RFC 5883), on its own thread
// and io_context, so that a full-table UPDATE burst on the main thread
// never delays a BFD packet (FRR issue #9078).
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "bgpd/bfd/client.h"
#include "bgpd/net/receive.h"
#include "bgpd/net/time_source.h"

namespace closbgp::bfd {

class BfdService final : public BfdClient {
 public:
  // The ports we receive on: single-hop and multihop.
  explicit BfdService(asio::io_context& main, uint16_t port = 3784, uint16_t multihop_port = 4784);
  ~BfdService() override;

  // Binds the receive ports and starts the BFD thread.
  std::expected<void, std::string> start();
  // Sends AdminDown on every session (so peers do not see a failure) and
  // joins the thread.
  void stop();

  void watch(const PeerKey& peer, const Params& params, const Multihop& multihop,
             std::function<void(const StateEvent&)> on_change) override;
  void unwatch(const PeerKey& peer) override;
  std::optional<SessionView> view(const PeerKey& peer) const override;

 private:
  struct Entry;
  // One bound port and what arrives there.
  struct Receiver {
    int fd = -1;
    bool multihop = false;
    std::unique_ptr<asio::posix::stream_descriptor> stream;
  };
  std::expected<void, std::string> open(Receiver& r, uint16_t port);
  void receive(Receiver& r);
  void on_datagram(const net::Datagram& d, std::span<const uint8_t> bytes, bool multihop);
  void drop(const PeerKey& key, const std::string& why);
  void run(Entry& e, std::vector<Action> actions);
  void arm(Entry& e);
  void publish(const Entry& e);  // the API's copy of state and counters
  void remove(const PeerKey& peer);

  asio::io_context& main_;
  uint16_t port_, multihop_port_;
  asio::io_context io_;       // the BFD thread's
  net::AsioTimeSource time_;  // its clock and timers, on io_
  std::thread thread_;
  Receiver single_hop_, multihop_;
  // Touched only on the BFD thread.
  std::map<uint32_t, std::unique_ptr<Entry>> by_disc_;
  std::map<PeerKey, uint32_t> by_peer_;
  uint32_t next_disc_;
  uint64_t invalid_ = 0;  // failed the TTL or packet checks
  // Read by the API on the main thread.
  mutable std::mutex views_mu_;
  std::map<PeerKey, SessionView> views_;
};

}  // namespace closbgp::bfd
