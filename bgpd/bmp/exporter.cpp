#include "bgpd/bmp/exporter.h"

#include <algorithm>
#include <chrono>

#include "bgpd/log/log.h"
#include "bgpd/session/address.h"
#include "bgpd/version.h"

namespace closbgp::bmp {
namespace {

// Prefixes per batch of a table sent to a connecting collector, and
// batches per loop turn: a million routes never hold the loop long.
constexpr size_t kSyncBatch = 2048;
constexpr int kBatchesPerTurn = 4;

std::shared_ptr<spdlog::logger> logger() {
  static auto l = log::get("bmp");
  return l;
}

void stamp(wire::bmp::PeerHeader& h, std::chrono::system_clock::time_point t) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  h.seconds = uint32_t(us / 1000000);
  h.microseconds = uint32_t(us % 1000000);
}

std::vector<uint8_t> encoded(const wire::Message& m) {
  auto bytes = wire::encode(m, wire::EncodeContext{});
  return bytes ? std::move(*bytes) : std::vector<uint8_t>{};
}

// RFC 7854 sec. 4.9: who ended the session, and the NOTIFICATION if one went.
void append_peer_down(const wire::bmp::PeerHeader& h, const session::action::DownCause& cause,
                      std::vector<uint8_t>& out) {
  using wire::bmp::DownReason;
  if (cause.notification) {
    wire::bmp::peer_down(
        h, cause.by_us ? DownReason::LocalNotification : DownReason::RemoteNotification,
        encoded(*cause.notification), out);
  } else if (cause.by_us) {
    const uint8_t no_fsm_event[2] = {0, 0};
    wire::bmp::peer_down(h, DownReason::LocalNoNotification, no_fsm_event, out);
  } else {
    wire::bmp::peer_down(h, DownReason::RemoteNoNotification, {}, out);
  }
}

// Whether the Loc-RIB may hold EVPN routes: a leaf's VNIs, or a neighbour
// that negotiates L2VPN EVPN.
bool carries_evpn(const config::Config& cfg) {
  return cfg.evpn.advertise_all_vni ||
         std::ranges::any_of(cfg.neighbors, [](const config::Neighbor& n) { return n.evpn; });
}

// The End-of-RIB markers of a dumped view: its unicast families of `set`,
// then EVPN's if its EVPN routes were dumped.
std::vector<wire::Family> end_of_rib(wire::FamilySet set, bool evpn) {
  std::vector<wire::Family> out;
  for (auto f : wire::kAllFamilies)
    if (set.has(f)) out.push_back(f);
  if (evpn) out.push_back(wire::Family::L2vpnEvpn);
  return out;
}

}  // namespace

Exporter::Exporter(asio::io_context& io, const session::Speaker& speaker)
    : io_(io), speaker_(speaker), time_(io), statistics_timer_(time_.timer()) {}

Exporter::~Exporter() = default;

void Exporter::start() {
  config_ = speaker_.config().bmp;
  for (const auto& c : config_.collectors) open(c);
  arm_statistics();
}

void Exporter::open(const config::BmpCollector& where) {
  auto station = std::make_unique<Station>();
  Station* s = station.get();
  const std::string name = where.name;
  station->link = std::make_unique<Collector>(
      io_, time_, where, size_t(config_.buffer_kib) * 1024,
      Collector::Handlers{[this, s] { connected(*s); }, [this, name] { continue_sync(name); }});
  stations_[name] = std::move(station);
  s->link->start();
  logger()->info("collector {}: connecting to {}", name, s->link->status().address);
}

void Exporter::stop() {
  statistics_timer_->cancel();
  std::vector<uint8_t> bye;
  wire::bmp::termination(wire::bmp::termination_reason::kAdminClose, "closbgpd shutting down", bye);
  for (auto& [name, s] : stations_) s->link->finish(bye);
}

std::vector<Collector::Status> Exporter::status() const {
  std::vector<Collector::Status> out;
  for (const auto& [name, s] : stations_) out.push_back(s->link->status());
  return out;
}

bool Exporter::anyone_connected() const {
  for (const auto& [name, s] : stations_)
    if (s->link->up()) return true;
  return false;
}

void Exporter::broadcast(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  for (auto& [name, s] : stations_)
    if (s->link->up()) s->link->send(bytes);
}

wire::bmp::PeerHeader Exporter::header(const Neighbor& n, bool post) const {
  wire::bmp::PeerHeader h = n.header;
  h.post_policy = post;
  stamp(h, std::chrono::system_clock::now());
  return h;
}

wire::bmp::PeerHeader Exporter::loc_rib_header() const {
  wire::bmp::PeerHeader h;
  h.type = wire::bmp::PeerType::LocRib;
  h.asn = speaker_.config().asn;
  h.bgp_id = speaker_.config().router_id.v4_host_order();
  stamp(h, std::chrono::system_clock::now());
  return h;
}

// RFC 9069 sec. 5.3: no addresses or ports, an OPEN of our own as both
// OPENs (it says which families the Loc-RIB carries), the table's name.
void Exporter::loc_rib_peer_up(std::vector<uint8_t>& out) const {
  const auto& cfg = speaker_.config();
  wire::OpenMessage open;
  open.my_as = cfg.asn > 0xffff ? 23456 : uint16_t(cfg.asn);  // AS_TRANS (RFC 6793)
  open.bgp_id = cfg.router_id.v4_host_order();
  open.capabilities.four_octet_as = cfg.asn;
  open.capabilities.multiprotocol = {{1, 1}, {2, 1}};
  if (carries_evpn(cfg)) open.capabilities.multiprotocol.push_back({25, 70});
  wire::bmp::PeerUp up;
  up.local_address = wire::IpAddress::v4(0);
  up.sent_open = up.received_open = encoded(open);
  up.information = {{wire::bmp::info::kTableName, "default"}};
  wire::bmp::peer_up(loc_rib_header(), up, out);
}

void Exporter::connected(Station& s) {
  std::vector<uint8_t> out;
  const std::vector<wire::bmp::InfoTlv> about{
      {wire::bmp::info::kSysDescr, std::string("closbgpd ") + kVersion},
      {wire::bmp::info::kSysName, asio::ip::host_name()}};
  wire::bmp::initiation(about, out);
  for (const auto& [id, n] : up_) wire::bmp::peer_up(n.header, n.up, out);
  if (config_.loc_rib) loc_rib_peer_up(out);
  s.link->send(out);
  s.sync = new_sync();
  for (const auto& [id, n] : up_) {
    const bool evpn = n.families.has(wire::Family::L2vpnEvpn);
    // The EVPN table holds what a neighbour's EVPN route-map-in left: as
    // received only without one. With one, its pre-policy EVPN routes go
    // out live only (and no End-of-RIB says that view is whole).
    const bool pre_evpn = evpn && evpn_as_received(n);
    if (config_.pre_policy)
      s.sync->add({View::PrePolicy, id, header(n, false), end_of_rib(n.families, pre_evpn), false,
                   n.ids, pre_evpn});
    if (config_.post_policy)
      s.sync->add({View::PostPolicy, id, header(n, true), end_of_rib(n.families, evpn), false,
                   n.ids, evpn});
  }
  if (config_.loc_rib) {
    const bool evpn = carries_evpn(speaker_.config());
    s.sync->add({View::LocRib,
                 rib::kLocalSource,
                 loc_rib_header(),
                 end_of_rib({wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast}, evpn),
                 false,
                 {},
                 evpn});
  }
  continue_sync(s.link->config().name);
}

std::unique_ptr<TableSync> Exporter::new_sync() const {
  return std::make_unique<TableSync>(speaker_.rib(),
                                     [this](rib::SourceId id) { return up_.contains(id); });
}

void Exporter::continue_sync(const std::string& name) {
  auto it = stations_.find(name);
  if (it == stations_.end()) return;
  Station& s = *it->second;
  if (!s.sync || !s.link->up()) return;
  for (int i = 0; i < kBatchesPerTurn && !s.sync->done() && s.link->room_for_tables() > 0; ++i) {
    std::vector<uint8_t> out;
    s.sync->next(kSyncBatch, s.link->room_for_tables(), out);
    s.link->send(out);
  }
  if (!s.sync->done()) {
    // More while it has room now; else when its writes drain it.
    if (s.link->room_for_tables() > 0) asio::post(io_, [this, name] { continue_sync(name); });
    return;
  }
  s.sync.reset();
  logger()->info("collector {}: tables sent; live changes follow", name);
}

void Exporter::peer_up(const session::Peer& p) {
  const session::Negotiated* n = p.negotiated();
  const session::SessionSlot* slot = p.established();
  if (!n || !slot || !p.address()) return;
  Neighbor nb;
  nb.name = p.identity().name;
  nb.header.address = session::to_wire(*p.address());
  nb.header.asn = n->peer_as;
  nb.header.bgp_id = n->peer_router_id;
  stamp(nb.header, std::chrono::system_clock::now());
  const auto local = slot->local_endpoint(), remote = slot->remote_endpoint();
  nb.up.local_address = session::to_wire(local.address());
  nb.up.local_port = local.port();
  nb.up.remote_port = remote.port();
  nb.up.sent_open = encoded(n->sent_open);
  nb.up.received_open = encoded(n->received_open);
  const std::string& interface = p.identity().interface;
  nb.up.information.push_back({wire::bmp::info::kString, interface.empty()
                                                             ? "neighbor " + nb.name
                                                             : "interface " + interface});
  nb.families = n->families;
  nb.ids = n->add_path_rx;
  auto& stored = up_[p.id()] = std::move(nb);
  if (!anyone_connected()) return;
  std::vector<uint8_t> out;
  wire::bmp::peer_up(stored.header, stored.up, out);
  broadcast(out);
}

void Exporter::peer_down(const session::Peer& p) {
  auto it = up_.find(p.id());
  if (it == up_.end()) return;
  const wire::bmp::PeerHeader h = header(it->second, false);
  up_.erase(it);
  if (!anyone_connected()) return;
  std::vector<uint8_t> out;
  append_peer_down(h, p.last_down(), out);
  broadcast(out);
}

void Exporter::routes_received(const session::Peer& p, const wire::UpdateMessage& update) {
  if (!(config_.pre_policy || config_.post_policy) || !anyone_connected()) return;
  auto it = up_.find(p.id());
  if (it == up_.end()) return;
  const auto nlri = nlri_of(update);
  const Neighbor& nb = it->second;
  std::vector<uint8_t> out;
  const auto evpn = evpn_keys_of(update);
  if (config_.pre_policy) {
    append_routes(speaker_.rib(), View::PrePolicy, p.id(), header(nb, false), nlri, out, true,
                  nb.ids);
    if (!evpn.empty()) append_received_evpn(header(nb, false), update, out);
  }
  if (config_.post_policy) {
    append_routes(speaker_.rib(), View::PostPolicy, p.id(), header(nb, true), nlri, out, true,
                  nb.ids);
    if (!evpn.empty())
      append_evpn_routes(speaker_.rib(), View::PostPolicy, p.id(), header(nb, true), evpn, out);
  }
  broadcast(out);
}

bool Exporter::evpn_as_received(const Neighbor& n) const {
  auto p = speaker_.peers().find(n.name);
  return p != speaker_.peers().end() && !p->second->policy().routing.evpn_in;
}

void Exporter::policy_applied(const session::Peer& p) {
  auto it = up_.find(p.id());
  if (!config_.post_policy || it == up_.end()) return;
  for (auto& [name, s] : stations_) {
    if (!s->link->up()) continue;
    if (!s->sync) s->sync = new_sync();
    s->sync->add({View::PostPolicy, p.id(), header(it->second, true), {}, true, it->second.ids});
    continue_sync(name);
  }
}

// The Loc-RIB monitored is the default VRF's (RFC 9069 table "default").
void Exporter::best_changed(const rib::TableId& table, std::span<const wire::Prefix> prefixes) {
  if (!config_.loc_rib || !table.is_default_vrf() || prefixes.empty() || !anyone_connected())
    return;
  std::vector<uint8_t> out;
  append_routes(speaker_.rib(), View::LocRib, rib::kLocalSource, loc_rib_header(),
                without_ids(prefixes), out);
  broadcast(out);
}

void Exporter::evpn_best_changed(std::span<const rib::EvpnTable::Key> keys) {
  if (!config_.loc_rib || !anyone_connected()) return;
  std::vector<uint8_t> out;
  append_evpn_routes(speaker_.rib(), View::LocRib, rib::kLocalSource, loc_rib_header(), keys, out);
  broadcast(out);
}

std::vector<std::string> Exporter::reconfigure(const config::Config& next) {
  if (next.bmp == config_) return {};
  std::vector<std::string> changes;
  const config::Bmp old = std::exchange(config_, next.bmp);
  retired_.clear();
  const bool views_changed = old.pre_policy != config_.pre_policy ||
                             old.post_policy != config_.post_policy ||
                             old.loc_rib != config_.loc_rib || old.buffer_kib != config_.buffer_kib;
  std::vector<uint8_t> bye;
  wire::bmp::termination(wire::bmp::termination_reason::kAdminClose, "the configuration changed",
                         bye);
  for (auto it = stations_.begin(); it != stations_.end();) {
    const config::BmpCollector* now = nullptr;
    for (const auto& c : config_.collectors)
      if (c.name == it->first) now = &c;
    if (now && *now == it->second->link->config() && !views_changed) {
      ++it;
      continue;
    }
    changes.push_back("bmp collector " + it->first + (now ? " reconnected" : " removed"));
    it->second->link->finish(bye);
    retired_.push_back(std::move(it->second));
    it = stations_.erase(it);
  }
  for (const auto& c : config_.collectors) {
    if (stations_.contains(c.name)) continue;
    const bool reconnecting = std::any_of(changes.begin(), changes.end(), [&](const auto& line) {
      return line == "bmp collector " + c.name + " reconnected";
    });
    if (!reconnecting) changes.push_back("bmp collector " + c.name + " added");
    open(c);
  }
  if (old.statistics_interval != config_.statistics_interval) {
    arm_statistics();
    changes.push_back("bmp statistics every " + std::to_string(config_.statistics_interval) + " s");
  }
  return changes;
}

void Exporter::arm_statistics() {
  statistics_timer_->cancel();
  if (config_.statistics_interval == 0 || config_.collectors.empty()) return;
  statistics_timer_->arm(time_.now() + std::chrono::seconds(config_.statistics_interval), [this] {
    send_statistics();
    arm_statistics();
  });
}

// RFC 7854 sec. 4.8 for each neighbour: what import policy rejected,
// duplicate withdrawals, UPDATEs treated as withdraw, the Adj-RIB-In's size
// in all and per family; the Loc-RIB's size for the Loc-RIB instance.
void Exporter::send_statistics() {
  if (!anyone_connected()) return;
  using wire::bmp::Stat;
  namespace stat = wire::bmp::stat;
  const rib::Rib& rib = speaker_.rib();
  std::vector<uint8_t> out;
  for (const auto& [id, n] : up_) {
    const rib::AdjRibIn* in = rib.adj_rib_in(id);
    if (!in) continue;
    uint64_t treat_as_withdraw = 0;
    if (auto p = speaker_.peers().find(n.name); p != speaker_.peers().end())
      treat_as_withdraw = p->second->status().treat_as_withdraw;
    // Its EVPN routes count as the EVPN table holds them (after its EVPN
    // route-map-in): the table keeps no copy as received.
    const uint64_t evpn = rib.evpn().held(id);
    std::vector<Stat> stats{
        {stat::kRejectedByPolicy, rib.rejected_by_policy(id)},
        {stat::kDuplicateWithdraws, in->duplicate_withdraws()},
        {stat::kTreatAsWithdrawUpdates, treat_as_withdraw},
        {stat::kAdjRibIn, in->received() + evpn, Stat::Kind::Gauge64},
        {stat::kAdjRibInFamily, in->received(wire::Afi::Ipv4), Stat::Kind::FamilyGauge64, 1, 1},
        {stat::kAdjRibInFamily, in->received(wire::Afi::Ipv6), Stat::Kind::FamilyGauge64, 2, 1},
    };
    if (n.families.has(wire::Family::L2vpnEvpn))
      stats.push_back({stat::kAdjRibInFamily, evpn, Stat::Kind::FamilyGauge64, 25, 70});
    wire::bmp::statistics(header(n, false), stats, out);
  }
  if (config_.loc_rib) {
    const uint64_t evpn = rib.evpn().size();
    std::vector<Stat> stats{
        {stat::kLocRib, rib.prefixes() + evpn, Stat::Kind::Gauge64},
        {stat::kLocRibFamily, rib.unicast(wire::Afi::Ipv4).loc_rib().size(),
         Stat::Kind::FamilyGauge64, 1, 1},
        {stat::kLocRibFamily, rib.unicast(wire::Afi::Ipv6).loc_rib().size(),
         Stat::Kind::FamilyGauge64, 2, 1},
    };
    if (carries_evpn(speaker_.config()))
      stats.push_back({stat::kLocRibFamily, evpn, Stat::Kind::FamilyGauge64, 25, 70});
    wire::bmp::statistics(loc_rib_header(), stats, out);
  }
  broadcast(out);
}

}  // namespace closbgp::bmp
