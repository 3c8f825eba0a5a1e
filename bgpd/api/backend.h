// What the API shows, as plain data: the gRPC layer converts it to protobuf,
// so nothing outside bgpd/api includes gRPC. Read on the main loop only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace closbgp::api {

enum class PeerState { Idle, Connect, Active, OpenSent, OpenConfirm, Established };

struct PeerView {
  std::string interface;
  std::string address;
  std::string remote_as_config;
  uint32_t remote_as = 0;
  PeerState state = PeerState::Idle;
  uint64_t uptime_seconds = 0;
  uint64_t messages_received = 0, messages_sent = 0;
  uint64_t prefixes_received = 0, prefixes_accepted = 0, prefixes_sent = 0;
  std::string last_error;
};

struct SummaryView {
  std::string router_id;
  uint32_t local_as = 0;
  std::vector<PeerView> peers;
};

// Implemented by whatever owns the protocol state (the session manager).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual SummaryView summary() const = 0;
};

}  // namespace closbgp::api
