#include "bgpd/wire/bmp.h"

#include "bgpd/wire/bytes.h"
#include "bgpd/wire/codec.h"

namespace closbgp::wire::bmp {
namespace {

enum class Type : uint8_t {
  RouteMonitoring = 0,
  StatisticsReport = 1,
  PeerDown = 2,
  PeerUp = 3,
  Initiation = 4,
  Termination = 5,
};

constexpr uint8_t kFlagV = 0x80, kFlagL = 0x40;

// The common header around what `body` writes.
template <typename Body>
void message(Type type, std::vector<uint8_t>& out, Body&& body) {
  Writer w(out);
  const size_t start = w.size();
  w.u8(kVersion);
  w.u32(0);  // length, set below
  w.u8(uint8_t(type));
  body(w);
  const auto length = uint32_t(w.size() - start);
  for (int i = 0; i < 4; ++i) out[start + 1 + size_t(i)] = uint8_t(length >> (24 - 8 * i));
}

// 16 octets; an IPv4 address in the last four (RFC 7854 sec. 4.2).
void address16(Writer& w, const IpAddress& a) {
  if (a.is_v4()) {
    for (int i = 0; i < 12; ++i) w.u8(0);
    w.bytes(a.bytes().data(), 4);
  } else {
    w.bytes(a.bytes().data(), 16);
  }
}

void per_peer(Writer& w, const PeerHeader& p) {
  w.u8(uint8_t(p.type));
  uint8_t flags = 0;
  if (p.type == PeerType::Global) {
    if (!p.address.is_v4()) flags |= kFlagV;
    if (p.post_policy) flags |= kFlagL;
  }
  w.u8(flags);
  w.u64(0);  // peer distinguisher: the default VRF
  if (p.type == PeerType::LocRib)
    for (int i = 0; i < 16; ++i) w.u8(0);
  else
    address16(w, p.address);
  w.u32(p.asn);
  w.u32(p.bgp_id);
  w.u32(p.seconds);
  w.u32(p.microseconds);
}

void tlvs(Writer& w, std::span<const InfoTlv> information) {
  for (const auto& t : information) {
    w.u16(t.type);
    w.u16(uint16_t(t.value.size()));
    w.bytes(reinterpret_cast<const uint8_t*>(t.value.data()), t.value.size());
  }
}

}  // namespace

void initiation(std::span<const InfoTlv> information, std::vector<uint8_t>& out) {
  message(Type::Initiation, out, [&](Writer& w) { tlvs(w, information); });
}

void termination(uint16_t reason, std::string_view text, std::vector<uint8_t>& out) {
  message(Type::Termination, out, [&](Writer& w) {
    const InfoTlv string{info::kString, std::string(text)};
    tlvs(w, {&string, 1});
    w.u16(1);  // TLV type 1: the reason
    w.u16(2);
    w.u16(reason);
  });
}

void peer_up(const PeerHeader& peer, const PeerUp& up, std::vector<uint8_t>& out) {
  message(Type::PeerUp, out, [&](Writer& w) {
    per_peer(w, peer);
    if (peer.type == PeerType::Global && up.local_address.is_v4() != peer.address.is_v4()) {
      // The V flag decides how both addresses are read: an IPv4 local end of an
      // IPv6 session (or the reverse) cannot be written, so none is.
      for (int i = 0; i < 16; ++i) w.u8(0);
    } else {
      address16(w, up.local_address);
    }
    w.u16(up.local_port);
    w.u16(up.remote_port);
    w.bytes(up.sent_open);
    w.bytes(up.received_open);
    tlvs(w, up.information);
  });
}

void peer_down(const PeerHeader& peer, DownReason reason, std::span<const uint8_t> data,
               std::vector<uint8_t>& out) {
  message(Type::PeerDown, out, [&](Writer& w) {
    per_peer(w, peer);
    w.u8(uint8_t(reason));
    w.bytes(data);
  });
}

void route_monitoring(const PeerHeader& peer, std::span<const uint8_t> updates,
                      std::vector<uint8_t>& out) {
  wire::for_each_message(updates, [&](std::span<const uint8_t> pdu) {
    message(Type::RouteMonitoring, out, [&](Writer& w) {
      per_peer(w, peer);
      w.bytes(pdu);
    });
  });
}

void statistics(const PeerHeader& peer, std::span<const Stat> stats, std::vector<uint8_t>& out) {
  message(Type::StatisticsReport, out, [&](Writer& w) {
    per_peer(w, peer);
    w.u32(uint32_t(stats.size()));
    for (const Stat& s : stats) {
      w.u16(s.type);
      switch (s.kind) {
        case Stat::Kind::Counter32:
          w.u16(4);
          w.u32(uint32_t(s.value));
          break;
        case Stat::Kind::Gauge64:
          w.u16(8);
          w.u64(s.value);
          break;
        case Stat::Kind::FamilyGauge64:
          w.u16(11);
          w.u16(s.afi);
          w.u8(s.safi);
          w.u64(s.value);
          break;
      }
    }
  });
}

size_t for_each_message(std::span<const uint8_t> bytes,
                        const std::function<void(std::span<const uint8_t>)>& f) {
  constexpr size_t kCommonHeader = 6;
  size_t count = 0;
  Reader r(bytes);
  while (r.remaining() >= kCommonHeader) {
    const uint8_t* at = r.here();
    const size_t length = size_t(at[1]) << 24 | size_t(at[2]) << 16 | size_t(at[3]) << 8 | at[4];
    std::span<const uint8_t> message;
    if (length < kCommonHeader || !r.take(length, message)) break;
    f(message);
    ++count;
  }
  return count;
}

}  // namespace closbgp::wire::bmp
