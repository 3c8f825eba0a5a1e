#include "bgpd/mrt/rib_dump.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "bgpd/wire/mrt.h"

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
}

void RibDump::append(const wire::Prefix& prefix, std::vector<uint8_t>& out) {
  const rib::LocRib::Entry* e = speaker_.rib().entry(prefix);
  if (!e) return;  // withdrawn since the dump started
  std::vector<wire::mrt::RibEntry> entries;
  for (size_t i = 0; i < e->size(); ++i) {
    const rib::Path& path = e->path(i);
    auto index = peer_index_.find(path.source.peer_id);
    if (index == peer_index_.end()) continue;  // a neighbour newer than the dump
    const bool ours = path.source.peer_id == rib::kLocalSource;
    entries.push_back({index->second, timestamp_, path.source.path_id, path.attributes.get(),
                       ours ? wire::unspecified_next_hop(prefix) : path.next_hop});
  }
  if (!entries.empty()) wire::mrt::rib(timestamp_, sequence_++, prefix, entries, out);
}

std::vector<uint8_t> RibDump::next(size_t max_prefixes) {
  std::vector<uint8_t> out = std::exchange(peer_table_, {});
  // A batch whose prefixes were all withdrawn meanwhile is not the end.
  while (out.empty() && next_ < prefixes_.size()) {
    const size_t end = std::min(prefixes_.size(), next_ + max_prefixes);
    for (; next_ < end; ++next_) append(prefixes_[next_], out);
  }
  return out;
}

}  // namespace closbgp::mrt
