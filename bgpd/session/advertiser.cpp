#include "bgpd/session/advertiser.h"

#include "bgpd/session/address.h"

namespace closbgp::session {

void Advertiser::advertise(rib::SourceId to, const rib::Advertisement& what) {
  auto it = peers_.find(to);
  if (it == peers_.end()) return;
  Peer& p = *it->second;
  const Negotiated* n = p.negotiated();
  if (!n) return;
  std::vector<uint8_t> out;
  const size_t messages = rib::encode(
      what, [&p](wire::Family f) { return p.next_hop_self(f); }, n->encode_context(), out);
  if (monitors_)
    for (auto* m : *monitors_) m->updates_sent(p, out);
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
  // An EVPN route carries its own next hop (the VTEP): always sendable.
  if (n.families.has(wire::Family::L2vpnEvpn)) {
    m.negotiated.add(wire::Family::L2vpnEvpn);
    m.families.add(wire::Family::L2vpnEvpn);
  }
  const auto ctx = n.encode_context();
  m.encoding = uint8_t(ctx.four_octet_as) | uint8_t(ctx.extended_message << 1);
  m.add_path = ctx.add_path;
  m.interface = p.identity().interface;
  if (p.address()) m.address = to_wire(*p.address());
  m.drain = p.drain();
  m.we_restarted = p.restarting_gracefully();
  m.llgr = n.received_open.capabilities.long_lived_gr.has_value();
  return m;
}

}  // namespace closbgp::session
