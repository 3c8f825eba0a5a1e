// Connection over real loopback TCP: messages arrive decoded and in order,
// an urgent KEEPALIVE overtakes a large queued table, and a connection
// starts from its update-source with its TTL.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/session/connection.h"

namespace closbgp::session {
namespace {

struct Pair {
  asio::io_context io;
  std::shared_ptr<Connection> a, b;
  std::vector<wire::Message> received;  // by b

  Pair() {
    asio::ip::tcp::acceptor acc(io, {asio::ip::address_v4::loopback(), 0});
    asio::ip::tcp::socket client(io), server(io);
    client.connect(acc.local_endpoint());
    acc.accept(server);
    a = std::make_shared<Connection>(
        std::move(client), Connection::Handlers{[](wire::Message&&) {}, [](wire::DecodeError&&) {},
                                                [](const std::string&) {}, [] {}});
    b = std::make_shared<Connection>(
        std::move(server),
        Connection::Handlers{[this](wire::Message&& m) { received.push_back(std::move(m)); },
                             [](wire::DecodeError&& e) { FAIL() << e.reason; },
                             [](const std::string&) {}, [] {}});
    b->start_reading();
  }

  // The io_context stops when it runs out of work (a paused reader has
  // none), so it is restarted before each slice.
  void run_for(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  void run_until(size_t n) {
    for (int i = 0; i < 2000 && received.size() < n; ++i) run_for(std::chrono::milliseconds(5));
  }
};

std::vector<uint8_t> table(size_t prefixes, size_t* messages, bool extended = false) {
  std::vector<wire::Nlri> nlri;
  for (size_t i = 0; i < prefixes; ++i)
    nlri.push_back({wire::Prefix(wire::IpAddress::v4(0x0a000000u + (uint32_t(i) << 8)), 24), 0});
  wire::PathAttributes attrs;
  attrs.origin = wire::Origin::Igp;
  attrs.as_path = wire::AsPath{};
  std::vector<uint8_t> out;
  wire::EncodeContext ctx;
  ctx.extended_message = extended;
  *messages = wire::encode_announce(attrs, {wire::IpAddress::v4(0x0a000001), {}},
                                    wire::Family::Ipv4Unicast, nlri, ctx, out);
  return out;
}

TEST(Connection, DeliversMessagesInOrder) {
  Pair p;
  size_t n = 0;
  auto bytes = table(5000, &n);
  p.a->send(std::move(bytes), n);
  p.a->send(*wire::encode(wire::KeepaliveMessage{}, {}));
  p.run_until(n + 1);
  ASSERT_EQ(p.received.size(), n + 1);
  size_t prefixes = 0;
  for (size_t i = 0; i < n; ++i)
    prefixes += std::get<wire::UpdateMessage>(p.received[i]).nlri.size();
  EXPECT_EQ(prefixes, 5000u);
  EXPECT_TRUE(std::holds_alternative<wire::KeepaliveMessage>(p.received.back()));
  EXPECT_EQ(p.a->messages_sent(), n + 1);
  EXPECT_EQ(p.b->messages_received(), n + 1);
}

TEST(Connection, ExtendedMessagesLargerThanTheInitialBuffer) {
  Pair p;
  wire::DecodeContext ctx;
  ctx.extended_message = true;
  p.b->set_decode_context(ctx);
  size_t n = 0;
  auto bytes = table(60000, &n, /*extended=*/true);  // messages of up to 65535 octets
  ASSERT_LT(n, 5u);
  p.a->send(std::move(bytes), n);
  p.run_until(n);
  ASSERT_EQ(p.received.size(), n);
  size_t prefixes = 0;
  for (const auto& m : p.received) prefixes += std::get<wire::UpdateMessage>(m).nlri.size();
  EXPECT_EQ(prefixes, 60000u);
}

TEST(Connection, PausedReadingDeliversNothingUntilResumed) {
  // Back-pressure: while the FIB is behind, nothing more is decoded and TCP
  // pushes back on the sender; resuming delivers everything, in order.
  Pair p;
  p.b->pause_reading();
  size_t n = 0;
  p.a->send(table(20000, &n), n);
  for (int i = 0; i < 40; ++i) p.run_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(p.received.empty());
  p.b->resume_reading();
  p.run_until(n);
  ASSERT_EQ(p.received.size(), n);
  size_t prefixes = 0;
  for (const auto& m : p.received) prefixes += std::get<wire::UpdateMessage>(m).nlri.size();
  EXPECT_EQ(prefixes, 20000u);
}

TEST(Connection, UrgentKeepaliveOvertakesAQueuedTable) {
  Pair p;
  size_t n = 0;
  auto bytes = table(250000, &n);  // about 1 MB: queued in 64 KiB pieces
  ASSERT_GT(bytes.size(), 900000u);
  p.a->send(std::move(bytes), n);
  p.a->send(*wire::encode(wire::KeepaliveMessage{}, {}), 1, /*urgent=*/true);
  p.run_until(n + 1);
  ASSERT_EQ(p.received.size(), n + 1);
  size_t at = 0;
  while (!std::holds_alternative<wire::KeepaliveMessage>(p.received[at])) ++at;
  // It went out after at most the first piece, not after the whole table.
  EXPECT_LT(at, n / 4) << "keepalive arrived after " << at << " of " << n << " UPDATEs";
}

TEST(Connection, StartsFromItsUpdateSourceWithItsTtl) {
  // A loopback session: the neighbour sees our loopback address, reached
  // over two hops (ebgp-multihop 2). Any 127/8 address is local.
  asio::io_context io;
  asio::ip::tcp::acceptor acc(io, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket server(io);
  std::string failed;
  bool connected = false;
  auto c = std::make_shared<Connection>(
      io,
      Connection::Handlers{[](wire::Message&&) {}, [](wire::DecodeError&&) {},
                           [&](const std::string& why) { failed = why; },
                           [&] { connected = true; }},
      SocketSettings{
          .ttl_security = false, .password = "", .ttl = 2, .update_source = "127.0.0.2"});
  c->connect(acc.local_endpoint());
  acc.accept(server);
  for (int i = 0; i < 200 && !connected && failed.empty(); ++i)
    io.run_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(connected) << failed;
  EXPECT_EQ(server.remote_endpoint().address().to_string(), "127.0.0.2");
  // The TTL it was given (connect() applies these same options).
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  SocketSettings two_hops;
  two_hops.ttl = 2;
  EXPECT_EQ(apply_bgp_socket_options(fd, false, two_hops), "");
  int ttl = 0;
  socklen_t len = sizeof ttl;
  EXPECT_EQ(getsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, &len), 0);
  EXPECT_EQ(ttl, 2);
  close(fd);
}

TEST(Connection, AnUpdateSourceWithoutAnAddressIsNamed) {
  EXPECT_EQ(source_address("192.0.2.1", false).value().to_string(), "192.0.2.1");
  EXPECT_NE(source_address("192.0.2.1", true).error().find("not an IPv6 address"),
            std::string::npos);
  EXPECT_NE(
      source_address("nosuchif0", false).error().find("update-source nosuchif0 has no usable"),
      std::string::npos);
}

}  // namespace
}  // namespace closbgp::session
