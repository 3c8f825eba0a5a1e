// The BGP finite state machine (RFC 4271 sec. 8) for one TCP connection, as
// a pure function of (session, event, now) that returns actions. Timers are
// deadlines in the session; the driver arms real timers from them and turns
// their expiry into events. No sockets, no clock reads, no logging.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bgpd/wire/codec.h"

namespace closbgp::session {

using Clock = std::chrono::steady_clock;

enum class State : uint8_t { Idle, Connect, Active, OpenSent, OpenConfirm, Established };
std::string_view state_name(State s);

// Which peer AS we accept (the config's remote-as).
struct PeerAsRule {
  enum class Kind { External, Internal, Number } kind = Kind::External;
  uint32_t asn = 0;
};

// What we are and offer; fixed for the life of a session.
struct LocalConfig {
  uint32_t asn = 0;
  uint32_t router_id = 0;  // host order
  PeerAsRule peer_as;
  uint16_t hold_time = 9;
  uint16_t keepalive = 3;
  uint16_t connect_retry = 10;
  bool passive = false;  // never connect; wait for the peer
  std::string hostname;  // sent in the FQDN capability, as FRR does
  // Graceful restart (RFC 4724 with RFC 8538's N bit), offered unless 0.
  uint16_t gr_restart_time = 0;
  bool gr_restarting = false;    // R and F bits: we restarted, the kernel's routes kept
  uint32_t gr_stale_time = 360;  // a restarted peer's old paths wait this long for End-of-RIB
  // A lost session (TCP, hold timer) keeps the paths of a neighbour with
  // graceful restart too, not only a restart it announced (RFC 4724).
  bool gr_help_failures = false;
  // Long-lived graceful restart (RFC 9494): how long helpers may keep our
  // paths, least preferred, once the restart time has run out; offered
  // (with graceful restart) unless 0.
  uint32_t llgr_stale_time = 0;
  // Add-path (RFC 7911) offered for IPv4 and IPv6 unicast: to receive
  // several paths per prefix, to send them.
  bool add_path_receive = false, add_path_send = false;
  // L2VPN EVPN (AFI 25, SAFI 70) offered besides IPv4 and IPv6 unicast.
  bool evpn = false;
};

// The result of a successful OPEN exchange.
struct Negotiated {
  uint32_t peer_as = 0;
  uint32_t peer_router_id = 0;
  uint16_t hold_time = 0;  // 0: no keepalives, no hold timer
  uint16_t keepalive = 0;
  wire::FamilySet families;
  bool four_octet_as = false;
  bool extended_message = false;
  bool route_refresh = false;
  bool ipv4_via_ipv6 = false;  // RFC 8950 negotiated for IPv4 unicast
  bool ebgp = true;
  std::string peer_hostname;
  // Graceful restart, when both offered it: the peer's restart time,
  // whether both set the N bit (a Cease other than Hard Reset is then a
  // planned restart), the families its capability lists (whose paths a
  // helper keeps) and those whose forwarding it kept (F bit).
  bool graceful_restart = false;
  bool gr_notification = false;
  uint16_t peer_restart_time = 0;
  wire::FamilySet peer_gr_families;
  wire::FamilySet peer_forwarding_kept;
  bool we_restarted = false;  // our R bit
  // Its OPEN carried the graceful restart capability without the R bit:
  // it sends End-of-RIB once its initial table is out (RFC 4724 sec. 2),
  // whether or not we offered the capability. One that is restarting may
  // hold End-of-RIB back until it has everyone's.
  bool peer_sends_end_of_rib = false;
  // Long-lived graceful restart (RFC 9494), when both offered it: per
  // family the peer listed, how long its paths may stay once its restart
  // time has run out (the lower of its time and ours), and whether it kept
  // their forwarding (F bit).
  std::vector<std::pair<wire::Family, uint32_t>> peer_llgr;
  wire::FamilySet peer_llgr_forwarding_kept;
  // Add-path: the families whose NLRI carry path ids, as received (we
  // offered to receive, it to send) and as sent (the other way round).
  wire::FamilySet add_path_rx, add_path_tx;
  // The OPENs exchanged (BMP's Peer Up repeats them).
  wire::OpenMessage sent_open, received_open;

  wire::DecodeContext decode_context() const;
  wire::EncodeContext encode_context() const;
};

struct Session {
  State state = State::Idle;
  LocalConfig local;
  Negotiated negotiated;  // valid from OpenConfirm on
  std::optional<Clock::time_point> connect_retry_at, hold_at, keepalive_at;
  uint32_t connect_retry_count = 0;
  std::string last_error;             // why the session last went down
  uint64_t rng = 0x9e3779b97f4a7c15;  // for connect-retry jitter; seed per session
};

namespace event {
struct Start {};  // ManualStart (or automatic start after an error)
struct Stop {     // ManualStop: Cease with this subcode
  // hard_reset: wrapped in a Hard Reset (RFC 8538), so that a peer which
  // negotiated the N bit drops our routes instead of keeping them stale.
  // `msg`: the RFC 9003 text of Administrative Shutdown and Reset; `data`:
  // the NOTIFICATION data of other subcodes (RFC 4486's maximum prefixes).
  explicit Stop(uint8_t subcode = wire::cease::kAdminShutdown, std::string msg = "",
                bool hard = false, std::vector<uint8_t> notification_data = {})
      : cease_subcode(subcode),
        message(std::move(msg)),
        hard_reset(hard),
        data(std::move(notification_data)) {}
  uint8_t cease_subcode;
  std::string message;
  bool hard_reset;
  std::vector<uint8_t> data;
};
struct TcpConnected {};  // our connect() completed
struct TcpAccepted {};   // an inbound connection was attached to this session
struct TcpFailed {
  std::string why;
};
struct ConnectRetryExpired {};
// `input_waiting`: what the peer sent waits unread (the loop woke late and
// found the hold timer due first).
struct HoldExpired {
  bool input_waiting = false;
};
struct KeepaliveDue {};
struct OpenReceived {
  wire::OpenMessage open;
};
struct KeepaliveReceived {};
struct UpdateReceived {};  // the driver hands the decoded UPDATE to the RIB if Established
struct NotificationReceived {
  wire::NotificationMessage notification;
};
struct RouteRefreshReceived {};
struct BadMessage {  // the codec rejected what the peer sent
  wire::DecodeError error;
};
struct BfdDown {  // BFD saw the path fail (Up -> Down)
  std::string why;
};
}  // namespace event

using Event = std::variant<event::Start, event::Stop, event::TcpConnected, event::TcpAccepted,
                           event::TcpFailed, event::ConnectRetryExpired, event::HoldExpired,
                           event::KeepaliveDue, event::OpenReceived, event::KeepaliveReceived,
                           event::UpdateReceived, event::NotificationReceived,
                           event::RouteRefreshReceived, event::BadMessage, event::BfdDown>;

namespace action {
struct Connect {};     // start a TCP connection to the peer
struct Disconnect {};  // close the TCP connection (after sending what is queued)
struct Send {
  wire::Message message;
};
struct Established {};  // the session came up: advertise, count uptime
// Why a session left Established, as BMP's Peer Down tells it: which end
// ended it, and the NOTIFICATION that said why, if one was sent.
struct DownCause {
  bool by_us = false;
  std::optional<wire::NotificationMessage> notification;
};
struct Down {  // the session left Established: withdraw its routes
  std::string reason;
  DownCause cause;
};
}  // namespace action

using Action = std::variant<action::Connect, action::Disconnect, action::Send, action::Established,
                            action::Down>;

std::vector<Action> step(Session& s, const Event& e, Clock::time_point now);

// What a session negotiated, as the API names it ("ipv4-unicast",
// "route-refresh", "graceful-restart", ...).
std::vector<std::string> capability_names(const Negotiated& n);

// xorshift64: the session's jitter source (`Session::rng` is the state).
uint64_t next_random(uint64_t& state);

// The OPEN we send, and the checks on the one we receive (RFC 4271 6.2,
// RFC 6793, RFC 4760, RFC 8950).
wire::OpenMessage make_open(const LocalConfig& local);
std::expected<Negotiated, wire::DecodeError> negotiate(const LocalConfig& local,
                                                       const wire::OpenMessage& theirs);

// RFC 4271 sec. 10: the hold time while waiting for the peer's OPEN.
inline constexpr std::chrono::seconds kOpenSentHoldTime{240};
// How long a hold timer that found unread input waits for the read.
inline constexpr std::chrono::milliseconds kUnreadInputGrace{500};

}  // namespace closbgp::session
