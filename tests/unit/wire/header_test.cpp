// Header checks (RFC 4271 sec. 6.1): each corruption gives the exact
// NOTIFICATION code, subcode and data.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {
using test::framed;
using test::hex;

struct HeaderCase {
  const char* name;
  std::vector<uint8_t> bytes;
  bool extended_message;
  uint8_t code, subcode;
  std::vector<uint8_t> data;
};

std::vector<uint8_t> with_byte(std::vector<uint8_t> b, size_t at, uint8_t v) {
  b[at] = v;
  return b;
}

std::vector<uint8_t> of_length(uint8_t type, size_t total) {
  std::vector<uint8_t> b(total, 0);
  std::fill_n(b.begin(), 16, 0xff);
  b[16] = uint8_t(total >> 8);
  b[17] = uint8_t(total);
  b[18] = type;
  return b;
}

TEST(Header, EachCorruptionGivesItsNotification) {
  const auto keepalive = framed(4, "");
  const std::vector<HeaderCase> cases = {
      {"marker", with_byte(keepalive, 3, 0xfe), false, 1, 1, {}},
      {"type 0", with_byte(keepalive, 18, 0), false, 1, 3, {0x00}},
      {"type 6", with_byte(keepalive, 18, 6), false, 1, 3, {0x06}},
      {"length 18", with_byte(keepalive, 17, 18), false, 1, 2, {0x00, 0x12}},
      {"keepalive of 20", of_length(4, 20), false, 1, 2, {0x00, 0x14}},
      {"open of 28", of_length(1, 28), false, 1, 2, {0x00, 0x1c}},
      {"update of 22", of_length(2, 22), false, 1, 2, {0x00, 0x16}},
      {"notification of 20", of_length(3, 20), false, 1, 2, {0x00, 0x14}},
      {"route-refresh of 22", of_length(5, 22), false, 1, 2, {0x00, 0x16}},
      {"update of 4097", of_length(2, 4097), false, 1, 2, {0x10, 0x01}},
      {"open of 4097 with extended messages", of_length(1, 4097), true, 1, 2, {0x10, 0x01}},
  };
  for (const auto& c : cases) {
    DecodeContext ctx;
    ctx.extended_message = c.extended_message;
    auto r = decode_header(c.bytes, ctx);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(uint8_t(r.error().code), c.code) << c.name;
    EXPECT_EQ(r.error().subcode, c.subcode) << c.name;
    EXPECT_EQ(r.error().data, c.data) << c.name;
    EXPECT_FALSE(r.error().reason.empty()) << c.name;
  }
}

TEST(Header, ExtendedMessagesAllowLargeUpdates) {
  DecodeContext ctx;
  ctx.extended_message = true;
  auto h = decode_header(of_length(2, 65535), ctx);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->length, 65535);
  EXPECT_EQ(h->type, MessageType::Update);
}

TEST(Header, LengthMustMatchTheBytesGiven) {
  auto ka = framed(4, "");
  ka.push_back(0);
  auto r = decode(ka, DecodeContext{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::MessageHeader);
  EXPECT_EQ(r.error().subcode, header_error::kBadLength);
}

TEST(Header, ShortBufferIsAnErrorNotARead) {
  const std::vector<uint8_t> few(5, 0xff);
  EXPECT_FALSE(decode_header(few, DecodeContext{}));
}

}  // namespace
}  // namespace closbgp::wire
