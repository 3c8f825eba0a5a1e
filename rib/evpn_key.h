// An EVPN route's key (what rib/evpn_table.h says identifies a route): its
// octets, immutable and shared. The table, a leaf's import of the route and
// the pending changes all hold the same route's key: one block of memory
// between them, not a string each (a leaf may hold a hundred thousand
// routes; a MAC/IP route's key is 39 octets, too long for a string's own
// buffer). Ordered as the octets compare, as strings of them did.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <span>
#include <string_view>

#include <boost/smart_ptr/intrusive_ptr.hpp>

namespace closbgp::rib {

class EvpnKey {
 public:
  EvpnKey() = default;
  explicit EvpnKey(std::span<const uint8_t> bytes);

  std::span<const uint8_t> bytes() const {
    return block_ ? std::span<const uint8_t>(block_->data(), block_->size)
                  : std::span<const uint8_t>{};
  }

  friend bool operator==(const EvpnKey& a, const EvpnKey& b) {
    return a.block_ == b.block_ || a.view() == b.view();
  }
  friend std::strong_ordering operator<=>(const EvpnKey& a, const EvpnKey& b) {
    return a.view() <=> b.view();
  }

 private:
  // The octets follow the header in one allocation. Everything that holds
  // keys runs on the main loop today; the count is atomic anyway (an
  // uncontended increment) so that a key handed to another thread is no
  // data race.
  struct Block {
    mutable std::atomic<uint32_t> refs{0};
    uint32_t size = 0;
    const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
    uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  };
  friend void intrusive_ptr_add_ref(const Block* b) {
    b->refs.fetch_add(1, std::memory_order_relaxed);
  }
  friend void intrusive_ptr_release(const Block* b);

  std::string_view view() const {
    const auto b = bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  boost::intrusive_ptr<const Block> block_;
};

}  // namespace closbgp::rib
