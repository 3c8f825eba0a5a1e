#include "tests/unit/wire/hex.h"

#include <stdexcept>

namespace closbgp::wire::test {

std::vector<uint8_t> hex(std::string_view text) {
  std::vector<uint8_t> out;
  if (!parse_hex(text, out)) throw std::invalid_argument("bad hex in a test vector");
  return out;
}

std::vector<uint8_t> framed(uint8_t type, std::string_view body_hex) {
  std::vector<uint8_t> out(16, 0xff);
  const auto body = hex(body_hex);
  const size_t len = 19 + body.size();
  out.push_back(uint8_t(len >> 8));
  out.push_back(uint8_t(len));
  out.push_back(type);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<uint8_t> update_msg(std::string_view withdrawn_hex, std::string_view attrs_hex,
                                std::string_view nlri_hex) {
  const auto w = hex(withdrawn_hex), a = hex(attrs_hex);
  auto len16 = [](size_t n) {
    const char* d = "0123456789abcdef";
    return std::string{d[n >> 12 & 15], d[n >> 8 & 15], d[n >> 4 & 15], d[n & 15]};
  };
  const std::string body = len16(w.size()) + std::string(withdrawn_hex) + len16(a.size()) +
                           std::string(attrs_hex) + std::string(nlri_hex);
  return framed(2, body);
}

}  // namespace closbgp::wire::test
