#include "bgpd/mrt/recorder.h"

#include <chrono>

#include "bgpd/config/monitoring_config.h"
#include "bgpd/log/log.h"
#include "bgpd/session/address.h"

namespace closbgp::mrt {
namespace {

// What may wait for the disk per file: a burst of a full table.
constexpr size_t kMaxQueued = 256u << 20;
constexpr size_t kDumpBatch = 2000;  // prefixes per loop turn

// RFC 6396 sec. 4.4.1's numbering.
constexpr uint16_t kIdle = 1, kOpenConfirm = 5, kEstablished = 6;

uint32_t unix_now() {
  return uint32_t(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

std::shared_ptr<spdlog::logger> logger() {
  static auto l = log::get("mrt");
  return l;
}

}  // namespace

Recorder::Recorder(asio::io_context& io, const session::Speaker& speaker)
    : io_(io), speaker_(speaker), rib_timer_(io) {}

Recorder::~Recorder() = default;

void Recorder::start() {
  config_ = speaker_.config().mrt;
  open_feeds();
}

void Recorder::open_feeds() {
  const std::string& source = speaker_.config().source;
  updates_.reset();
  rib_.reset();
  if (config_.updates)
    updates_ =
        std::make_unique<FileWriter>("updates", config::mrt_path(config_.updates->file, source),
                                     config_.updates->interval, kMaxQueued);
  if (config_.rib)
    rib_ = std::make_unique<FileWriter>("rib", config::mrt_path(config_.rib->file, source),
                                        config_.rib->interval, kMaxQueued);
  arm_rib_dump();
}

std::vector<Recorder::FeedStats> Recorder::stats() const {
  std::vector<FeedStats> out;
  if (updates_) out.push_back({"updates", updates_->stats()});
  if (rib_) out.push_back({"rib", rib_->stats()});
  return out;
}

void Recorder::peer_up(const session::Peer& p) {
  const session::Negotiated* n = p.negotiated();
  const session::SessionSlot* slot = p.established();
  if (!n || !slot || !p.address()) return;
  Session s;
  s.fields.peer_as = n->peer_as;
  s.fields.local_as = speaker_.config().asn;
  s.fields.ifindex = uint16_t(p.identity().ifindex);
  s.fields.peer_address = session::to_wire(*p.address());
  s.fields.local_address = session::to_wire(slot->local_endpoint().address());
  s.encoding = n->encode_context();
  s.received_ids = n->add_path_rx;
  const auto& stored = up_[p.id()] = s;
  if (!updates_) return;
  std::vector<uint8_t> out;
  wire::mrt::bgp4mp_state_change(unix_now(), stored.fields, kOpenConfirm, kEstablished, out);
  updates_->write(unix_now(), std::move(out), 1);
}

void Recorder::peer_down(const session::Peer& p) {
  auto it = up_.find(p.id());
  if (it == up_.end()) return;
  const wire::mrt::Session fields = it->second.fields;
  up_.erase(it);
  if (!updates_) return;
  std::vector<uint8_t> out;
  wire::mrt::bgp4mp_state_change(unix_now(), fields, kEstablished, kIdle, out);
  updates_->write(unix_now(), std::move(out), 1);
}

// The UPDATE is encoded again as the session negotiated it (the daemon
// keeps decoded messages, not their bytes): the same routes and
// attributes, attributes in canonical order.
void Recorder::routes_received(const session::Peer& p, const wire::UpdateMessage& update) {
  if (!updates_) return;
  auto it = up_.find(p.id());
  if (it == up_.end()) return;
  wire::EncodeContext ctx = it->second.encoding;
  ctx.extended_message = true;             // it was received, so it fits as received
  ctx.add_path = it->second.received_ids;  // its path ids, as received
  auto bytes = wire::encode(update, ctx);
  if (!bytes) return;
  std::vector<uint8_t> out;
  const uint32_t now = unix_now();
  wire::mrt::bgp4mp_message(now, it->second.fields, *bytes, out, false, !ctx.add_path.empty());
  updates_->write(now, std::move(out), 1);
}

// What the advertiser wrote, one BGP4MP_MESSAGE_AS4_LOCAL per message.
void Recorder::updates_sent(const session::Peer& p, std::span<const uint8_t> messages) {
  if (!updates_ || !config_.updates->sent) return;
  auto it = up_.find(p.id());
  if (it == up_.end()) return;
  const uint32_t now = unix_now();
  std::vector<uint8_t> out;
  const size_t count = wire::for_each_message(messages, [&](std::span<const uint8_t> m) {
    wire::mrt::bgp4mp_message(now, it->second.fields, m, out, true,
                              !it->second.encoding.add_path.empty());
  });
  updates_->write(now, std::move(out), count);
}

void Recorder::arm_rib_dump() {
  rib_timer_.cancel();
  if (!config_.rib) return;
  // At the next multiple of the interval, as the file names say.
  const uint32_t interval = config_.rib->interval, now = unix_now();
  const uint32_t next = now - now % interval + interval;
  rib_timer_.expires_after(std::chrono::seconds(next - now));
  rib_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    dump_rib();
    arm_rib_dump();
  });
}

void Recorder::dump_rib() {
  if (!rib_) return;
  if (dump_) {
    logger()->warn("rib: the previous dump is still being taken; this one is skipped");
    return;
  }
  dump_ = std::make_unique<RibDump>(speaker_);
  continue_dump(unix_now());
}

void Recorder::continue_dump(uint32_t taken_at) {
  if (!dump_ || !rib_) return;
  auto bytes = dump_->next(kDumpBatch);
  if (bytes.empty()) {
    dump_.reset();
    return;
  }
  rib_->write(taken_at, std::move(bytes), kDumpBatch);
  asio::post(io_, [this, taken_at] { continue_dump(taken_at); });
}

std::vector<std::string> Recorder::reconfigure(const config::Config& next) {
  if (next.mrt == config_) return {};
  std::vector<std::string> changes;
  auto describe = [](const char* feed, const std::optional<config::MrtFeed>& f) {
    return f ? std::string("mrt ") + feed + ": " + f->file + " every " +
                   std::to_string(f->interval) + " s"
             : std::string("mrt ") + feed + ": off";
  };
  if (next.mrt.updates != config_.updates) changes.push_back(describe("updates", next.mrt.updates));
  if (next.mrt.rib != config_.rib) changes.push_back(describe("rib", next.mrt.rib));
  config_ = next.mrt;
  dump_.reset();
  open_feeds();
  return changes;
}

}  // namespace closbgp::mrt
