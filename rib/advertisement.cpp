#include "rib/advertisement.h"

namespace closbgp::rib {

size_t encode(const Advertisement& a, const NextHopFor& next_hop, const wire::EncodeContext& ctx,
              std::vector<uint8_t>& out) {
  size_t messages = 0;
  for (const auto& [family, nlri] : a.withdraw)
    messages += wire::encode_withdraw(family, nlri, ctx, out);
  std::map<wire::Family, std::optional<wire::MpNextHop>> next_hops;  // asked once per family
  for (size_t v = 0; v < a.announce.size(); ++v) {
    if (a.announce[v].empty()) continue;
    const auto& variant = a.variants[v];
    auto nh = next_hops.find(variant.family);
    if (nh == next_hops.end())
      nh = next_hops.emplace(variant.family, next_hop(variant.family)).first;
    if (!nh->second) continue;  // the engine sends only families the session can carry
    messages += wire::encode_announce(variant.attributes, *sent_next_hop(variant, nh->second),
                                      variant.family, a.announce[v], ctx, out);
  }
  messages += wire::encode_evpn_withdraw(a.evpn_withdraw, ctx, out);
  for (size_t v = 0; v < a.evpn_announce.size(); ++v)
    if (!a.evpn_announce[v].empty() && a.variants[v].next_hop)
      messages += wire::encode_evpn_announce(a.variants[v].attributes, *a.variants[v].next_hop,
                                             a.evpn_announce[v], ctx, out);
  for (auto f : a.end_of_rib) {
    wire::encode_end_of_rib(f, out);
    ++messages;
  }
  return messages;
}

}  // namespace closbgp::rib
