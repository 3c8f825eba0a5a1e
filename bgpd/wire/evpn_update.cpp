// EVPN UPDATEs (RFC 7432 sec. 7, RFC 4760): routes packed into as few
// messages as the size limit allows, in MP_REACH_NLRI with the VTEP as
// next hop, or in MP_UNREACH_NLRI.
#include "bgpd/wire/codec.h"
#include "bgpd/wire/framing.h"
#include "bgpd/wire/update_encode.h"

namespace closbgp::wire {
namespace {

// What an UPDATE takes besides its attributes and routes: the header,
// both length fields, and an MP attribute's own fields (flags, type,
// 2-octet length, AFI/SAFI, next hop of up to 16 octets, reserved).
constexpr size_t kOverhead = 19 + 2 + 2 + 4 + 3 + 1 + 16 + 1;

// How many routes from `next` on fit in `budget` octets of NLRI.
size_t routes_that_fit(std::span<const EvpnRoute> routes, size_t next, size_t budget) {
  std::vector<uint8_t> scratch;
  Writer w(scratch);
  size_t n = 0;
  for (size_t i = next; i < routes.size(); ++i, ++n) {
    encode_evpn_route(routes[i], w);
    if (scratch.size() > budget) break;
  }
  return n;
}

// One UPDATE per run of routes that fits beside `fixed` octets; `make`
// builds it from the run.
template <class Make>
size_t encode_runs(std::span<const EvpnRoute> routes, size_t fixed, const EncodeContext& ctx,
                   std::vector<uint8_t>& out, Make make) {
  const size_t max = detail::max_message_size(ctx.extended_message);
  if (fixed >= max) return 0;
  size_t messages = 0;
  Writer w(out);
  for (size_t next = 0; next < routes.size();) {
    const size_t n = routes_that_fit(routes, next, max - fixed);
    if (n == 0) break;  // a route is at most a few dozen octets: only huge attributes leave no room
    const std::span<const EvpnRoute> run = routes.subspan(next, n);
    if (!encode_update(make(std::vector<EvpnRoute>(run.begin(), run.end())), ctx, w)) break;
    next += n;
    ++messages;
  }
  return messages;
}

}  // namespace

size_t encode_evpn_announce(const PathAttributes& attributes, const IpAddress& next_hop,
                            std::span<const EvpnRoute> routes, const EncodeContext& ctx,
                            std::vector<uint8_t>& out) {
  std::vector<uint8_t> scratch;
  Writer measure(scratch);
  PathAttributes attrs = attributes;
  attrs.next_hop.reset();  // the VTEP goes in MP_REACH_NLRI
  encode_path_attributes(attrs, nullptr, ctx, measure);
  return encode_runs(routes, kOverhead + scratch.size(), ctx, out, [&](std::vector<EvpnRoute> run) {
    UpdateMessage u;
    u.attributes = attrs;
    u.mp_reach = MpReach{Family::L2vpnEvpn, {next_hop, std::nullopt}, {}, std::move(run)};
    return u;
  });
}

size_t encode_evpn_withdraw(std::span<const EvpnRoute> routes, const EncodeContext& ctx,
                            std::vector<uint8_t>& out) {
  return encode_runs(routes, kOverhead, ctx, out, [](std::vector<EvpnRoute> run) {
    UpdateMessage u;
    u.mp_unreach = MpUnreach{Family::L2vpnEvpn, {}, std::move(run)};
    return u;
  });
}

}  // namespace closbgp::wire
