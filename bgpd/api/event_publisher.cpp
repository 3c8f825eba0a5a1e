#include "bgpd/api/event_publisher.h"

#include <map>

#include "bgpd/session/peer_config.h"

namespace closbgp::api {

void EventPublisher::publish(EventKind kind, const std::string& neighbor, const std::string& prefix,
                             const std::string& state, const std::string& detail) {
  if (bus_.watched()) bus_.publish({kind, {}, neighbor, prefix, state, detail, {}});
}

// A neighbour's event carries its description, so a watcher can tell
// "spine1 Eth1/1" from swp1 without a second call.
void EventPublisher::publish_for(EventKind kind, const session::Peer& p, const std::string& state,
                                 const std::string& detail) {
  if (!bus_.watched()) return;
  const auto* n = session::find_neighbor(speaker_.config(), p.identity().config_name);
  bus_.publish({kind, {}, p.identity().name, "", state, detail, n ? n->description : ""});
}

void EventPublisher::peer_changed(const session::Peer& p, const std::string& state,
                                  const std::string& detail) {
  publish_for(EventKind::Peer, p, state, detail);
}

void EventPublisher::bfd_changed(const session::Peer& p, const std::string& state,
                                 const std::string& diag) {
  publish_for(EventKind::Bfd, p, state, diag);
}

// Route events are the default VRF's: the API names no other table yet.
void EventPublisher::routes_changed(const rib::TableId& table,
                                    std::span<const wire::Prefix> prefixes) {
  const rib::Table* t = speaker_.rib().find_table(table);
  if (!bus_.watched() || !t || !table.is_default_vrf()) return;
  std::map<uint32_t, std::string> names{{rib::kLocalSource, "local"}};
  for (const auto& [name, p] : speaker_.peers()) names[p->id()] = name;
  const rib::LocRib& rib = t->loc_rib();
  for (const auto& prefix : prefixes) {
    const rib::LocRib::Entry* e = rib.find(prefix);
    std::string via;
    if (e)
      for (uint16_t i : e->multipath())
        via += (via.empty() ? "via " : ", ") + names[e->path(i).source.peer_id];
    publish(EventKind::Route, "", prefix.to_string(), e ? "best" : "withdrawn", via);
  }
}

void EventPublisher::fib_errors(uint64_t count, const std::string& last) {
  publish(EventKind::Fib, "", "", "error", std::to_string(count) + " failed; last: " + last);
}

}  // namespace closbgp::api
