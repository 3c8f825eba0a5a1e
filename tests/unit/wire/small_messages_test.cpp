// KEEPALIVE, NOTIFICATION (with RFC 9003 messages) and ROUTE-REFRESH.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {
using test::framed;
using test::to_hex;

void expect_both_ways(const std::vector<uint8_t>& bytes, const Message& want) {
  auto got = decode(bytes, DecodeContext{});
  ASSERT_TRUE(got) << got.error().reason;
  EXPECT_EQ(*got, want);
  auto out = encode(want, EncodeContext{});
  ASSERT_TRUE(out);
  EXPECT_EQ(to_hex(*out), to_hex(bytes));
}

TEST(SmallMessages, GoldenVectors) {
  expect_both_ways(framed(4, ""), KeepaliveMessage{});
  expect_both_ways(framed(3, "0400"), NotificationMessage{ErrorCode::HoldTimerExpired, 0, {}});
  expect_both_ways(framed(3, "0102 0013"),
                   NotificationMessage{ErrorCode::MessageHeader, 2, {0, 0x13}});
  expect_both_ways(framed(3, "060a"), NotificationMessage{ErrorCode::Cease, cease::kBfdDown, {}});
  expect_both_ways(framed(5, "0001 00 01"), RouteRefreshMessage{1, 1, RefreshSubtype::Normal});
  expect_both_ways(framed(5, "0002 01 01"), RouteRefreshMessage{2, 1, RefreshSubtype::BeginOfRib});
  expect_both_ways(framed(5, "0002 02 01"), RouteRefreshMessage{2, 1, RefreshSubtype::EndOfRib});
}

TEST(SmallMessages, ShutdownCommunicationRfc9003) {
  const auto bytes = framed(3, "0602 0b 6d61696e74656e616e6365");
  auto m = decode(bytes, DecodeContext{});
  ASSERT_TRUE(m);
  const auto& n = std::get<NotificationMessage>(*m);
  EXPECT_EQ(n.shutdown_message(), "maintenance");
  EXPECT_EQ(n, NotificationMessage::cease_with_message(cease::kAdminShutdown, "maintenance"));
  // A length octet that disagrees with the data is not a message.
  auto bad = decode(framed(3, "0602 0c 6d61696e74656e616e6365"), DecodeContext{});
  EXPECT_FALSE(std::get<NotificationMessage>(*bad).shutdown_message());
}

TEST(SmallMessages, LongShutdownMessageIsCutAtACharacterBoundary) {
  std::string text(254, 'a');
  text += "\xc3\xa9";  // a two-octet character straddling octet 255
  auto n = NotificationMessage::cease_with_message(cease::kAdminReset, text);
  EXPECT_EQ(n.data[0], 254);
  EXPECT_EQ(n.shutdown_message(), std::string(254, 'a'));
}

TEST(SmallMessages, RouteRefreshOfWrongLengthQuotesTheMessage) {
  const auto bytes = framed(5, "0001 00 01 00");
  auto r = decode(bytes, DecodeContext{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::RouteRefresh);
  EXPECT_EQ(r.error().subcode, route_refresh_error::kInvalidLength);
  EXPECT_EQ(r.error().data, bytes);
}

TEST(SmallMessages, UnknownRefreshSubtypeIsDecodedForTheSessionToIgnore) {
  auto r = decode(framed(5, "0001 07 01"), DecodeContext{});
  ASSERT_TRUE(r);
  EXPECT_EQ(uint8_t(std::get<RouteRefreshMessage>(*r).subtype), 7);
}

}  // namespace
}  // namespace closbgp::wire

namespace closbgp::wire {
namespace {

TEST(SmallMessages, ForEachMessageSplitsByHeaderLength) {
  const auto keepalive = test::hex("ffffffffffffffffffffffffffffffff 0013 04");
  std::vector<uint8_t> two = keepalive;
  encode_end_of_rib(Family::Ipv4Unicast, two);
  std::vector<size_t> lengths;
  EXPECT_EQ(for_each_message(two, [&](std::span<const uint8_t> m) { lengths.push_back(m.size()); }),
            2u);
  EXPECT_EQ(lengths, (std::vector<size_t>{19, 23}));
  // A truncated message ends the walk.
  two.pop_back();
  EXPECT_EQ(for_each_message(two, [](std::span<const uint8_t>) {}), 1u);
}

}  // namespace
}  // namespace closbgp::wire
