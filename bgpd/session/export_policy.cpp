#include "bgpd/session/export_policy.h"

#include "rib/adj_rib_in.h"

namespace closbgp::session {

std::optional<wire::PathAttributes> export_attributes(const rib::LocRib::Entry* entry,
                                                      const ExportTarget& to) {
  if (!entry) return std::nullopt;
  const rib::Path& best = entry->best();
  if (best.source.peer_id == to.peer_id) return std::nullopt;  // never back to its source
  const bool from_ibgp = best.source.peer_id != rib::kLocalSource && !best.source.ebgp;
  if (!to.ebgp && from_ibgp) return std::nullopt;  // RFC 4271 9.1.3, no route reflection
  // The peer would drop a path with its own AS in it: do not send it.
  const auto& path = best.attributes->as_path;
  if (to.ebgp && path && rib::path_contains(*path, to.peer_as)) return std::nullopt;
  wire::PathAttributes a = *best.attributes;
  a.next_hop.reset();  // the session's own, set when encoding
  if (!to.ebgp) {
    a.local_pref = best.local_pref();
    if (!a.as_path) a.as_path = wire::AsPath{};
    return a;
  }
  a.local_pref.reset();
  a.med.reset();  // MED is not passed on to another AS
  a.originator_id.reset();
  a.cluster_list.clear();
  if (!a.as_path) a.as_path = wire::AsPath{};
  auto& segs = a.as_path->segments;
  if (!segs.empty() && segs.front().type == wire::SegmentType::Sequence &&
      segs.front().asns.size() < 255)
    segs.front().asns.insert(segs.front().asns.begin(), to.local_as);
  else
    segs.insert(segs.begin(), {wire::SegmentType::Sequence, {to.local_as}});
  return a;
}

}  // namespace closbgp::session
