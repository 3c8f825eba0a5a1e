// One path held in one 8-byte word, or, tagged in its low bit, a pointer
// to a `Many` that holds several: what the Loc-RIB's entries and the
// Adj-RIB-In's per-prefix paths are built on, as most prefixes of a full
// table have one path.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "rib/path.h"

namespace closbgp::rib {

template <class Many>
class OneOrMany {
 public:
  OneOrMany() = default;
  ~OneOrMany() { reset(); }
  OneOrMany(OneOrMany&& o) noexcept : bits_(std::exchange(o.bits_, 0)) {}
  OneOrMany& operator=(OneOrMany&& o) noexcept {
    if (this != &o) {
      reset();
      bits_ = std::exchange(o.bits_, 0);
    }
    return *this;
  }
  OneOrMany(const OneOrMany&) = delete;
  OneOrMany& operator=(const OneOrMany&) = delete;

 protected:
  bool none() const { return bits_ == 0; }
  bool many() const { return bits_ & kMany; }
  Many* as_many() const { return reinterpret_cast<Many*>(bits_ & ~kMany); }
  const Path* as_one() const { return reinterpret_cast<const Path*>(bits_); }
  void reset() {
    if (many())
      delete as_many();
    else if (bits_)
      intrusive_ptr_release(as_one());
    bits_ = 0;
  }
  void hold_one(PathRef p) {
    reset();
    bits_ = reinterpret_cast<uintptr_t>(p.detach());  // the reference moves into bits_
  }
  // The one path becomes the first of a new Many, made by `make(PathRef)`.
  template <class Make>
  Many& to_many(Make make) {
    std::unique_ptr<Many> m = make(PathRef(as_one()));
    reset();
    bits_ = reinterpret_cast<uintptr_t>(m.release()) | kMany;
    return *as_many();
  }

 private:
  static constexpr uintptr_t kMany = 1;  // low bit: bits_ points at a Many
  uintptr_t bits_ = 0;                   // 0: empty; else a counted Path* or a Many*
};

}  // namespace closbgp::rib
