// Internal to the codec: the 19-octet header around every message.
#pragma once

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/messages.h"

namespace closbgp::wire::detail {

// Writes marker, a length placeholder and the type; returns where the
// message starts.
inline size_t begin_message(Writer& w, MessageType type) {
  const size_t start = w.size();
  for (int i = 0; i < 16; ++i) w.u8(0xff);
  w.u16(0);
  w.u8(uint8_t(type));
  return start;
}

// Fills in the length. False (and the message removed) if it exceeds `max`.
inline bool finish_message(Writer& w, size_t start, size_t max) {
  const size_t len = w.size() - start;
  if (len > max) {
    w.buffer().resize(start);
    return false;
  }
  w.patch16(start + 16, uint16_t(len));
  return true;
}

inline size_t max_message_size(bool extended) {
  return extended ? kMaxExtendedMessageSize : kMaxMessageSize;
}

}  // namespace closbgp::wire::detail
