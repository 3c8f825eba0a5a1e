// A neighbour's connections: the one we open and the one it opens, each
// with its own FSM (as in BIRD). RFC 4271 sec. 6.8 collision detection
// keeps one; the established one carries the routes. This class drives
// the FSMs (events in, actions out, timers, retries with jitter) and tells
// its Peer what the session did; the Peer decides what that means for the
// neighbour (routes, BFD, graceful restart, max-prefix).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/net/time_source.h"
#include "bgpd/session/fsm.h"
#include "bgpd/session/restart_helper.h"
#include "bgpd/session/session_slot.h"
#include "bgpd/session/socket_options.h"
#include "bgpd/session/transport.h"

namespace closbgp::session {

class SessionPair {
 public:
  // What the pair asks of, and tells, the neighbour it belongs to.
  class Owner {
   public:
    virtual ~Owner() = default;
    // Outbound connections may be opened: enabled, address known, not
    // passive, BFD allows.
    virtual bool may_connect() const = 0;
    virtual const std::optional<asio::ip::address>& address() const = 0;
    // How its UPDATEs are decoded under `n` (the path-attribute filter).
    virtual wire::DecodeContext decode_context(const Negotiated& n) const = 0;
    virtual void session_established(SessionSlot& slot) = 0;
    // `kept`: whether, and why, graceful restart keeps its paths.
    virtual void session_down(SessionSlot& slot, const std::string& reason,
                              RestartHelper::Kept kept) = 0;
    virtual void update_received(wire::UpdateMessage& update) = 0;
    virtual void refresh_requested() = 0;
  };

  SessionPair(net::TimeSource& time, Transports& transports, std::string name,
              SocketSettings settings, const LocalConfig& local, Owner& owner);

  // Opens the outbound connection within `within` (random jitter).
  void connect_soon(std::chrono::milliseconds within);
  // The neighbour's address changed: a session not yet up starts again.
  void address_changed();
  // Starts the outbound connection now if it is idle (strict BFD came
  // up); false if it was already under way.
  bool start_outbound();
  // Stops both connections; `planned` keeps graceful restart's promise,
  // otherwise a Cease goes inside a Hard Reset where negotiated.
  void stop(uint8_t cease_subcode, const std::string& message, bool planned,
            const std::vector<uint8_t>& data);
  // BFD says the path is dead: the established session goes down.
  void bfd_down(const std::string& why);
  // An inbound connection from the neighbour.
  void accept(std::shared_ptr<Transport> transport);
  // Refuses an inbound connection with a Cease of `subcode`.
  static void refuse(Transport& transport, uint8_t subcode);
  // The path-attribute filter changed: sessions past OPEN decode with the new one.
  void decode_context_changed();
  // ROUTE-REFRESH for every family of the established session; false
  // when the neighbour does not support it.
  bool request_refresh();
  void pause_reading(bool paused);
  void send(std::vector<uint8_t> bytes, size_t messages);

  const SessionSlot* established() const;
  // The more advanced of the two connections.
  const SessionSlot& leading() const { return in_.fsm.state > out_.fsm.state ? in_ : out_; }
  Clock::time_point state_since() const { return state_since_; }
  const std::string& last_error() const { return last_error_; }
  // Why the established session last went down.
  const action::DownCause& last_down() const { return last_down_; }
  uint64_t messages_received() const { return out_.messages_received() + in_.messages_received(); }
  uint64_t messages_sent() const { return out_.messages_sent() + in_.messages_sent(); }

 private:
  void reset_inbound();
  void handle(SessionSlot& slot, const Event& e);
  void execute(SessionSlot& slot, Action& a);
  void arm_timer(SessionSlot& slot);
  void on_timer(SessionSlot& slot);
  void resolve_collision(SessionSlot& opened);
  bool keeps_incoming(uint32_t peer_router_id) const;
  bool loses_collision(SessionSlot& slot, const wire::OpenMessage& open);
  // `conn` becomes `slot`'s: its messages and failures come here.
  void take(SessionSlot& slot, std::shared_ptr<Transport> conn);
  void on_message(SessionSlot& slot, wire::Message&& m);
  void log_transition(const SessionSlot& slot, const Event& e, State before);
  SessionSlot& other(SessionSlot& s) { return &s == &out_ ? in_ : out_; }

  net::TimeSource& time_;
  Transports& transports_;
  std::string name_;
  SocketSettings settings_;
  LocalConfig local_;
  Owner& owner_;
  SessionSlot out_, in_;
  bool reading_paused_ = false;
  // Whether the event being handled keeps the paths if the session goes down.
  RestartHelper::Kept down_keeps_ = RestartHelper::Kept::No;
  Clock::time_point state_since_;
  std::string last_error_;
  action::DownCause last_down_;
};

}  // namespace closbgp::session
