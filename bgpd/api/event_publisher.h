// What WatchEvents streams: the Speaker's sessions, BFD, best paths and FIB
// errors, published on the event bus as they happen (main loop).
#pragma once

#include "bgpd/api/event_bus.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

class EventPublisher final : public session::SpeakerObserver {
 public:
  EventPublisher(const session::Speaker& speaker, EventBus& bus) : speaker_(speaker), bus_(bus) {}

  bool listening() const override { return bus_.watched(); }
  void peer_changed(const session::Peer& p, const std::string& state,
                    const std::string& detail) override;
  void bfd_changed(const session::Peer& p, const std::string& state,
                   const std::string& diag) override;
  // Each prefix's new best path: the neighbours of its ECMP set.
  void routes_changed(const rib::TableId& table, std::span<const wire::Prefix> prefixes) override;
  void fib_errors(uint64_t count, const std::string& last) override;

 private:
  void publish_for(EventKind kind, const session::Peer& p, const std::string& state,
                   const std::string& detail);
  void publish(EventKind kind, const std::string& neighbor, const std::string& prefix,
               const std::string& state, const std::string& detail);

  const session::Speaker& speaker_;
  EventBus& bus_;
};

}  // namespace closbgp::api
