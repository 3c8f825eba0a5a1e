// Who hears what the speaker does, as it happens (the API's WatchEvents):
// sessions, BFD, best paths, FIB errors. Called on the main loop.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bgpd/wire/ip.h"
#include "rib/table.h"

namespace closbgp::session {

class Peer;

class SpeakerObserver {
 public:
  virtual ~SpeakerObserver() = default;
  // Whether anyone listens: nothing is built for nobody.
  virtual bool listening() const = 0;
  // "established", "down" or "restarting"; `detail`: the AS, or why.
  virtual void peer_changed(const Peer& p, const std::string& state, const std::string& detail) = 0;
  virtual void bfd_changed(const Peer& p, const std::string& state, const std::string& diag) = 0;
  // These prefixes' best path or ECMP set changed.
  virtual void routes_changed(const rib::TableId& table,
                              std::span<const wire::Prefix> prefixes) = 0;
  virtual void fib_errors(uint64_t count, const std::string& last) = 0;
};

}  // namespace closbgp::session
