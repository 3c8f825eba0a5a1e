// libFuzzer target: any bytes through decode(); whatever decodes must
// re-encode to a fixpoint. The first byte picks the negotiated context.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "bgpd/wire/codec.h"

using namespace closbgp::wire;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// encode(decode(b)), or nothing if it does not decode or fit.
std::optional<std::vector<uint8_t>> round(std::span<const uint8_t> b, const DecodeContext& d,
                                          const EncodeContext& e) {
  auto m = decode(b, d);
  if (!m) return std::nullopt;
  auto out = encode(*m, e);
  if (!out) return std::nullopt;
  return std::move(*out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> msg(data + 1, size - 1);
  DecodeContext d;
  d.four_octet_as = !(mode & 1);
  d.extended_message = mode & 2;
  d.ebgp = !(mode & 4);
  if (mode & 8) d.add_path = {Family::Ipv4Unicast, Family::Ipv6Unicast};
  if (mode & 16) d.families = {Family::Ipv4Unicast};
  if (mode & 32) d.families.add(Family::L2vpnEvpn);
  EncodeContext e;
  e.four_octet_as = d.four_octet_as;
  e.extended_message = d.extended_message;
  e.add_path = d.add_path;

  (void)decode_header(msg, d);
  auto b1 = round(msg, d, e);
  if (!b1) return 0;
  auto b2 = round(*b1, d, e);
  check(b2.has_value());  // what we encode, we must decode
  if (d.four_octet_as) {
    check(*b2 == *b1);  // one round reaches the canonical form
  } else {
    // Towards a 2-octet speaker, ASNs above 65535 in confederation segments
    // cannot be represented (RFC 6793), so the canonical form may take a
    // second round.
    auto b3 = round(*b2, d, e);
    check(b3.has_value() && *b3 == *b2);
  }
  return 0;
}
