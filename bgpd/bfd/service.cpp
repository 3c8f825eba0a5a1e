#include "bgpd/bfd/service.h"

#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include "bgpd/log/log.h"

namespace closbgp::bfd {
namespace {

constexpr int kTtl = 255;  // RFC 5881 sec. 5: sent, and required on a link
constexpr uint16_t kSingleHopPort = 3784, kMultihopPort = 4784;  // RFC 5881, RFC 5883
constexpr int kDscpCs6 = 48 << 2;
constexpr uint16_t kFirstSourcePort = 49152;  // RFC 5881 sec. 4

std::shared_ptr<spdlog::logger> logger() {
  static auto l = log::get("bfd");
  return l;
}

sockaddr_in6 to_sockaddr(const PeerKey& k, uint16_t port) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(port);
  const auto v6 = k.address.is_v4()
                      ? asio::ip::make_address_v6(asio::ip::v4_mapped, k.address.to_v4())
                      : k.address.to_v6();
  const auto bytes = v6.to_bytes();
  std::memcpy(&sa.sin6_addr, bytes.data(), 16);
  sa.sin6_scope_id = k.ifindex;
  return sa;
}

// A dual-stack UDP socket with TTL 255 and CS6, bound to `port` (0: a free
// one in the RFC 5881 source range) on `source` (unset: any address).
int open_socket(uint16_t port, uint32_t seed,
                const std::optional<asio::ip::address>& source = std::nullopt) {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int off = 0, ttl = kTtl, tos = kDscpCs6;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
  setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  sockaddr_in6 sa = source ? to_sockaddr(make_key(*source, 0), 0) : sockaddr_in6{};
  sa.sin6_family = AF_INET6;
  // A configured source address may not be up yet (a loopback configured
  // after the daemon starts): bound anyway, the packets leave once it is.
  const int on = 1;
  if (source) setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof on);
  for (uint32_t i = 0; i < (port ? 1u : 16384u); ++i) {
    sa.sin6_port = htons(port ? port : uint16_t(kFirstSourcePort + (seed + i) % 16384));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) return fd;
    if (errno != EADDRINUSE) break;
  }
  const int error = errno;
  ::close(fd);
  errno = error;
  return -1;
}

}  // namespace

struct BfdService::Entry {
  Entry(net::TimeSource& time, PeerKey k) : key(std::move(k)), timer(time.timer()) {}
  ~Entry() {
    if (tx_fd >= 0) ::close(tx_fd);
  }
  PeerKey key;
  Multihop multihop;  // a multihop key's
  Session fsm;
  int tx_fd = -1;
  std::unique_ptr<net::Timer> timer;  // the FSM's next transmission or detection
  std::function<void(const StateEvent&)> on_change;
};

BfdService::BfdService(asio::io_context& main, uint16_t port, uint16_t multihop_port)
    : main_(main),
      port_(port),
      multihop_port_(multihop_port),
      time_(io_),
      next_disc_(std::random_device{}() | 1) {
  multihop_.multihop = true;
}

BfdService::~BfdService() {
  stop();
}

std::expected<void, std::string> BfdService::open(Receiver& r, uint16_t port) {
  r.fd = open_socket(port, 0);
  if (r.fd < 0)
    return std::unexpected("cannot bind BFD's UDP port " + std::to_string(port) + ": " +
                           std::strerror(errno));
  net::request_packet_info(r.fd);
  r.stream = std::make_unique<asio::posix::stream_descriptor>(io_, r.fd);
  receive(r);
  return {};
}

std::expected<void, std::string> BfdService::start() {
  if (auto opened = open(single_hop_, port_); !opened) return opened;
  if (auto opened = open(multihop_, multihop_port_); !opened) return opened;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "bfd");
    // Real-time priority where the service unit allows it (LimitRTPRIO).
    sched_param sp{};
    sp.sched_priority = 50;
    const bool rt = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
    logger()->info("BFD listening on UDP ports {} (single hop) and {} (multihop){}", port_,
                   multihop_port_,
                   rt ? ", real-time priority" : " (no real-time priority: not permitted)");
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  return {};
}

void BfdService::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    for (auto& [disc, e] : by_disc_) run(*e, admin_down(e->fsm));
    by_disc_.clear();
    by_peer_.clear();
    for (auto* r : {&single_hop_, &multihop_})
      if (r->stream) r->stream->close();
    io_.stop();
  });
  thread_.join();
}

void BfdService::watch(const PeerKey& peer, const Params& params, const Multihop& multihop,
                       std::function<void(const StateEvent&)> on_change) {
  asio::post(io_, [this, peer, params, multihop, on_change = std::move(on_change)]() mutable {
    remove(peer);
    const uint32_t disc = next_disc_++;
    auto e = std::make_unique<Entry>(time_, peer);
    e->fsm = make_session(params, disc);
    e->on_change = std::move(on_change);
    if (peer.multihop) e->multihop = multihop;
    const auto source = peer.multihop ? multihop.source : std::nullopt;
    e->tx_fd = open_socket(0, disc, source);
    if (e->tx_fd < 0) {
      logger()->error("{}: cannot open a BFD socket{}: {}", peer.to_string(),
                      source ? " from " + source->to_string() : "", std::strerror(errno));
      return;
    }
    if (peer.multihop)
      logger()->info("{}: BFD session, {} ms x {}, from {}, accepting TTL {} and above",
                     peer.to_string(), params.interval_ms, unsigned(params.multiplier),
                     source ? source->to_string() : "the kernel's choice of address",
                     unsigned(multihop.min_ttl));
    else
      logger()->info("{}: BFD session, {} ms x {}", peer.to_string(), params.interval_ms,
                     unsigned(params.multiplier));
    Entry& ref = *e;
    by_peer_[peer] = disc;
    by_disc_[disc] = std::move(e);
    run(ref, bfd::start(ref.fsm, time_.now()));
  });
}

void BfdService::unwatch(const PeerKey& peer) {
  asio::post(io_, [this, peer] { remove(peer); });
}

void BfdService::remove(const PeerKey& peer) {
  auto it = by_peer_.find(peer);
  if (it == by_peer_.end()) return;
  auto e = by_disc_.find(it->second);
  if (e != by_disc_.end()) {
    run(*e->second, admin_down(e->second->fsm));
    by_disc_.erase(e);
  }
  by_peer_.erase(it);
  std::lock_guard lock(views_mu_);
  views_.erase(peer);
}

std::optional<SessionView> BfdService::view(const PeerKey& peer) const {
  std::lock_guard lock(views_mu_);
  auto it = views_.find(peer);
  if (it == views_.end()) return std::nullopt;
  return it->second;
}

void BfdService::run(Entry& e, std::vector<Action> actions) {
  for (auto& a : actions) {
    if (auto* send = std::get_if<action::Send>(&a)) {
      const auto bytes = encode(send->packet);
      const sockaddr_in6 to = to_sockaddr(e.key, e.key.multihop ? kMultihopPort : kSingleHopPort);
      ::sendto(e.tx_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
               sizeof to);
    } else if (auto* sc = std::get_if<action::StateChange>(&a)) {
      logger()->log(sc->to == State::Down && sc->from == State::Up ? spdlog::level::warn
                                                                   : spdlog::level::info,
                    "{}: BFD {} -> {} ({}){}", e.key.to_string(), state_name(sc->from),
                    state_name(sc->to), diag_name(sc->diag),
                    sc->peer_admin_down ? ", the peer is administratively down" : "");
      if (e.on_change)
        asio::post(main_, [cb = e.on_change,
                           ev = StateEvent{sc->to, sc->diag, sc->peer_admin_down}] { cb(ev); });
    }
  }
  publish(e);
  arm(e);
}

void BfdService::publish(const Entry& e) {
  std::lock_guard lock(views_mu_);
  views_[e.key] = SessionView{e.fsm.state, e.fsm.diag, e.fsm.counters};
}

void BfdService::arm(Entry& e) {
  std::optional<Clock::time_point> next;
  for (const auto& d : {e.fsm.next_tx_at, e.fsm.detect_at})
    if (d && (!next || *d < *next)) next = d;
  if (!next) return e.timer->cancel();
  // The timer is the entry's: it never fires after the entry is gone.
  e.timer->arm(*next, [this, &e] { run(e, on_timer(e.fsm, time_.now())); });
}

void BfdService::receive(Receiver& r) {
  r.stream->async_wait(asio::posix::stream_descriptor::wait_read,
                       [this, &r](const boost::system::error_code& ec) {
                         if (ec) return;
                         std::array<uint8_t, 128> buf;
                         while (auto d = net::receive(r.fd, buf))
                           on_datagram(*d, {buf.data(), d->size}, r.multihop);
                         receive(r);
                       });
}

void BfdService::on_datagram(const net::Datagram& d, std::span<const uint8_t> bytes,
                             bool multihop) {
  asio::ip::address_v6::bytes_type addr;
  std::memcpy(addr.data(), &d.from.sin6_addr, 16);
  const PeerKey key = make_key(asio::ip::address_v6(addr), d.ifindex, multihop);
  auto owner = by_peer_.find(key);
  Entry* e = owner != by_peer_.end() ? by_disc_[owner->second].get() : nullptr;
  // RFC 5881 sec. 5: single-hop packets arrive with TTL 255. RFC 5883
  // sec. 5: multihop ones with at least the session's minimum.
  const int min_ttl = !multihop ? kTtl : e ? e->multihop.min_ttl : 1;
  auto packet = decode(bytes);
  if (d.ttl < min_ttl)
    return drop(key, "TTL " + std::to_string(d.ttl) +
                         (multihop ? ", below " + std::to_string(min_ttl) : ", not 255"));
  if (!packet) return drop(key, packet.error());
  if (packet->your_discriminator != 0) {
    auto it = by_disc_.find(packet->your_discriminator);
    e = it != by_disc_.end() && it->second->key == key ? it->second.get() : nullptr;
  }
  if (e) run(*e, on_packet(e->fsm, *packet, time_.now()));  // else: not (yet) a session of ours
}

void BfdService::drop(const PeerKey& key, const std::string& why) {
  // Counted against the session the sender has, if any.
  if (auto it = by_peer_.find(key); it != by_peer_.end()) {
    Entry& owner = *by_disc_[it->second];
    ++owner.fsm.counters.dropped;
    publish(owner);
  }
  // Logged the first time and every 100th after, so a flood cannot fill
  // the log.
  if (++invalid_ % 100 == 1)
    logger()->warn("{}: dropped BFD packet: {} ({} invalid so far)", key.to_string(), why,
                   invalid_);
}

}  // namespace closbgp::bfd
