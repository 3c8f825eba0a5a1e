// bgp_sink: the receiving end of the ingest benchmarks. Connects to the
// router under test as an eBGP neighbour (hold time 90, as every router in
// the benchmarks; each KEEPALIVE is answered, which keeps the router's hold
// timer running without a timer here), decodes every UPDATE with our codec and reports, on
// CLOCK_MONOTONIC (shared by every namespace), when the session came up,
// when the first UPDATE arrived and when `--expect` distinct prefixes were
// held (and, with `--sentinel PREFIX`, that one too: the generator sends it
// last, so churn before it is over). One JSON object per line on stdout.
//
//   bgp_sink --connect 10.0.2.1 --local 10.0.2.2 --as 65002 --expect 1000000
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench/tool.h"
#include "bgpd/wire/codec.h"

namespace {

using namespace closbgp;
using bench::die;
using bench::now;

struct Options {
  std::string connect, local;
  uint32_t asn = 65002;
  size_t expect = 0;
  std::optional<wire::Prefix> sentinel;
  double timeout = 600;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--connect")
      o.connect = v;
    else if (k == "--local")
      o.local = v;
    else if (k == "--as")
      o.asn = uint32_t(std::stoul(v));
    else if (k == "--expect")
      o.expect = std::stoul(v);
    else if (k == "--timeout")
      o.timeout = std::stod(v);
    else if (k == "--sentinel" && !(o.sentinel = wire::Prefix::parse(v)))
      die("--sentinel " + v + ": not a prefix");
    else if (k == "--sentinel")
      continue;
    else
      die("unknown option " + k);
  }
  if (o.connect.empty() || o.expect == 0) die("needs --connect ADDR and --expect N");
  return o;
}

int connect_to(const Options& o) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  if (!o.local.empty()) {
    inet_pton(AF_INET, o.local.c_str(), &a.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("bind " + o.local);
  }
  a.sin_port = htons(179);
  inet_pton(AF_INET, o.connect.c_str(), &a.sin_addr);
  const double deadline = now() + 60;
  while (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (now() > deadline) die("cannot connect to " + o.connect + ": " + std::strerror(errno));
    usleep(200000);
  }
  return fd;
}

void send_all(int fd, const std::vector<uint8_t>& bytes) {
  for (size_t off = 0; off < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) die("send failed");
    off += size_t(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const int fd = connect_to(o);
  wire::OpenMessage open;
  open.my_as = o.asn > 0xFFFF ? uint16_t(wire::kAsTrans) : uint16_t(o.asn);
  open.hold_time = 90;
  open.bgp_id = 0x0a0a0a0a;
  open.capabilities.multiprotocol = {{1, 1}};
  open.capabilities.four_octet_as = o.asn;
  wire::EncodeContext ectx;
  send_all(fd, *wire::encode(wire::Message{open}, ectx));
  send_all(fd, *wire::encode(wire::Message{wire::KeepaliveMessage{}}, ectx));

  wire::DecodeContext ctx;
  std::vector<uint8_t> buf(1 << 20);
  size_t have = 0;
  std::unordered_set<wire::Prefix, decltype([](const wire::Prefix& p) {
                       return std::hash<std::string_view>{}(std::string_view(
                                  reinterpret_cast<const char*>(p.address().bytes().data()), 16)) ^
                              p.length();
                     })>
      held;
  held.reserve(o.expect * 2);
  double first_update = 0;
  bool established = false;
  const double deadline = now() + o.timeout;
  while (held.size() < o.expect || (o.sentinel && !held.contains(*o.sentinel))) {
    if (now() > deadline) {
      std::printf("{\"event\": \"timeout\", \"prefixes\": %zu}\n", held.size());
      return 1;
    }
    const ssize_t n = recv(fd, buf.data() + have, buf.size() - have, 0);
    if (n <= 0) die("the router closed the session");
    have += size_t(n);
    size_t off = 0;
    while (have - off >= 19) {
      const auto header = wire::decode_header({buf.data() + off, have - off}, ctx);
      if (!header) die("bad header");
      if (have - off < header->length) break;
      auto msg = wire::decode({buf.data() + off, header->length}, ctx);
      off += header->length;
      if (!msg) die("undecodable message");
      if (std::holds_alternative<wire::NotificationMessage>(*msg)) die("NOTIFICATION received");
      if (std::holds_alternative<wire::KeepaliveMessage>(*msg)) {
        if (established) send_all(fd, *wire::encode(wire::Message{wire::KeepaliveMessage{}}, ectx));
        if (!established) {
          established = true;
          std::printf("{\"event\": \"established\", \"t\": %.6f}\n", now());
          std::fflush(stdout);
        }
      }
      auto* u = std::get_if<wire::UpdateMessage>(&*msg);
      if (!u) continue;
      if (first_update == 0 && (!u->nlri.empty() || u->mp_reach)) first_update = now();
      for (const auto& w : u->withdrawn) held.erase(w.prefix);
      for (const auto& a : u->nlri) held.insert(a.prefix);
      if (u->mp_reach)
        for (const auto& a : u->mp_reach->nlri) held.insert(a.prefix);
    }
    std::memmove(buf.data(), buf.data() + off, have - off);
    have -= off;
  }
  std::printf("{\"event\": \"complete\", \"t\": %.6f, \"first_update\": %.6f, \"prefixes\": %zu}\n",
              now(), first_update, held.size());
  close(fd);
  return 0;
}
