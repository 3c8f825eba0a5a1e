#include "bgpd/session/advertiser.h"

#include <map>

#include "bgpd/session/address.h"

namespace closbgp::session {

void Advertiser::advertise(rib::SourceId to, const rib::Advertisement& what) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return;
  Peer& p = *it->second;
  const Negotiated* n = p.negotiated();
  if (!n) return;
  std::vector<uint8_t> out;
  size_t messages = 0;
  const auto ctx = n->encode_context();
  for (const auto& [family, nlri] : what.withdraw)
    messages += wire::encode_withdraw(family, nlri, ctx, out);
  std::map<wire::Family, std::optional<wire::MpNextHop>> next_hops;
  for (size_t v = 0; v < what.announce.size(); ++v) {
    if (what.announce[v].empty()) continue;
    const auto& variant = what.variants[v];
    auto nh = next_hops.find(variant.family);
    if (nh == next_hops.end())
      nh = next_hops.emplace(variant.family, p.next_hop_self(variant.family)).first;
    if (!nh->second) continue;  // the engine sends only families the session can carry
    messages += wire::encode_announce(variant.attributes, *nh->second, variant.family,
                                      what.announce[v], ctx, out);
  }
  for (auto f : what.end_of_rib) {
    wire::encode_end_of_rib(f, out);
    ++messages;
  }
  p.send(std::move(out), messages);
}

rib::Member member_of(const Peer& p) {
  const Negotiated& n = *p.negotiated();
  rib::Member m;
  m.id = p.id();
  m.ebgp = n.ebgp;
  m.peer_as = n.peer_as;
  for (auto f : wire::kAllFamilies) {
    if (!n.families.has(f)) continue;
    m.negotiated.add(f);
    if (p.next_hop_self(f)) m.families.add(f);
  }
  const auto ctx = n.encode_context();
  m.encoding = uint8_t(ctx.four_octet_as) | uint8_t(ctx.extended_message << 1);
  m.alone = !ctx.add_path.empty();
  m.interface = p.identity().interface;
  if (p.address()) m.address = to_wire(*p.address());
  m.drain = p.drain();
  m.we_restarted = p.restarting_gracefully();
  return m;
}

}  // namespace closbgp::session
