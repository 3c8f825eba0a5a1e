#include "bgpd/api/rib_dump.h"

#include <algorithm>
#include <chrono>

#include "bgpd/wire/mrt.h"

namespace closbgp::api {

RibDump::RibDump(const session::Speaker& speaker)
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
  prefixes_.reserve(speaker.rib().loc_rib().size());
  speaker.rib().loc_rib().entries().for_each(
      [&](const wire::Prefix& prefix, const rib::LocRib::Entry&) { prefixes_.push_back(prefix); });
  // Prefix order, as a dump is read by people and compared between dumps.
  std::sort(prefixes_.begin(), prefixes_.end());
}

std::vector<uint8_t> RibDump::next(size_t max_prefixes) {
  std::vector<uint8_t> out = std::move(peer_table_);
  peer_table_.clear();
  const rib::LocRib& loc = speaker_.rib().loc_rib();
  std::vector<wire::mrt::RibEntry> entries;
  // A batch whose prefixes were all withdrawn meanwhile is not the end.
  for (size_t end = std::min(prefixes_.size(), next_ + max_prefixes); next_ < end; ++next_) {
    const rib::LocRib::Entry* e = loc.find(prefixes_[next_]);
    if (!e) continue;  // withdrawn since the dump started
    entries.clear();
    for (size_t i = 0; i < e->size(); ++i) {
      const rib::Path& path = e->path(i);
      auto index = peer_index_.find(path.source.peer_id);
      if (index == peer_index_.end()) continue;  // a neighbour newer than the dump
      wire::MpNextHop next_hop = path.next_hop;
      if (path.source.peer_id == rib::kLocalSource)  // our own: 0.0.0.0 or ::
        next_hop = {
            *wire::IpAddress::parse(prefixes_[next_].afi() == wire::Afi::Ipv4 ? "0.0.0.0" : "::"),
            std::nullopt};
      entries.push_back({index->second, timestamp_, path.attributes.get(), next_hop});
    }
    if (!entries.empty()) wire::mrt::rib(timestamp_, sequence_++, prefixes_[next_], entries, out);
    if (next_ + 1 == end && out.empty() && end < prefixes_.size())
      end = std::min(prefixes_.size(), end + max_prefixes);
  }
  return out;
}

}  // namespace closbgp::api
