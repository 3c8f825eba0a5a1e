#include "bgpd/mrt/rib_dump.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace closbgp::mrt {

RibDump::RibDump(const session::Speaker& speaker, std::optional<wire::Family> family)
    : speaker_(speaker),
      timestamp_(uint32_t(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()))) {
  const auto& cfg = speaker.config();
  const uint32_t router_id = cfg.router_id.is_v4() ? cfg.router_id.v4_host_order() : 0;
  std::vector<wire::mrt::Peer> peers{{router_id, *wire::IpAddress::parse("0.0.0.0"), cfg.asn}};
  peer_index_[rib::kLocalSource] = 0;
  for (const auto& [name, p] : speaker.peers()) {
    const session::PeerStatus s = p->status();
    wire::mrt::Peer peer{0, *wire::IpAddress::parse("::"), 0};
    if (s.address)
      if (auto a = wire::IpAddress::parse(*s.address)) peer.address = *a;
    if (s.negotiated) {
      peer.bgp_id = s.negotiated->peer_router_id;
      peer.asn = s.negotiated->peer_as;
    }
    peer_index_[p->id()] = uint16_t(peers.size());
    peers.push_back(peer);
  }
  wire::mrt::peer_index_table(timestamp_, router_id, "closbgpd", peers, peer_table_);
  const rib::Rib& rib = speaker.rib();
  for (const rib::Table* table : rib.default_vrf()) {
    if (family && table->id().family != *family) continue;
    const auto& entries = table->loc_rib().entries();
    prefixes_.reserve(prefixes_.size() + entries.size());
    entries.for_each([&](const wire::Prefix& prefix, const rib::LocRib::Entry&) {
      prefixes_.push_back(prefix);
    });
  }
  // Prefix order, as a dump is read by people and compared between dumps.
  std::sort(prefixes_.begin(), prefixes_.end());
  if (family && *family != wire::Family::L2vpnEvpn) return;
  evpn_.reserve(rib.evpn().size());
  for (const auto& [key, entry] : rib.evpn().entries()) evpn_.push_back(key);  // in key order
}

std::optional<wire::mrt::RibEntry> RibDump::entry_of(const rib::Path& path,
                                                     const wire::Prefix* prefix) const {
  auto index = peer_index_.find(path.source.peer_id);
  if (index == peer_index_.end()) return std::nullopt;  // a neighbour newer than the dump
  // Our unicast paths have no next hop: the family's unspecified address.
  const bool ours = path.source.peer_id == rib::kLocalSource && prefix;
  return wire::mrt::RibEntry{index->second, timestamp_, path.source.path_id, path.attributes.get(),
                             ours ? wire::unspecified_next_hop(*prefix) : path.next_hop};
}

void RibDump::append(const wire::Prefix& prefix, std::vector<uint8_t>& out) {
  const rib::LocRib::Entry* e = speaker_.rib().entry(prefix);
  if (!e) return;  // withdrawn since the dump started
  std::vector<wire::mrt::RibEntry> entries;
  for (size_t i = 0; i < e->size(); ++i)
    if (auto entry = entry_of(e->path(i), &prefix)) entries.push_back(*entry);
  if (!entries.empty()) wire::mrt::rib(timestamp_, sequence_++, prefix, entries, out);
}

void RibDump::append_evpn(const rib::EvpnTable::Key& key, std::vector<uint8_t>& out) {
  const rib::EvpnTable::Entry* e = speaker_.rib().evpn().find(key);
  if (!e) return;  // withdrawn since the dump started
  // Paths with the same labels share a record, in the order of the first.
  std::vector<std::pair<const rib::EvpnTable::Candidate*, std::vector<wire::mrt::RibEntry>>>
      records;
  for (const auto& c : e->candidates) {
    auto entry = entry_of(*c.path, nullptr);
    if (!entry) continue;
    auto same =
        std::ranges::find_if(records, [&](const auto& r) { return r.first->fields == c.fields; });
    if (same == records.end()) same = records.insert(same, {&c, {}});
    same->second.push_back(*entry);
  }
  for (const auto& [c, entries] : records)
    wire::mrt::rib_evpn(timestamp_, sequence_++, c->route(key), entries, out);
}

std::vector<uint8_t> RibDump::next(size_t max_prefixes) {
  std::vector<uint8_t> out = std::exchange(peer_table_, {});
  // A batch whose prefixes were all withdrawn meanwhile is not the end.
  const size_t total = prefixes_.size() + evpn_.size();
  while (out.empty() && next_ < total) {
    const size_t end = std::min(total, next_ + max_prefixes);
    for (; next_ < end; ++next_)
      if (next_ < prefixes_.size())
        append(prefixes_[next_], out);
      else
        append_evpn(evpn_[next_ - prefixes_.size()], out);
  }
  return out;
}

}  // namespace closbgp::mrt
