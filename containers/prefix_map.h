// PrefixMap: a table from prefix to V built for a million entries (the RIB's
// tables, the FIB's).
// Open addressing with linear probing over compact keys (IPv4: one 8-byte
// word, IPv6: 17 bytes) in one flat array per family, so a route costs its
// key and value and about 40% slack, not a tree node of 50 bytes plus a
// heap block. Unordered; `sorted_keys` for listings, `longest_match` and
// `for_each_within` for lookups. Capacity grows by half
// (not doubling) to keep the slack down; erasing shifts the following run
// back instead of leaving tombstones. `reserve` sizes a table for what it
// is expected to hold, so a full table arriving does not grow it in steps
// (each step holds the old and the new array and moves every entry).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::containers {

using wire::Afi;
using wire::Prefix;

namespace detail {

__extension__ typedef unsigned __int128 u128;  // GCC and clang; -Wpedantic would object

inline uint64_t mix(uint64_t x) {  // murmur3's finaliser
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

struct V4Key {
  uint64_t bits = 0;  // address << 8 | length
  friend bool operator==(V4Key, V4Key) = default;
  uint64_t hash() const { return mix(bits); }
};

struct V6Key {
  uint64_t hi = 0, lo = 0;
  uint8_t length = 0;
  friend bool operator==(const V6Key&, const V6Key&) = default;
  uint64_t hash() const { return mix(hi ^ mix(lo ^ length)); }
};

// One counter for every table of every key and value type: a Loc-RIB
// (PrefixMap<Entry>) and a PrefixSet filled from it must not share a seed.
inline uint64_t next_seed() {
  static std::atomic<uint64_t> counter{0};
  return mix((counter.fetch_add(1, std::memory_order_relaxed) + 1) * 0x9e3779b97f4a7c15ULL);
}

template <class K, class V>
class FlatTable {
 public:
  V* find(const K& k) {
    if (size_ == 0) return nullptr;
    for (size_t i = home(k);; i = next(i)) {
      if (!used_[i]) return nullptr;
      if (slots_[i].first == k) return &slots_[i].second;
    }
  }
  // The value for `k`, default-constructed if new; true when inserted.
  std::pair<V*, bool> try_emplace(const K& k) {
    if ((size_ + 1) * 5 > slots_.size() * 4) grow();  // at most 80% full
    size_t i = home(k);
    for (; used_[i]; i = next(i))
      if (slots_[i].first == k) return {&slots_[i].second, false};
    used_[i] = 1;
    slots_[i].first = k;
    ++size_;
    return {&slots_[i].second, true};
  }
  bool erase(const K& k) {
    if (size_ == 0) return false;
    size_t i = home(k);
    for (; used_[i]; i = next(i)) {
      if (!(slots_[i].first == k)) continue;
      // Shift back every entry of the run that may sit at or before `i`.
      for (size_t j = next(i); used_[j]; j = next(j)) {
        const size_t h = home(slots_[j].first);
        const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
        if (stays) continue;
        slots_[i] = std::move(slots_[j]);
        i = j;
      }
      used_[i] = 0;
      slots_[i] = {};
      --size_;
      return true;
    }
    return false;
  }
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (used_[i]) f(slots_[i].first, slots_[i].second);
  }
  template <class F>
  void for_each_mut(F&& f) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (used_[i]) f(slots_[i].first, slots_[i].second);
  }
  size_t size() const { return size_; }
  // Slots, and how many entries they hold before the table grows (80%).
  size_t capacity() const { return slots_.size(); }
  size_t room() const { return slots_.size() * 4 / 5; }
  // Room for `n` entries without growing; never shrinks.
  void reserve(size_t n) {
    const size_t needed = (n * 5 + 3) / 4;
    if (needed > slots_.size()) rehash(needed);
  }
  uint64_t seed() const { return seed_; }
  // Keeps the slots of a small table (the speaker's set of pending changes
  // fills and empties every loop turn), frees those of a big one.
  void clear() {
    if (slots_.size() > kRetainedSlots) {  // freed whole: no pass to empty each slot first
      // (Not `= {}`: that assigns an initializer list, a copy; values may be move-only.)
      slots_ = decltype(slots_)();
      used_ = {};
      size_ = 0;
      return;
    }
    drain([](const K&, V&&) {});
  }
  // f(key, value&&) for each entry as it is removed; empty after.
  template <class F>
  void drain(F&& f) {
    if (size_)
      for (size_t i = 0; i < slots_.size(); ++i)
        if (used_[i]) {
          f(slots_[i].first, std::move(slots_[i].second));
          slots_[i] = {};
          used_[i] = 0;
        }
    if (slots_.size() > kRetainedSlots) {
      slots_ = decltype(slots_)();
      used_ = {};
    }
    size_ = 0;
  }

 private:
  static constexpr size_t kRetainedSlots = size_t(1) << 18;

  // k's hash, salted per table, scaled to the capacity (no modulo). The
  // salt matters: filling one table in another's iteration order (a
  // whole Loc-RIB into a new Adj-RIB-Out) would otherwise hand it keys
  // sorted by home slot, and linear probing turns that quadratic.
  size_t home(const K& k) const {
    return size_t(static_cast<u128>(mix(k.hash() ^ seed_)) * slots_.size() >> 64);
  }
  size_t next(size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }
  void grow() { rehash(std::max<size_t>(16, slots_.size() + slots_.size() / 2)); }
  void rehash(size_t capacity) {
    std::vector<std::pair<K, V>> old = std::move(slots_);
    std::vector<uint8_t> old_used = std::move(used_);
    slots_ = std::vector<std::pair<K, V>>(capacity);
    used_.assign(capacity, 0);
    size_ = 0;
    for (size_t i = 0; i < old.size(); ++i)
      if (old_used[i]) *try_emplace(old[i].first).first = std::move(old[i].second);
  }

  std::vector<std::pair<K, V>> slots_;
  std::vector<uint8_t> used_;
  size_t size_ = 0;
  uint64_t seed_ = next_seed();
};

}  // namespace detail

template <class V>
class PrefixMap {
 public:
  V* find(const Prefix& p) { return p.afi() == Afi::Ipv4 ? v4_.find(v4(p)) : v6_.find(v6(p)); }
  const V* find(const Prefix& p) const { return const_cast<PrefixMap*>(this)->find(p); }
  std::pair<V*, bool> try_emplace(const Prefix& p) {
    return p.afi() == Afi::Ipv4 ? v4_.try_emplace(v4(p)) : v6_.try_emplace(v6(p));
  }
  bool erase(const Prefix& p) { return p.afi() == Afi::Ipv4 ? v4_.erase(v4(p)) : v6_.erase(v6(p)); }
  bool contains(const Prefix& p) const { return find(p) != nullptr; }
  size_t size() const { return v4_.size() + v6_.size(); }
  size_t size(Afi afi) const { return afi == Afi::Ipv4 ? v4_.size() : v6_.size(); }
  size_t capacity(Afi afi) const { return afi == Afi::Ipv4 ? v4_.capacity() : v6_.capacity(); }
  // How many prefixes of `afi` it holds before it grows.
  size_t room(Afi afi) const { return afi == Afi::Ipv4 ? v4_.room() : v6_.room(); }
  // Room for `n` prefixes of `afi` without growing; never shrinks.
  void reserve(Afi afi, size_t n) { afi == Afi::Ipv4 ? v4_.reserve(n) : v6_.reserve(n); }
  bool empty() const { return size() == 0; }
  void clear() {
    v4_.clear();
    v6_.clear();
  }
  // f(const Prefix&, const V&), in no particular order.
  template <class F>
  void for_each(F&& f) const {
    v4_.for_each([&](detail::V4Key k, const V& v) { f(prefix(k), v); });
    v6_.for_each([&](const detail::V6Key& k, const V& v) { f(prefix(k), v); });
  }
  template <class F>
  void for_each_mut(F&& f) {
    v4_.for_each_mut([&](detail::V4Key k, V& v) { f(prefix(k), v); });
    v6_.for_each_mut([&](const detail::V6Key& k, V& v) { f(prefix(k), v); });
  }
  // The keys, and the map is empty after: one pass over the slots (the
  // speaker drains its pending changes every loop turn).
  std::vector<Prefix> take_keys() {
    std::vector<Prefix> out;
    out.reserve(size());
    v4_.drain([&](detail::V4Key k, V&&) { out.push_back(prefix(k)); });
    v6_.drain([&](const detail::V6Key& k, V&&) { out.push_back(prefix(k)); });
    return out;
  }
  std::vector<Prefix> keys() const {
    std::vector<Prefix> out;
    out.reserve(size());
    for_each([&](const Prefix& p, const V&) { out.push_back(p); });
    return out;
  }
  std::vector<Prefix> sorted_keys() const {
    auto out = keys();
    std::sort(out.begin(), out.end());
    return out;
  }

  // Queries for listings and lookups, without copying the table.
  // The entry of the longest prefix that covers `p` (`p` itself included):
  // one probe per length, longest first. nullptr when none does.
  std::pair<Prefix, const V*> longest_match(const Prefix& p) const {
    for (int len = p.length(); len >= 0; --len) {
      const Prefix covering(p.address(), uint8_t(len));
      if (const V* v = find(covering)) return {covering, v};
    }
    return {Prefix{}, nullptr};
  }
  // f(const Prefix&, const V&) for every entry inside `outer` (`outer`
  // included), in no particular order: one pass over `outer`'s family.
  template <class F>
  void for_each_within(const Prefix& outer, F&& f) const {
    auto inside = [&](const Prefix& p, const V& v) {
      if (outer.contains(p)) f(p, v);
    };
    if (outer.afi() == Afi::Ipv4)
      v4_.for_each([&](detail::V4Key k, const V& v) { inside(prefix(k), v); });
    else
      v6_.for_each([&](const detail::V6Key& k, const V& v) { inside(prefix(k), v); });
  }

 private:
  static detail::V4Key v4(const Prefix& p) {
    return {uint64_t(p.address().v4_host_order()) << 8 | p.length()};
  }
  static detail::V6Key v6(const Prefix& p) {
    detail::V6Key k;
    std::memcpy(&k.hi, p.address().bytes().data(), 8);
    std::memcpy(&k.lo, p.address().bytes().data() + 8, 8);
    k.length = p.length();
    return k;
  }
  // Keys hold canonical prefixes: rebuilt without Prefix's masking loop.
  static Prefix prefix(detail::V4Key k) {
    const uint32_t a = uint32_t(k.bits >> 8);
    const uint8_t b[4] = {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
    return Prefix::from_wire(Afi::Ipv4, uint8_t(k.bits & 0xff), b);
  }
  static Prefix prefix(const detail::V6Key& k) {
    uint8_t b[16];
    std::memcpy(b, &k.hi, 8);
    std::memcpy(b + 8, &k.lo, 8);
    return Prefix::from_wire(Afi::Ipv6, k.length, b);
  }

  detail::FlatTable<detail::V4Key, V> v4_;
  detail::FlatTable<detail::V6Key, V> v6_;
};

// A set of prefixes: the map with an empty value.
struct Unit {};
using PrefixSet = PrefixMap<Unit>;

}  // namespace closbgp::containers
