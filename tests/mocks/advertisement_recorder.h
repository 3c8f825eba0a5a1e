// A fake session layer for the RIB engine: records every advertisement,
// decoded into plain lists per member, instead of encoding it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rib/advertisement.h"

namespace closbgp::mocks {

class AdvertisementRecorder final : public rib::AdvertisementSink {
 public:
  // A prefix's text, with "#<path id>" when it has one (add-path).
  static std::string key(const wire::Nlri& n) {
    return n.prefix.to_string() + (n.path_id ? "#" + std::to_string(n.path_id) : "");
  }
  // An EVPN route as FRR shows it, RD first, with its labels when it has some:
  // "10.0.0.1:2:[3]:[0]:[32]:[10.0.0.1]", "...:[2]:...:[10.1.1.10] vni 100".
  static std::string evpn_key(const wire::EvpnRoute& r) {
    std::string k = r.rd.to_string() + ":" + wire::evpn_route_text(r);
    for (uint32_t label : r.labels) k += " vni " + std::to_string(label);
    return k;
  }
  struct Sent {
    std::map<std::string, wire::PathAttributes> announced;  // by key()
    // The next hop an announcement keeps (rib::Variant::next_hop), by key().
    std::map<std::string, std::optional<wire::IpAddress>> next_hops;
    std::vector<std::string> withdrawn;
    // EVPN routes by evpn_key(): attributes and next hop, and withdrawals.
    std::map<std::string, std::pair<wire::PathAttributes, wire::IpAddress>> evpn_announced;
    std::vector<std::string> evpn_withdrawn;
    std::vector<wire::Family> end_of_rib;
    size_t advertisements = 0;
  };

  void advertise(rib::SourceId to, const rib::Advertisement& what) override {
    Sent& s = sent_[to];
    ++s.advertisements;
    for (const auto& [family, nlri] : what.withdraw)
      for (const auto& n : nlri) s.withdrawn.push_back(key(n));
    for (size_t v = 0; v < what.announce.size(); ++v)
      for (const auto& n : what.announce[v]) {
        s.announced[key(n)] = what.variants[v].attributes;
        s.next_hops[key(n)] = what.variants[v].next_hop;
      }
    for (size_t v = 0; v < what.evpn_announce.size(); ++v)
      for (const auto& r : what.evpn_announce[v])
        s.evpn_announced[evpn_key(r)] = {what.variants[v].attributes,
                                         what.variants[v].next_hop.value_or(wire::IpAddress{})};
    for (const auto& r : what.evpn_withdraw) s.evpn_withdrawn.push_back(evpn_key(r));
    s.end_of_rib.insert(s.end_of_rib.end(), what.end_of_rib.begin(), what.end_of_rib.end());
  }

  // What member `id` was sent since the last take().
  Sent take(rib::SourceId id) {
    Sent s = std::move(sent_[id]);
    sent_.erase(id);
    return s;
  }
  bool nothing_for(rib::SourceId id) const { return !sent_.contains(id); }

 private:
  std::map<rib::SourceId, Sent> sent_;
};

}  // namespace closbgp::mocks
