#include "bgpd/bfd/packet.h"

namespace closbgp::bfd {
namespace {

uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

}  // namespace

std::string_view state_name(State s) {
  static constexpr std::string_view kNames[] = {"AdminDown", "Down", "Init", "Up"};
  return kNames[uint8_t(s) & 3];
}

std::string_view diag_name(Diag d) {
  static constexpr std::string_view kNames[] = {"No Diagnostic",
                                                "Control Detection Time Expired",
                                                "Echo Function Failed",
                                                "Neighbor Signaled Session Down",
                                                "Forwarding Plane Reset",
                                                "Path Down",
                                                "Concatenated Path Down",
                                                "Administratively Down",
                                                "Reverse Concatenated Path Down"};
  return uint8_t(d) < std::size(kNames) ? kNames[uint8_t(d)] : "Unknown Diagnostic";
}

std::expected<ControlPacket, std::string> decode(std::span<const uint8_t> b) {
  if (b.size() < kPacketSize) return std::unexpected("shorter than 24 octets");
  const uint8_t version = b[0] >> 5;
  if (version != 1) return std::unexpected("version " + std::to_string(version));
  const uint8_t length = b[3];
  if (length < kPacketSize || length > b.size())
    return std::unexpected("length field " + std::to_string(length) + " with " +
                           std::to_string(b.size()) + " octets received");
  ControlPacket p;
  p.diag = Diag(b[0] & 0x1f);
  p.state = State(b[1] >> 6);
  p.poll = b[1] & 0x20;
  p.final = b[1] & 0x10;
  p.cpi = b[1] & 0x08;
  const bool auth = b[1] & 0x04;
  p.demand = b[1] & 0x02;
  const bool multipoint = b[1] & 0x01;
  p.detect_mult = b[2];
  p.my_discriminator = be32(&b[4]);
  p.your_discriminator = be32(&b[8]);
  p.desired_min_tx_us = be32(&b[12]);
  p.required_min_rx_us = be32(&b[16]);
  p.required_min_echo_rx_us = be32(&b[20]);
  if (auth) return std::unexpected("authentication is not configured");
  if (p.detect_mult == 0) return std::unexpected("detect multiplier 0");
  if (multipoint) return std::unexpected("multipoint bit set");
  if (p.my_discriminator == 0) return std::unexpected("my discriminator 0");
  if (p.your_discriminator == 0 && p.state != State::Down && p.state != State::AdminDown)
    return std::unexpected("your discriminator 0 in state " + std::string(state_name(p.state)));
  return p;
}

std::vector<uint8_t> encode(const ControlPacket& p) {
  std::vector<uint8_t> out;
  out.reserve(kPacketSize);
  out.push_back(uint8_t(1 << 5 | (uint8_t(p.diag) & 0x1f)));
  out.push_back(uint8_t(uint8_t(p.state) << 6 | (p.poll ? 0x20 : 0) | (p.final ? 0x10 : 0) |
                        (p.cpi ? 0x08 : 0) | (p.demand ? 0x02 : 0)));
  out.push_back(p.detect_mult);
  out.push_back(uint8_t(kPacketSize));
  put32(out, p.my_discriminator);
  put32(out, p.your_discriminator);
  put32(out, p.desired_min_tx_us);
  put32(out, p.required_min_rx_us);
  put32(out, p.required_min_echo_rx_us);
  return out;
}

}  // namespace closbgp::bfd
