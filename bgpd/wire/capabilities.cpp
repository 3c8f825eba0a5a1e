// Capability codes and layouts: RFC 4760, 2918, 8950, 8654, 4724, 6793,
// 7911, 7313 and the FQDN draft that FRR implements.
#include "bgpd/wire/capabilities.h"

#include "bgpd/wire/bytes.h"

namespace closbgp::wire {
namespace {

bool malformed(DecodeError& err, uint8_t code, size_t len) {
  err = DecodeError{
      ErrorCode::Open,
      open_error::kUnspecific,
      {},
      "capability " + std::to_string(code) + " has invalid length " + std::to_string(len)};
  return false;
}

bool read_string(Reader& r, std::string& out) {
  uint8_t len = 0;
  std::span<const uint8_t> s;
  if (!r.u8(len) || !r.take(len, s)) return false;
  out.assign(s.begin(), s.end());
  return true;
}

// Decodes one capability value; false with `err` if it is malformed.
bool decode_one(uint8_t code, std::span<const uint8_t> v, Capabilities& caps, DecodeError& err) {
  Reader r(v);
  using namespace capability_code;
  switch (code) {
    case kMultiprotocol: {
      AfiSafi fs;
      uint8_t reserved = 0;
      if (v.size() != 4 || !r.u16(fs.afi) || !r.u8(reserved) || !r.u8(fs.safi))
        return malformed(err, code, v.size());
      caps.multiprotocol.push_back(fs);
      return true;
    }
    case kRouteRefresh:
    case kEnhancedRouteRefresh:
    case kExtendedMessage:
      if (!v.empty()) return malformed(err, code, v.size());
      (code == kRouteRefresh           ? caps.route_refresh
       : code == kEnhancedRouteRefresh ? caps.enhanced_route_refresh
                                       : caps.extended_message) = true;
      return true;
    case kFourOctetAs: {
      uint32_t asn = 0;
      if (v.size() != 4 || !r.u32(asn)) return malformed(err, code, v.size());
      caps.four_octet_as = asn;
      return true;
    }
    case kExtendedNextHop:
      if (v.empty() || v.size() % 6 != 0) return malformed(err, code, v.size());
      while (!r.empty()) {
        ExtendedNextHop e;
        r.u16(e.afi);
        r.u16(e.safi);
        r.u16(e.nexthop_afi);
        caps.extended_next_hop.push_back(e);
      }
      return true;
    case kGracefulRestart: {
      uint16_t head = 0;
      if (v.size() < 2 || (v.size() - 2) % 4 != 0 || !r.u16(head))
        return malformed(err, code, v.size());
      GracefulRestart gr;
      gr.restarting = head & 0x8000;
      gr.notification = head & 0x4000;
      gr.restart_time = head & 0x0fff;
      while (!r.empty()) {
        GracefulRestart::Family f;
        uint8_t flags = 0;
        r.u16(f.afi);
        r.u8(f.safi);
        r.u8(flags);
        f.forwarding_preserved = flags & 0x80;
        gr.families.push_back(f);
      }
      caps.graceful_restart = std::move(gr);
      return true;
    }
    case kLongLivedGracefulRestart: {
      if (v.size() % 7 != 0) return malformed(err, code, v.size());
      LongLivedGracefulRestart llgr;
      while (!r.empty()) {
        LongLivedGracefulRestart::Family f;
        uint8_t flags = 0, high = 0;
        uint16_t low = 0;
        r.u16(f.afi);
        r.u8(f.safi);
        r.u8(flags);
        r.u8(high);
        r.u16(low);
        f.forwarding_preserved = flags & 0x80;
        f.stale_time = uint32_t(high) << 16 | low;
        llgr.families.push_back(f);
      }
      caps.long_lived_gr = std::move(llgr);
      return true;
    }
    case kAddPath:
      if (v.empty() || v.size() % 4 != 0) return malformed(err, code, v.size());
      while (!r.empty()) {
        AddPath a;
        uint8_t mode = 0;
        r.u16(a.afi);
        r.u8(a.safi);
        r.u8(mode);
        // RFC 7911 sec. 4: other Send/Receive values are ignored.
        if (mode >= 1 && mode <= 3) {
          a.mode = AddPathMode(mode);
          caps.add_path.push_back(a);
        }
      }
      return true;
    case kFqdn: {
      Fqdn f;
      if (!read_string(r, f.hostname) || !read_string(r, f.domain) || !r.empty())
        return malformed(err, code, v.size());
      caps.fqdn = std::move(f);
      return true;
    }
    default:
      caps.unknown.push_back(RawCapability{code, {v.begin(), v.end()}});
      return true;
  }
}

template <typename Body>
void write_cap(Writer& w, uint8_t code, Body&& body) {
  w.u8(code);
  const size_t at = w.placeholder8();
  body();
  w.patch8(at, uint8_t(w.size() - at - 1));
}

}  // namespace

bool decode_capabilities(std::span<const uint8_t> data, Capabilities& caps, DecodeError& err) {
  Reader r(data);
  while (!r.empty()) {
    uint8_t code = 0, len = 0;
    std::span<const uint8_t> value;
    if (!r.u8(code) || !r.u8(len) || !r.take(len, value)) {
      err = DecodeError{ErrorCode::Open,
                        open_error::kUnspecific,
                        {},
                        "capability " + std::to_string(code) + " overruns its parameter"};
      return false;
    }
    if (!decode_one(code, value, caps, err)) return false;
  }
  return true;
}

void encode_capabilities(const Capabilities& caps, std::vector<uint8_t>& out) {
  Writer w(out);
  using namespace capability_code;
  for (const auto& mp : caps.multiprotocol)
    write_cap(w, kMultiprotocol, [&] {
      w.u16(mp.afi);
      w.u8(0);
      w.u8(mp.safi);
    });
  if (caps.route_refresh) write_cap(w, kRouteRefresh, [] {});
  if (!caps.extended_next_hop.empty())
    write_cap(w, kExtendedNextHop, [&] {
      for (const auto& e : caps.extended_next_hop) {
        w.u16(e.afi);
        w.u16(e.safi);
        w.u16(e.nexthop_afi);
      }
    });
  if (caps.extended_message) write_cap(w, kExtendedMessage, [] {});
  if (caps.graceful_restart)
    write_cap(w, kGracefulRestart, [&] {
      const auto& gr = *caps.graceful_restart;
      w.u16(uint16_t((gr.restarting ? 0x8000 : 0) | (gr.notification ? 0x4000 : 0) |
                     (gr.restart_time & 0x0fff)));
      for (const auto& f : gr.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.forwarding_preserved ? 0x80 : 0);
      }
    });
  if (caps.long_lived_gr)
    write_cap(w, kLongLivedGracefulRestart, [&] {
      for (const auto& f : caps.long_lived_gr->families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.forwarding_preserved ? 0x80 : 0);
        w.u8(uint8_t(f.stale_time >> 16));
        w.u16(uint16_t(f.stale_time));
      }
    });
  if (caps.four_octet_as) write_cap(w, kFourOctetAs, [&] { w.u32(*caps.four_octet_as); });
  if (!caps.add_path.empty())
    write_cap(w, kAddPath, [&] {
      for (const auto& a : caps.add_path) {
        w.u16(a.afi);
        w.u8(a.safi);
        w.u8(uint8_t(a.mode));
      }
    });
  if (caps.enhanced_route_refresh) write_cap(w, kEnhancedRouteRefresh, [] {});
  if (caps.fqdn)
    write_cap(w, kFqdn, [&] {
      for (const std::string* s : {&caps.fqdn->hostname, &caps.fqdn->domain}) {
        const size_t n = std::min<size_t>(s->size(), 255);
        w.u8(uint8_t(n));
        w.bytes(reinterpret_cast<const uint8_t*>(s->data()), n);
      }
    });
  for (const auto& u : caps.unknown) write_cap(w, u.code, [&] { w.bytes(u.value); });
}

}  // namespace closbgp::wire
