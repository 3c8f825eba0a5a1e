// Bounds-checked reading and big-endian writing. Every read from untrusted
// bytes goes through Reader, which never reads past its span: a short read
// returns false and leaves the caller to decide what error that is.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace closbgp::wire {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  const uint8_t* here() const { return data_.data() + pos_; }

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = data_[pos_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = uint16_t(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = uint32_t(data_[pos_]) << 24 | uint32_t(data_[pos_ + 1]) << 16 |
        uint32_t(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool u64(uint64_t& v) {
    uint32_t hi = 0, lo = 0;
    if (remaining() < 8) return false;
    u32(hi);
    u32(lo);
    v = uint64_t(hi) << 32 | lo;
    return true;
  }
  // A sub-span of n bytes, consumed.
  bool take(size_t n, std::span<const uint8_t>& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  size_t size() const { return out_.size(); }
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    out_.push_back(uint8_t(v >> 8));
    out_.push_back(uint8_t(v));
  }
  void u32(uint32_t v) {
    u16(uint16_t(v >> 16));
    u16(uint16_t(v));
  }
  void u64(uint64_t v) {
    u32(uint32_t(v >> 32));
    u32(uint32_t(v));
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(const uint8_t* p, size_t n) { out_.insert(out_.end(), p, p + n); }
  // Reserves a big-endian length field to be filled in by patch16/patch8.
  size_t placeholder16() {
    u16(0);
    return out_.size() - 2;
  }
  size_t placeholder8() {
    u8(0);
    return out_.size() - 1;
  }
  void patch16(size_t at, uint16_t v) {
    out_[at] = uint8_t(v >> 8);
    out_[at + 1] = uint8_t(v);
  }
  void patch8(size_t at, uint8_t v) { out_[at] = v; }
  std::vector<uint8_t>& buffer() { return out_; }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace closbgp::wire
