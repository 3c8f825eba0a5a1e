// EVPN route keys: octets compared as strings of them were (the table's
// order, and so every listing's, is unchanged), one block shared by copies.
#include <string>

#include <gtest/gtest.h>

#include "rib/evpn_table.h"

namespace closbgp::rib {
namespace {

EvpnKey key(std::initializer_list<uint8_t> bytes) {
  return EvpnKey(std::span<const uint8_t>(bytes.begin(), bytes.size()));
}

TEST(EvpnKey, OrderedAsTheOctetsAsStringsOfThem) {
  // 0x80 after 0x7f (unsigned octets), a prefix before what it starts.
  const std::vector<EvpnKey> keys{key({}),        key({1}),       key({1, 2}),
                                  key({1, 0x7f}), key({1, 0x80}), key({2})};
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    EXPECT_LT(keys[i], keys[i + 1]) << i;
    EXPECT_NE(keys[i], keys[i + 1]) << i;
    const auto a = keys[i].bytes(), b = keys[i + 1].bytes();
    EXPECT_LT(std::string(a.begin(), a.end()), std::string(b.begin(), b.end())) << i;
  }
  EXPECT_EQ(key({1, 2}), key({1, 2}));
}

TEST(EvpnKey, CopiesShareTheOctetsWhichOutliveTheFirst) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.mac = wire::MacAddress{2, 0, 0, 0, 0, 1};
  r.ip = wire::IpAddress::v4(0x0a000001);
  r.labels = {100};
  std::optional<EvpnKey> first = EvpnTable::key_of(r);
  const EvpnKey copy = *first;
  EXPECT_EQ(copy.bytes().data(), first->bytes().data());
  first.reset();
  const wire::EvpnRoute back = EvpnTable::route_of(copy);
  EXPECT_EQ(back.mac, r.mac);
  EXPECT_EQ(back.ip, r.ip);
  EXPECT_EQ(back.labels, std::vector<uint32_t>{0});  // labels are the path's, not the key's
  EXPECT_EQ(copy.bytes().size(), 39u);               // a MAC/IP route with an IPv4 address
}

// A candidate keeps its path's fields only; with the key they make the
// route as received again, for each type that has such fields.
TEST(EvpnKey, ACandidateGivesBackTheRouteAsItCame) {
  wire::EvpnRoute mac_ip;
  mac_ip.type = uint8_t(wire::EvpnType::MacIp);
  mac_ip.esi = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  mac_ip.mac = wire::MacAddress{2, 0, 0, 0, 0, 1};
  mac_ip.ip = wire::IpAddress::v4(0x0a000001);
  mac_ip.labels = {100, 5000};  // an L2 and an L3 VNI
  wire::EvpnRoute prefix;
  prefix.type = uint8_t(wire::EvpnType::IpPrefix);
  prefix.esi = mac_ip.esi;
  prefix.ip = wire::IpAddress::v4(0x0a010000);
  prefix.prefix_length = 16;
  prefix.gateway = wire::IpAddress::v4(0x0a000002);
  prefix.labels = {5000};
  wire::EvpnRoute segment;  // type 4: its ESI is the key's
  segment.type = uint8_t(wire::EvpnType::EthernetSegment);
  segment.esi = mac_ip.esi;
  segment.ip = wire::IpAddress::v4(0x0a000001);
  for (const auto& r : {mac_ip, prefix, segment}) {
    const EvpnTable::Candidate c{nullptr, EvpnTable::PathFields::of(r)};
    EXPECT_EQ(c.route(EvpnTable::key_of(r)), r) << int(r.type);
  }
}

}  // namespace
}  // namespace closbgp::rib
