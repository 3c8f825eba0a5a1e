// The MRT files the configuration asks for (mrt: updates, rib): every
// UPDATE a neighbour sends as a BGP4MP_MESSAGE_AS4 record, with its
// session's state changes (BGP4MP_STATE_CHANGE_AS4), and the Loc-RIB as a
// TABLE_DUMP_V2 file every interval, taken in batches on the main loop.
// Files are written by FileWriter threads. Main loop only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/mrt/file_writer.h"
#include "bgpd/mrt/rib_dump.h"
#include "bgpd/session/route_monitor.h"
#include "bgpd/session/speaker.h"
#include "bgpd/wire/mrt.h"

namespace closbgp::mrt {

class Recorder final : public session::RouteMonitor {
 public:
  Recorder(asio::io_context& io, const session::Speaker& speaker);
  ~Recorder() override;

  void start();
  struct FeedStats {
    std::string feed;  // "updates", "rib"
    FileWriter::Stats stats;
  };
  std::vector<FeedStats> stats() const;

  // session::RouteMonitor
  void peer_up(const session::Peer& p) override;
  void peer_down(const session::Peer& p) override;
  void routes_received(const session::Peer& p, const wire::UpdateMessage& update) override;
  void updates_sent(const session::Peer& p, std::span<const uint8_t> messages) override;
  void policy_applied(const session::Peer&) override {}
  void best_changed(const rib::TableId&, std::span<const wire::Prefix>) override {}
  std::vector<std::string> reconfigure(const config::Config& next) override;

 private:
  // An established session: its record fields and how its messages are encoded.
  struct Session {
    wire::mrt::Session fields;
    wire::EncodeContext encoding;  // as we send
    wire::FamilySet received_ids;  // families it sends path ids in (add-path)
  };
  void open_feeds();
  void arm_rib_dump();
  void dump_rib();
  void continue_dump(uint32_t taken_at);

  asio::io_context& io_;
  const session::Speaker& speaker_;
  config::Mrt config_;
  std::unique_ptr<FileWriter> updates_, rib_;
  std::map<rib::SourceId, Session> up_;
  asio::steady_timer rib_timer_;
  std::unique_ptr<RibDump> dump_;  // under way
};

}  // namespace closbgp::mrt
