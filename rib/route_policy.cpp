#include "rib/route_policy.h"

#include <algorithm>

#include "rib/adj_rib_in.h"

namespace closbgp::rib {
bool is_private_as(uint32_t asn) {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000u && asn <= 4294967294u);
}

void remove_private_as(wire::AsPath& path, RemovePrivateAs mode) {
  using Mode = RemovePrivateAs;
  if (mode == Mode::Off) return;
  if (mode == Mode::IfOnlyPrivate) {
    const bool all_private = std::all_of(path.segments.begin(), path.segments.end(), [](auto& s) {
      return std::all_of(s.asns.begin(), s.asns.end(), is_private_as);
    });
    if (!all_private) return;
  }
  for (auto& s : path.segments) std::erase_if(s.asns, is_private_as);
  std::erase_if(path.segments, [](const auto& s) { return s.asns.empty(); });
}

std::shared_ptr<const wire::PathAttributes> import_attributes(
    const PeerPolicy& p, bool ebgp, const wire::Prefix& prefix,
    const std::shared_ptr<const wire::PathAttributes>& received, const policy::Neighbor& from) {
  if (!p.in) return ebgp && p.requires_policy ? nullptr : received;
  auto verdict = p.in->apply(prefix, *received, from);
  if (!verdict.permit) return nullptr;
  if (!verdict.changed) return received;
  return std::make_shared<const wire::PathAttributes>(std::move(*verdict.changed));
}

void apply_drain(wire::PathAttributes& a, const ExportRules& to) {
  if (std::find(a.communities.begin(), a.communities.end(), wire::kGracefulShutdown) ==
      a.communities.end())
    a.communities.push_back(wire::kGracefulShutdown);
  if (to.ebgp)
    policy::prepend_as(a, std::vector<uint32_t>(to.drain_prepend, to.local_as));
  else
    a.local_pref = 0;
}

policy::Multipath multipath_of(const LocRib::Entry& e) {
  policy::Multipath m;
  bool every = true;
  for (uint16_t i : e.multipath()) {
    const float bw = e.path(i).link_bandwidth;
    ++m.paths;
    every = every && bw > 0;
    m.bandwidth += bw;
  }
  if (!every) m.bandwidth = 0;
  return m;
}

std::optional<wire::PathAttributes> export_attributes(const Path& best, const wire::Prefix& prefix,
                                                      const ExportRules& to,
                                                      const policy::Multipath* multipath) {
  if (to.drain == DrainState::Warm) return std::nullopt;
  // RFC 4271 9.1.3: iBGP to iBGP only when reflected (RFC 4456 sec. 6).
  const bool reflected = is_reflection(best, to);
  if (reflected && !best.source.rr_client && !to.rr_clients) return std::nullopt;
  const PeerPolicy none;
  const PeerPolicy& policy = to.policy ? *to.policy : none;
  if (to.ebgp && policy.requires_policy && !policy.out) return std::nullopt;  // RFC 8212
  wire::PathAttributes a = *best.attributes;
  a.next_hop.reset();  // the session's own, set when encoding
  if (!a.as_path) a.as_path = wire::AsPath{};
  if (!to.ebgp) {
    a.local_pref = best.local_pref();
    if (reflected) {
      if (!a.originator_id) a.originator_id = best.source.peer_router_id;
      a.cluster_list.insert(a.cluster_list.begin(), to.cluster_id);
    }
  } else {
    a.local_pref.reset();
    a.med.reset();  // MED is not passed on to another AS
    a.originator_id.reset();
    a.cluster_list.clear();
    remove_private_as(*a.as_path, policy.remove_private_as);
  }
  if (policy.out) {
    auto verdict = policy.out->apply(prefix, a, to.neighbor, multipath);
    if (!verdict.permit) return std::nullopt;
    if (verdict.changed) a = std::move(*verdict.changed);
  }
  if (to.drain == DrainState::Drained) apply_drain(a, to);
  if (to.ebgp) policy::prepend_as(a, {to.local_as});
  return a;
}

std::optional<wire::IpAddress> kept_next_hop(const Path& best, const wire::Prefix& prefix,
                                             const ExportRules& to) {
  const wire::IpAddress& nh = best.next_hop.address;
  if (!is_reflection(best, to) || to.next_hop_self || nh.afi() != prefix.afi() ||
      nh.is_link_local() || nh.is_unspecified())
    return std::nullopt;
  return nh;
}

bool exportable_to(const Path& best, uint32_t peer_id, bool ebgp, bool sender_loop_check,
                   uint32_t peer_as) {
  if (ebgp && !sender_loop_check) return true;
  if (best.source.peer_id == peer_id) return false;
  const auto& path = best.attributes->as_path;
  return !(ebgp && path && path_contains(*path, peer_as));
}

}  // namespace closbgp::rib
