// OPEN (RFC 4271 sec. 4.2) with optional parameters in the classic form or
// the extended form of RFC 9072, which a long capability list needs.
#include "bgpd/wire/open.h"

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/framing.h"

namespace closbgp::wire {
namespace {

constexpr uint8_t kCapabilitiesParam = 2;
constexpr uint8_t kExtendedParams = 255;

DecodeError open_error_of(uint8_t subcode, std::string reason, std::vector<uint8_t> data = {}) {
  return DecodeError{ErrorCode::Open, subcode, std::move(data), std::move(reason)};
}

}  // namespace

std::expected<OpenMessage, DecodeError> decode_open(std::span<const uint8_t> body) {
  Reader r(body);
  OpenMessage m;
  uint8_t params_len = 0;
  if (!r.u8(m.version) || !r.u16(m.my_as) || !r.u16(m.hold_time) || !r.u32(m.bgp_id) ||
      !r.u8(params_len))
    return std::unexpected(open_error_of(open_error::kUnspecific, "OPEN is truncated"));
  if (m.version != 4)
    return std::unexpected(open_error_of(open_error::kUnsupportedVersion,
                                         "BGP version " + std::to_string(m.version), {0, 4}));
  if (m.hold_time == 1 || m.hold_time == 2)
    return std::unexpected(open_error_of(open_error::kUnacceptableHoldTime,
                                         "hold time " + std::to_string(m.hold_time)));
  if (m.bgp_id == 0)
    return std::unexpected(open_error_of(open_error::kBadBgpId, "BGP identifier 0.0.0.0"));

  // RFC 9072: a first parameter type of 255 announces 2-octet lengths.
  bool extended = false;
  size_t total = params_len;
  if (params_len == kExtendedParams && !r.empty() && *r.here() == kExtendedParams) {
    uint8_t marker = 0;
    uint16_t ext_len = 0;
    r.u8(marker);
    if (!r.u16(ext_len))
      return std::unexpected(open_error_of(open_error::kUnspecific,
                                           "extended optional parameters length is truncated"));
    extended = true;
    total = ext_len;
  }
  std::span<const uint8_t> params;
  if (!r.take(total, params) || !r.empty())
    return std::unexpected(open_error_of(
        open_error::kUnspecific,
        "optional parameters length " + std::to_string(total) + " disagrees with the message"));

  Reader pr(params);
  while (!pr.empty()) {
    uint8_t type = 0;
    uint16_t len = 0;
    std::span<const uint8_t> value;
    bool ok = pr.u8(type);
    if (ok && extended) {
      ok = pr.u16(len);
    } else if (ok) {
      uint8_t l8 = 0;
      ok = pr.u8(l8);
      len = l8;
    }
    if (!ok || !pr.take(len, value))
      return std::unexpected(
          open_error_of(open_error::kUnspecific, "optional parameter overruns the OPEN"));
    if (type != kCapabilitiesParam)
      return std::unexpected(open_error_of(open_error::kUnsupportedOptParam,
                                           "optional parameter type " + std::to_string(type)));
    DecodeError err;
    if (!decode_capabilities(value, m.capabilities, err)) return std::unexpected(std::move(err));
  }
  return m;
}

std::expected<void, std::string> encode_open(const OpenMessage& m, Writer& w) {
  std::vector<uint8_t> caps;
  encode_capabilities(m.capabilities, caps);
  const size_t start = detail::begin_message(w, MessageType::Open);
  w.u8(m.version);
  w.u16(m.my_as);
  w.u16(m.hold_time);
  w.u32(m.bgp_id);
  if (caps.empty()) {
    w.u8(0);
  } else if (caps.size() + 2 <= 255) {
    w.u8(uint8_t(caps.size() + 2));
    w.u8(kCapabilitiesParam);
    w.u8(uint8_t(caps.size()));
    w.bytes(caps);
  } else {
    w.u8(kExtendedParams);
    w.u8(kExtendedParams);
    w.u16(uint16_t(caps.size() + 3));
    w.u8(kCapabilitiesParam);
    w.u16(uint16_t(caps.size()));
    w.bytes(caps);
  }
  if (!detail::finish_message(w, start, kMaxMessageSize))
    return std::unexpected("OPEN exceeds 4096 octets");
  return {};
}

}  // namespace closbgp::wire
