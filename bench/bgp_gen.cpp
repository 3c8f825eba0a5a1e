// bgp_gen: the sending end of the benchmarks. Many eBGP speakers from one
// process: each `--peer ADDRESS,AS` listens on ADDRESS:179 (in the tester's
// namespace) for the router under test, answers its OPEN (hold time 90,
// every KEEPALIVE answered), and holds back its table until "go" arrives on
// stdin; then every peer sends its pre-encoded table at once, densely
// packed with our own codec. The table: `--routes N` prefixes (IPv4 /24s
// from 11.0.0.0, or with `--family ipv6` /48s from 2001:db8::/32, the
// peer's own address as next hop), `--attribute-sets K` different MEDs
// (one per UPDATE, cycling), then `--rounds R` times all withdrawn and
// announced again, then `--sentinel PREFIX` last, so that the receiver
// knows the churn is over. With `--family evpn` the table is an EVPN-VXLAN
// leaf's instead: the peer's type-3 route for VNI `--vni V` (100) and N
// type-2 MAC/IP routes in it, host i with MAC 02:00:00 + i and IPv4
// 10.128.1.0 + i (bench/kernel_routes watch-evpn counts them in a kernel),
// route target AS:V, the peer's address as VTEP; `--rounds` withdraw and
// announce the MAC/IP routes again. One JSON object per line on stdout, times on
// CLOCK_MONOTONIC (shared by every namespace):
//   {"event": "up", "address": A}     the router's OPEN arrived on A
//   {"event": "go", "t": T}           the tables start leaving
//   {"event": "sent", "t": T}         every table is in the kernel's socket buffers
//
//   bgp_gen --peer 10.0.1.2,65001 --routes 1000000 --attribute-sets 100
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/tool.h"
#include "bgpd/wire/codec.h"
#include "bgpd/wire/evpn.h"

namespace {

using namespace closbgp;
using bench::die;
using bench::now;

constexpr size_t kPerUpdate = 1000;  // prefixes per UPDATE: one 4096-octet message
constexpr uint16_t kHoldTime = 90;

struct PeerSpec {
  wire::IpAddress address;
  uint32_t asn = 0;
};

struct Options {
  std::vector<PeerSpec> peers;
  size_t routes = 0, attribute_sets = 1, rounds = 0;
  wire::Family family = wire::Family::Ipv4Unicast;
  bool evpn = false;  // the table is EVPN routes of VNI `vni` (family unused)
  uint32_t vni = 100;
  std::optional<wire::Prefix> sentinel;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--peer") {
      const auto comma = v.find(',');
      auto address = wire::IpAddress::parse(v.substr(0, comma));
      if (comma == std::string::npos || !address || !address->is_v4())
        die("--peer " + v + ": IPV4-ADDRESS,AS");
      o.peers.push_back({*address, uint32_t(std::stoul(v.substr(comma + 1)))});
    } else if (k == "--routes") {
      o.routes = std::stoul(v);
    } else if (k == "--attribute-sets") {
      o.attribute_sets = std::max<size_t>(1, std::stoul(v));
    } else if (k == "--rounds") {
      o.rounds = std::stoul(v);
    } else if (k == "--family") {
      if (v != "ipv4" && v != "ipv6" && v != "evpn") die("--family ipv4, ipv6 or evpn");
      o.evpn = v == "evpn";
      o.family = v == "ipv6" ? wire::Family::Ipv6Unicast : wire::Family::Ipv4Unicast;
    } else if (k == "--vni") {
      o.vni = uint32_t(std::stoul(v));
      if (o.vni == 0 || o.vni > 0xFFFFFF) die("--vni " + v + ": 1-16777215");
    } else if (k == "--sentinel") {
      if (!(o.sentinel = wire::Prefix::parse(v))) die("--sentinel " + v + ": not a prefix");
    } else {
      die("unknown option " + k);
    }
  }
  if (o.peers.empty()) die("needs at least one --peer ADDRESS,AS");
  if (o.evpn && o.sentinel) die("--sentinel is a unicast prefix: not with --family evpn");
  return o;
}

wire::Prefix nth_prefix(wire::Family family, size_t i) {
  if (family == wire::Family::Ipv4Unicast)
    return wire::Prefix(wire::IpAddress::v4(0x0b000000u + (uint32_t(i) << 8)), 24);
  std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, uint8_t(i >> 8), uint8_t(i)};
  b[3] = uint8_t(0xb8 + (i >> 16));  // past 65,536: the next /32s
  return wire::Prefix(wire::IpAddress::v6(b), 48);
}

wire::PathAttributes attributes(uint32_t asn, uint32_t med) {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{{{wire::SegmentType::Sequence, {asn}}}};
  a.med = med;
  return a;
}

// Host i of an EVPN table: its MAC/IP route in `vni`, the RD the peer's.
wire::EvpnRoute nth_host(const wire::RouteDistinguisher& rd, uint32_t vni, size_t i) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = rd;
  r.mac = wire::MacAddress{0x02, 0, 0, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
  r.ip = wire::IpAddress::v4(0x0a800100u + uint32_t(i));
  r.labels = {vni};
  return r;
}

// An EVPN leaf's table: its type 3, then the MAC/IP routes, `rounds` times
// withdrawn and announced again.
std::vector<uint8_t> evpn_table(const Options& o, const PeerSpec& peer) {
  const wire::EncodeContext ctx;
  wire::RouteDistinguisher rd{1, {}};  // VTEP:1, as a leaf's automatic RD
  const uint32_t vtep = peer.address.v4_host_order();
  for (size_t b = 0; b < 4; ++b) rd.value[b] = uint8_t(vtep >> (24 - 8 * b));
  rd.value[5] = 1;
  auto a = attributes(peer.asn, 0);
  a.med.reset();
  a.ext_communities = {uint64_t(0x0002) << 48 | uint64_t(peer.asn & 0xFFFF) << 32 | o.vni,
                       wire::kEncapVxlan};
  wire::EvpnRoute imet;
  imet.type = uint8_t(wire::EvpnType::InclusiveMulticast);
  imet.rd = rd;
  imet.ip = peer.address;
  auto imet_attributes = a;
  imet_attributes.unknown.push_back(wire::pmsi_ingress_replication(o.vni, peer.address));
  std::vector<uint8_t> out;
  wire::encode_evpn_announce(imet_attributes, peer.address, std::span(&imet, 1), ctx, out);
  std::vector<wire::EvpnRoute> hosts;
  hosts.reserve(o.routes);
  for (size_t i = 0; i < o.routes; ++i) hosts.push_back(nth_host(rd, o.vni, i));
  std::vector<uint8_t> announce;
  wire::encode_evpn_announce(a, peer.address, hosts, ctx, announce);
  out.insert(out.end(), announce.begin(), announce.end());
  for (size_t r = 0; r < o.rounds; ++r) {
    wire::encode_evpn_withdraw(hosts, ctx, out);
    out.insert(out.end(), announce.begin(), announce.end());
  }
  return out;
}

// Everything one peer sends after "go".
std::vector<uint8_t> table(const Options& o, const PeerSpec& peer) {
  if (o.evpn) return evpn_table(o, peer);
  const wire::EncodeContext ctx;
  // IPv6 routes over an IPv4 session need an IPv6 next hop: the peer's
  // address, IPv4-mapped.
  const wire::MpNextHop next_hop{
      o.family == wire::Family::Ipv4Unicast
          ? peer.address
          : *wire::IpAddress::parse("::ffff:" + peer.address.to_string()),
      {}};
  std::vector<wire::Nlri> all;
  all.reserve(o.routes);
  for (size_t i = 0; i < o.routes; ++i) all.push_back({nth_prefix(o.family, i), 0});
  std::vector<uint8_t> announce, out;
  for (size_t first = 0; first < all.size(); first += kPerUpdate) {
    const auto med = uint32_t((first / kPerUpdate) % o.attribute_sets);
    const size_t n = std::min(kPerUpdate, all.size() - first);
    wire::encode_announce(attributes(peer.asn, med), next_hop, o.family,
                          std::span(all).subspan(first, n), ctx, announce);
  }
  out = announce;
  for (size_t r = 0; r < o.rounds; ++r) {
    wire::encode_withdraw(o.family, all, ctx, out);
    out.insert(out.end(), announce.begin(), announce.end());
  }
  if (o.sentinel) {
    const wire::Nlri s{*o.sentinel, 0};
    wire::encode_announce(attributes(peer.asn, 0), next_hop, o.family, std::span(&s, 1), ctx, out);
  }
  return out;
}

std::vector<uint8_t> open_for(const Options& o, const PeerSpec& peer) {
  wire::OpenMessage open;
  open.my_as = peer.asn > 0xFFFF ? uint16_t(wire::kAsTrans) : uint16_t(peer.asn);
  open.hold_time = kHoldTime;
  open.bgp_id = peer.address.v4_host_order();
  open.capabilities.multiprotocol = {{1, 1}};
  if (o.family == wire::Family::Ipv6Unicast) open.capabilities.multiprotocol.push_back({2, 1});
  if (o.evpn) open.capabilities.multiprotocol = {{wire::kAfiL2vpn, wire::kSafiEvpn}};
  open.capabilities.four_octet_as = peer.asn;
  wire::EncodeContext ctx;
  auto bytes = *wire::encode(wire::Message{open}, ctx);
  const auto keepalive = *wire::encode(wire::Message{wire::KeepaliveMessage{}}, ctx);
  bytes.insert(bytes.end(), keepalive.begin(), keepalive.end());
  return bytes;
}

int listen_on(const wire::IpAddress& address) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(179);
  a.sin_addr.s_addr = htonl(address.v4_host_order());
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4) != 0)
    die("listen on " + address.to_string() + ":179: " + std::strerror(errno));
  return fd;
}

// One session: what is still to be sent, and what was read so far.
struct Session {
  const PeerSpec* peer = nullptr;
  int fd = -1;
  std::vector<uint8_t> out, in;
  size_t sent = 0;
  bool open_received = false;
  std::shared_ptr<const std::vector<uint8_t>> table;  // after "go"
  size_t table_sent = 0;
  size_t boundary = 0;  // where the table message being sent ends

  bool pending() const { return sent < out.size() || (table && table_sent < table->size()); }

  // Sends what the socket takes now; false when the router closed it. A
  // KEEPALIVE answered while the table goes out is sent between two of the
  // table's messages, never inside one.
  bool flush() {
    for (;;) {
      while (table && boundary < table_sent)
        boundary += size_t((*table)[boundary + 16]) << 8 | (*table)[boundary + 17];
      const bool between = !table || table_sent == boundary;
      if (sent < out.size() && between) {
        const ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN;
        sent += size_t(n);
        if (sent == out.size()) {
          out.clear();
          sent = 0;
        }
        continue;
      }
      if (!table || table_sent == table->size()) return true;
      // With control bytes waiting, only to the end of this message.
      const size_t end = sent < out.size() ? boundary : table->size();
      const ssize_t n = send(fd, table->data() + table_sent, end - table_sent, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN;
      table_sent += size_t(n);
    }
  }

  // Reads what arrived: the router's OPEN, KEEPALIVEs (answered).
  bool receive(const std::vector<uint8_t>& keepalive) {
    uint8_t buf[65536];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN)) return false;
    if (n > 0) in.insert(in.end(), buf, buf + n);
    size_t off = 0;
    while (in.size() - off >= 19) {
      const size_t length = size_t(in[off + 16]) << 8 | in[off + 17];
      if (length < 19) return false;
      if (in.size() - off < length) break;
      const uint8_t type = in[off + 18];
      if (type == 1 && !open_received) {
        open_received = true;
        std::printf("{\"event\": \"up\", \"address\": \"%s\"}\n",
                    peer->address.to_string().c_str());
        std::fflush(stdout);
      }
      if (type == 3) return false;  // NOTIFICATION
      if (type == 4) out.insert(out.end(), keepalive.begin(), keepalive.end());
      off += length;
    }
    in.erase(in.begin(), in.begin() + std::ptrdiff_t(off));
    return true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> tables;
  for (const auto& p : o.peers)
    tables.push_back(std::make_shared<std::vector<uint8_t>>(table(o, p)));
  const auto keepalive = *wire::encode(wire::Message{wire::KeepaliveMessage{}}, {});
  std::vector<int> listeners;
  for (const auto& p : o.peers) listeners.push_back(listen_on(p.address));
  std::vector<Session> sessions;
  bool go = false, reported_sent = false;
  std::string control;

  for (;;) {
    std::vector<pollfd> fds{{STDIN_FILENO, POLLIN, 0}};
    for (int l : listeners) fds.push_back({l, POLLIN, 0});
    for (const auto& s : sessions)
      fds.push_back({s.fd, short(POLLIN | (s.pending() ? POLLOUT : 0)), 0});
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) die("poll");

    if (fds[0].revents) {
      char buf[256];
      const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) return 0;  // the harness is gone
      control.append(buf, size_t(n));
      if (control.find("go\n") != std::string::npos && !go) {
        go = true;
        std::printf("{\"event\": \"go\", \"t\": %.6f}\n", now());
        std::fflush(stdout);
        for (auto& s : sessions) s.table = tables[size_t(s.peer - o.peers.data())];
      }
    }
    for (size_t i = 0; i < listeners.size(); ++i) {
      if (!fds[1 + i].revents) continue;
      const int fd = accept4(listeners[i], nullptr, nullptr, SOCK_NONBLOCK);
      if (fd < 0) continue;
      Session s;
      s.peer = &o.peers[i];
      s.fd = fd;
      s.out = open_for(o, o.peers[i]);
      if (go) s.table = tables[i];
      sessions.push_back(std::move(s));
    }
    const size_t first_session = 1 + listeners.size();
    for (size_t i = 0; i < sessions.size(); ++i) {
      Session& s = sessions[i];
      const short ev = first_session + i < fds.size() ? fds[first_session + i].revents : 0;
      bool alive = true;
      if (ev & (POLLIN | POLLHUP | POLLERR)) alive = s.receive(keepalive);
      if (alive) alive = s.flush();
      if (!alive) {
        close(s.fd);
        s.fd = -1;
      }
    }
    std::erase_if(sessions, [](const Session& s) { return s.fd < 0; });
    if (go && !reported_sent && !sessions.empty() &&
        std::all_of(sessions.begin(), sessions.end(),
                    [](const Session& s) { return s.table && s.table_sent == s.table->size(); })) {
      reported_sent = true;
      std::printf("{\"event\": \"sent\", \"t\": %.6f}\n", now());
      std::fflush(stdout);
    }
  }
}
