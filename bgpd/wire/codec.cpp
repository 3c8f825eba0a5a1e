// Message framing and dispatch, and the small messages (KEEPALIVE,
// NOTIFICATION, ROUTE-REFRESH).
#include "bgpd/wire/codec.h"

#include <algorithm>

#include "bgpd/wire/framing.h"
#include "bgpd/wire/open.h"
#include "bgpd/wire/update_decode.h"
#include "bgpd/wire/update_encode.h"

namespace closbgp::wire {
namespace {

DecodeError bad_length(uint16_t len, std::string reason) {
  return DecodeError{ErrorCode::MessageHeader,
                     header_error::kBadLength,
                     {uint8_t(len >> 8), uint8_t(len)},
                     std::move(reason)};
}

// Smallest legal length of each message type (RFC 4271 sec. 4, RFC 2918).
size_t min_length(MessageType t) {
  switch (t) {
    case MessageType::Open:
      return 29;
    case MessageType::Update:
      return 23;
    case MessageType::Notification:
      return 21;
    case MessageType::Keepalive:
      return 19;
    case MessageType::RouteRefresh:
      return 23;
  }
  return kHeaderSize;
}

std::expected<Message, DecodeError> decode_route_refresh(std::span<const uint8_t> whole) {
  const auto body = whole.subspan(kHeaderSize);
  // RFC 7313 sec. 5: a wrong length is an error that quotes the message.
  if (body.size() != 4)
    return std::unexpected(
        DecodeError{ErrorCode::RouteRefresh,
                    route_refresh_error::kInvalidLength,
                    {whole.begin(), whole.end()},
                    "ROUTE-REFRESH of " + std::to_string(whole.size()) + " octets, expected 23"});
  Reader r(body);
  RouteRefreshMessage m;
  uint8_t subtype = 0;
  r.u16(m.afi);
  r.u8(subtype);
  r.u8(m.safi);
  m.subtype = RefreshSubtype(subtype);
  return m;
}

NotificationMessage decode_notification(std::span<const uint8_t> body) {
  NotificationMessage m;
  m.code = ErrorCode(body[0]);
  m.subcode = body[1];
  m.data.assign(body.begin() + 2, body.end());
  return m;
}

}  // namespace

MessageType type_of(const Message& m) {
  return MessageType(m.index() + 1);
}

std::string_view message_type_name(MessageType t) {
  switch (t) {
    case MessageType::Open:
      return "OPEN";
    case MessageType::Update:
      return "UPDATE";
    case MessageType::Notification:
      return "NOTIFICATION";
    case MessageType::Keepalive:
      return "KEEPALIVE";
    case MessageType::RouteRefresh:
      return "ROUTE-REFRESH";
  }
  return "UNKNOWN";
}

std::optional<Family> UpdateMessage::end_of_rib() const {
  if (!withdrawn.empty() || !nlri.empty() || mp_reach || attributes != PathAttributes{})
    return std::nullopt;
  if (!mp_unreach) return Family::Ipv4Unicast;
  if (mp_unreach->withdrawn.empty() && mp_unreach->evpn.empty()) return mp_unreach->family;
  return std::nullopt;
}

std::optional<std::string> NotificationMessage::shutdown_message() const {
  if (code != ErrorCode::Cease ||
      (subcode != cease::kAdminShutdown && subcode != cease::kAdminReset) || data.empty() ||
      data[0] != data.size() - 1)
    return std::nullopt;
  return std::string(data.begin() + 1, data.end());
}

NotificationMessage NotificationMessage::cease_with_message(uint8_t subcode,
                                                            std::string_view message) {
  NotificationMessage m{ErrorCode::Cease, subcode, {}};
  // RFC 9003: at most 255 octets; cut at a UTF-8 character boundary.
  size_t n = std::min<size_t>(message.size(), 255);
  while (n > 0 && n < message.size() && (uint8_t(message[n]) & 0xc0) == 0x80) --n;
  m.data.resize(n + 1);
  m.data[0] = uint8_t(n);
  std::copy_n(message.begin(), n, m.data.begin() + 1);
  return m;
}

std::expected<Header, DecodeError> decode_header(std::span<const uint8_t> bytes,
                                                 const DecodeContext& ctx) {
  if (bytes.size() < kHeaderSize)
    return std::unexpected(bad_length(uint16_t(bytes.size()), "message shorter than its header"));
  for (size_t i = 0; i < 16; ++i)
    if (bytes[i] != 0xff)
      return std::unexpected(DecodeError{
          ErrorCode::MessageHeader, header_error::kNotSynchronized, {}, "marker is not all ones"});
  Header h;
  h.length = uint16_t(bytes[16] << 8 | bytes[17]);
  const uint8_t type = bytes[18];
  if (type < uint8_t(MessageType::Open) || type > uint8_t(MessageType::RouteRefresh))
    return std::unexpected(DecodeError{ErrorCode::MessageHeader,
                                       header_error::kBadType,
                                       {type},
                                       "message type " + std::to_string(type) + " is unknown"});
  h.type = MessageType(type);
  // RFC 8654: OPEN and KEEPALIVE never exceed 4096 octets.
  const bool may_extend =
      ctx.extended_message && h.type != MessageType::Open && h.type != MessageType::Keepalive;
  const size_t max = detail::max_message_size(may_extend);
  if (h.length < min_length(h.type) || h.length > max ||
      (h.type == MessageType::Keepalive && h.length != kHeaderSize))
    return std::unexpected(
        bad_length(h.length, std::string(message_type_name(h.type)) + " length " +
                                 std::to_string(h.length) + " is outside " +
                                 std::to_string(min_length(h.type)) + ".." + std::to_string(max)));
  return h;
}

std::expected<Message, DecodeError> decode(std::span<const uint8_t> message,
                                           const DecodeContext& ctx) {
  auto header = decode_header(message, ctx);
  if (!header) return std::unexpected(std::move(header.error()));
  if (header->length != message.size())
    return std::unexpected(
        bad_length(header->length, "length field " + std::to_string(header->length) + " but " +
                                       std::to_string(message.size()) + " octets were given"));
  const auto body = message.subspan(kHeaderSize);
  switch (header->type) {
    case MessageType::Open:
      return decode_open(body);
    case MessageType::Update:
      return decode_update(body, ctx);
    case MessageType::Notification:
      return decode_notification(body);
    case MessageType::Keepalive:
      return KeepaliveMessage{};
    case MessageType::RouteRefresh:
      return decode_route_refresh(message);
  }
  return std::unexpected(DecodeError{});  // unreachable: decode_header checked the type
}

std::expected<void, std::string> encode(const Message& message, const EncodeContext& ctx,
                                        std::vector<uint8_t>& out) {
  Writer w(out);
  struct Visitor {
    const EncodeContext& ctx;
    Writer& w;
    std::expected<void, std::string> operator()(const OpenMessage& m) { return encode_open(m, w); }
    std::expected<void, std::string> operator()(const UpdateMessage& m) {
      return encode_update(m, ctx, w);
    }
    std::expected<void, std::string> operator()(const NotificationMessage& m) {
      const size_t start = detail::begin_message(w, MessageType::Notification);
      w.u8(uint8_t(m.code));
      w.u8(m.subcode);
      w.bytes(m.data);
      if (!detail::finish_message(w, start, detail::max_message_size(ctx.extended_message)))
        return std::unexpected("NOTIFICATION data too long");
      return {};
    }
    std::expected<void, std::string> operator()(const KeepaliveMessage&) {
      detail::finish_message(w, detail::begin_message(w, MessageType::Keepalive), kHeaderSize);
      return {};
    }
    std::expected<void, std::string> operator()(const RouteRefreshMessage& m) {
      const size_t start = detail::begin_message(w, MessageType::RouteRefresh);
      w.u16(m.afi);
      w.u8(uint8_t(m.subtype));
      w.u8(m.safi);
      detail::finish_message(w, start, kMaxMessageSize);
      return {};
    }
  };
  return std::visit(Visitor{ctx, w}, message);
}

std::expected<std::vector<uint8_t>, std::string> encode(const Message& message,
                                                        const EncodeContext& ctx) {
  std::vector<uint8_t> out;
  if (auto r = encode(message, ctx, out); !r) return std::unexpected(std::move(r.error()));
  return out;
}

size_t for_each_message(std::span<const uint8_t> messages,
                        const std::function<void(std::span<const uint8_t>)>& f) {
  size_t count = 0;
  Reader r(messages);
  while (r.remaining() >= kHeaderSize) {
    const size_t length = size_t(r.here()[16]) << 8 | r.here()[17];
    std::span<const uint8_t> message;
    if (length < kHeaderSize || !r.take(length, message)) break;
    f(message);
    ++count;
  }
  return count;
}

}  // namespace closbgp::wire
