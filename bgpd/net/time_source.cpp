#include "bgpd/net/time_source.h"

namespace closbgp::net {
namespace {

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(asio::io_context& io) : timer_(io) {}
  ~AsioTimer() override { timer_.cancel(); }

  void arm(Clock::time_point at, std::function<void()> fire) override {
    // A handler already queued when the timer is re-armed or cancelled
    // still runs: the generation tells it that it is stale.
    const uint64_t generation = ++generation_;
    timer_.expires_at(at);
    timer_.async_wait(
        [this, generation, fire = std::move(fire)](const boost::system::error_code& ec) {
          if (!ec && generation == generation_) fire();
        });
  }
  void cancel() override {
    ++generation_;
    timer_.cancel();
  }

 private:
  asio::steady_timer timer_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Timer> AsioTimeSource::timer() {
  return std::make_unique<AsioTimer>(io_);
}

}  // namespace closbgp::net
