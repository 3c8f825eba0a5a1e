// RFC 7606: every malformed case gives its exact action; session resets give
// the exact NOTIFICATION code and subcode.
#include <gtest/gtest.h>

#include "bgpd/wire/codec.h"
#include "tests/unit/wire/hex.h"

namespace closbgp::wire {
namespace {
using test::hex;
using test::update_msg;

constexpr const char* kOrigin = "40 01 01 00";
constexpr const char* kAsPath = "40 02 06 02 01 0000fde9";
constexpr const char* kNextHop = "40 03 04 0a000001";
constexpr const char* kNlri = "18 0a0102";

std::string valid_plus(const char* extra) {
  return std::string(kOrigin) + kAsPath + kNextHop + extra;
}

struct Survivable {
  const char* name;
  std::string attrs;
  AttrAction action;
  uint8_t attr_type;
  bool ebgp = true;
  bool four_octet_as = true;
};

TEST(Rfc7606, SurvivableErrorsGiveTheirAction) {
  using enum AttrAction;
  const std::vector<Survivable> rows = {
      // sec. 7.1 ORIGIN
      {"ORIGIN of 2 octets", std::string("40 01 02 0000") + kAsPath + kNextHop, TreatAsWithdraw, 1},
      {"ORIGIN value 3", std::string("40 01 01 03") + kAsPath + kNextHop, TreatAsWithdraw, 1},
      // sec. 7.2 AS_PATH
      {"AS_PATH segment type 5", std::string(kOrigin) + "40 02 06 05 01 0000fde9" + kNextHop,
       TreatAsWithdraw, 2},
      {"AS_PATH segment of zero ASNs", std::string(kOrigin) + "40 02 02 02 00" + kNextHop,
       TreatAsWithdraw, 2},
      {"AS_PATH segment overruns", std::string(kOrigin) + "40 02 06 02 02 0000fde9" + kNextHop,
       TreatAsWithdraw, 2},
      {"AS_PATH one octet left over",
       std::string(kOrigin) + "40 02 07 02 01 0000fde9 00" + kNextHop, TreatAsWithdraw, 2},
      {"AS_PATH confederation from eBGP",
       std::string(kOrigin) + "40 02 06 03 01 0000fde9" + kNextHop, TreatAsWithdraw, 2},
      // sec. 7.3 - 7.5
      {"NEXT_HOP of 5 octets", std::string(kOrigin) + kAsPath + "40 03 05 0a00000100",
       TreatAsWithdraw, 3},
      {"MED of 3 octets", valid_plus("80 04 03 000064"), TreatAsWithdraw, 4},
      {"LOCAL_PREF of 3 octets from iBGP", valid_plus("40 05 03 000064"), TreatAsWithdraw, 5,
       false},
      {"LOCAL_PREF from eBGP", valid_plus("40 05 04 00000064"), AttributeDiscard, 5},
      // sec. 7.6, 7.7
      {"ATOMIC_AGGREGATE of 1 octet", valid_plus("40 06 01 00"), AttributeDiscard, 6},
      {"AGGREGATOR of 7 octets", valid_plus("c0 07 07 0000fde9 0a0000"), AttributeDiscard, 7},
      {"AGGREGATOR of 8 octets on a 2-octet session",
       std::string(kOrigin) + "40 02 04 02 01 fde9" + kNextHop + "c0 07 08 0000fde9 0a000001",
       AttributeDiscard, 7, true, false},
      // sec. 7.8 - 7.10, 7.14; RFC 8092; RFC 9234
      {"COMMUNITIES of 5 octets", valid_plus("c0 08 05 0000000000"), TreatAsWithdraw, 8},
      {"COMMUNITIES empty", valid_plus("c0 08 00"), TreatAsWithdraw, 8},
      {"ORIGINATOR_ID of 3 octets", valid_plus("80 09 03 000000"), TreatAsWithdraw, 9},
      {"CLUSTER_LIST of 6 octets", valid_plus("80 0a 06 000000000000"), TreatAsWithdraw, 10},
      {"EXTENDED_COMMUNITIES of 7 octets", valid_plus("c0 10 07 00000000000000"), TreatAsWithdraw,
       16},
      {"LARGE_COMMUNITY of 8 octets", valid_plus("c0 20 08 0000000000000000"), TreatAsWithdraw, 32},
      {"OTC of 2 octets", valid_plus("c0 23 02 0000"), TreatAsWithdraw, 35},
      // RFC 6793 sec. 6: a malformed AS4_PATH is discarded
      {"AS4_PATH malformed on a 2-octet session",
       std::string(kOrigin) + "40 02 04 02 01 fde9" + kNextHop + "c0 11 05 02 01 000100",
       AttributeDiscard, 17, true, false},
      // RFC 7607: AS 0 anywhere in a path withdraws it; in an aggregator it
      // is dropped. Between 4-octet speakers AS4_* are ignored, AS 0 too.
      {"AS 0 in AS_PATH", std::string(kOrigin) + "40 02 0a 02 02 0000fde9 00000000" + kNextHop,
       TreatAsWithdraw, 2},
      {"AS 0 in an AS_SET from iBGP",
       std::string(kOrigin) + "40 02 0a 01 02 00000000 0000fde9" + kNextHop, TreatAsWithdraw, 2,
       false},
      {"AS 0 in a 2-octet AS_PATH", std::string(kOrigin) + "40 02 04 02 01 0000" + kNextHop,
       TreatAsWithdraw, 2, true, false},
      {"AS 0 in AS4_PATH on a 2-octet session",
       std::string(kOrigin) + "40 02 04 02 01 5ba0" + kNextHop + "c0 11 06 02 01 00000000",
       TreatAsWithdraw, 17, true, false},
      {"AS 0 in AGGREGATOR", valid_plus("c0 07 08 00000000 0a000001"), AttributeDiscard, 7},
      {"AS 0 in AS4_AGGREGATOR",
       std::string(kOrigin) + "40 02 04 02 01 5ba0" + kNextHop +
           "c0 07 06 5ba0 0a000001 c0 12 08 00000000 0a000001",
       AttributeDiscard, 18, true, false},
      // sec. 3 c): flags in conflict with the attribute's definition
      {"ORIGIN marked optional", std::string("c0 01 01 00") + kAsPath + kNextHop, TreatAsWithdraw,
       1},
      {"MED marked transitive", valid_plus("c0 04 04 00000064"), TreatAsWithdraw, 4},
      // sec. 3 d): missing well-known attributes
      {"ORIGIN missing", std::string(kAsPath) + kNextHop, TreatAsWithdraw, 1},
      {"AS_PATH missing", std::string(kOrigin) + kNextHop, TreatAsWithdraw, 2},
      {"NEXT_HOP missing with IPv4 NLRI", std::string(kOrigin) + kAsPath, TreatAsWithdraw, 3},
      // sec. 3 g): a repeated attribute other than MP_* is discarded
      {"COMMUNITIES twice", valid_plus("c0 08 04 00000001 c0 08 04 00000002"), AttributeDiscard, 8},
      // sec. 4: the last attribute overruns the attribute field
      {"attribute overruns", valid_plus("c0 08 08 00000001"), TreatAsWithdraw, 8},
      {"two octets left", valid_plus("c0 08"), TreatAsWithdraw, 8},
  };
  for (const auto& row : rows) {
    DecodeContext ctx;
    ctx.ebgp = row.ebgp;
    ctx.four_octet_as = row.four_octet_as;
    auto got = decode(update_msg("", row.attrs, kNlri), ctx);
    ASSERT_TRUE(got) << row.name << ": reset " << got.error().reason;
    const auto& u = std::get<UpdateMessage>(*got);
    EXPECT_EQ(u.action, row.action) << row.name;
    ASSERT_FALSE(u.errors.empty()) << row.name;
    EXPECT_EQ(u.errors.front().attr_type, row.attr_type) << row.name;
    EXPECT_FALSE(u.errors.front().reason.empty()) << row.name;
    // The NLRI are still known, so they can be withdrawn.
    ASSERT_EQ(u.nlri.size(), 1u) << row.name;
    EXPECT_EQ(u.nlri[0].prefix.to_string(), "10.1.2.0/24") << row.name;
  }
}

TEST(Rfc7606, DiscardKeepsTheRouteWithoutTheAttribute) {
  auto got = decode(
      update_msg("", valid_plus("40 05 04 00000064 c0 08 04 00000001 c0 08 04 00000002"), kNlri),
      DecodeContext{});
  ASSERT_TRUE(got);
  const auto& u = std::get<UpdateMessage>(*got);
  EXPECT_EQ(u.action, AttrAction::AttributeDiscard);
  EXPECT_FALSE(u.attributes.local_pref);
  EXPECT_EQ(u.attributes.communities, std::vector<uint32_t>{1});  // the first one wins
  EXPECT_EQ(u.errors.size(), 2u);
}

TEST(Rfc7606, StrongestActionWins) {
  auto got =
      decode(update_msg("", valid_plus("40 06 01 00 c0 08 05 0000000000"), kNlri), DecodeContext{});
  ASSERT_TRUE(got);
  EXPECT_EQ(std::get<UpdateMessage>(*got).action, AttrAction::TreatAsWithdraw);
}

TEST(Rfc7606, MpReachWithBadFlagsIsStillParsedForWithdrawal) {
  auto got = decode(update_msg("",
                               "c0 0e 19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102" +
                                   std::string(kOrigin) + kAsPath,
                               ""),
                    DecodeContext{});
  ASSERT_TRUE(got);
  const auto& u = std::get<UpdateMessage>(*got);
  EXPECT_EQ(u.action, AttrAction::TreatAsWithdraw);
  ASSERT_TRUE(u.mp_reach);
  EXPECT_EQ(u.mp_reach->nlri.size(), 1u);
}

TEST(Rfc7606, FamilyNotNegotiatedIsIgnored) {
  DecodeContext v4only;
  v4only.families = FamilySet{Family::Ipv4Unicast};
  auto got = decode(update_msg("", "80 0f 0c 0002 01 40 20010db800010000", ""), v4only);
  ASSERT_TRUE(got);
  const auto& u = std::get<UpdateMessage>(*got);
  EXPECT_FALSE(u.mp_unreach);
  EXPECT_EQ(u.action, AttrAction::AttributeDiscard);
  // An unknown AFI (L2VPN) is likewise ignored rather than fatal.
  auto l2 = decode(update_msg("", "80 0f 03 0019 46", ""), DecodeContext{});
  ASSERT_TRUE(l2);
}

struct Reset {
  const char* name;
  std::vector<uint8_t> bytes;
  uint8_t subcode;
  const char* data_hex;  // nullptr: not checked
};

TEST(Rfc7606, SessionResetsGiveTheExactNotification) {
  const std::vector<Reset> rows = {
      {"unrecognized well-known attribute", update_msg("", valid_plus("40 63 01 00"), kNlri),
       update_error::kUnrecognizedWellKnown, "40630100"},
      {"MP_REACH_NLRI twice",
       update_msg("",
                  "80 0e 19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102"
                  "80 0e 19 0001 01 10 fe800000000000000000000000000001 00 18 0a0103" +
                      std::string(kOrigin) + kAsPath,
                  ""),
       update_error::kMalformedAttrList, ""},
      {"MP_UNREACH_NLRI twice", update_msg("", "80 0f 03 0002 01 80 0f 03 0002 01", ""),
       update_error::kMalformedAttrList, ""},
      {"MP_REACH_NLRI next hop of 5 octets",
       update_msg("", std::string("80 0e 0a 0001 01 05 0a00000100 00") + kOrigin + kAsPath, ""),
       update_error::kOptionalAttr, "800e0a00010105 0a00000100 00"},
      {"MP_REACH_NLRI IPv6 with a 4-octet next hop",
       update_msg("", std::string("80 0e 09 0002 01 04 0a000001 00") + kOrigin + kAsPath, ""),
       update_error::kOptionalAttr, nullptr},
      {"MP_REACH_NLRI prefix of /129",
       update_msg("",
                  std::string("80 0e 16 0002 01 10 20010db8000000000000000000000001 00 81") +
                      kOrigin + kAsPath,
                  ""),
       update_error::kOptionalAttr, nullptr},
      {"MP_REACH_NLRI next hop overruns",
       update_msg("", std::string("80 0e 05 0002 01 10 20") + kOrigin + kAsPath, ""),
       update_error::kOptionalAttr, nullptr},
      {"MP_UNREACH_NLRI shorter than AFI/SAFI", update_msg("", "80 0f 01 00", ""),
       update_error::kOptionalAttr, nullptr},
      {"MP_REACH_NLRI overruns the attribute field", update_msg("", "80 0e 30 0002 01", ""),
       update_error::kMalformedAttrList, nullptr},
      {"NLRI prefix of /33", update_msg("", valid_plus(""), "21 0a010203 00"),
       update_error::kInvalidNetwork, nullptr},
      {"NLRI overruns", update_msg("", valid_plus(""), "18 0a01"), update_error::kInvalidNetwork,
       nullptr},
      {"withdrawn prefix overruns", update_msg("18 0a01", "", ""), update_error::kInvalidNetwork,
       nullptr},
      {"withdrawn length beyond the message", test::framed(2, "0010 0000"),
       update_error::kMalformedAttrList, nullptr},
      {"attribute length beyond the message", test::framed(2, "0000 0010 400101"),
       update_error::kMalformedAttrList, nullptr},
  };
  for (const auto& row : rows) {
    auto got = decode(row.bytes, DecodeContext{});
    ASSERT_FALSE(got) << row.name;
    EXPECT_EQ(got.error().code, ErrorCode::Update) << row.name;
    EXPECT_EQ(got.error().subcode, row.subcode) << row.name << ": " << got.error().reason;
    if (row.data_hex) {
      EXPECT_EQ(got.error().data, hex(row.data_hex)) << row.name;
    }
  }
}

// The operator's per-neighbour filter acts by type code before parsing: a
// malformed attribute 28 (the 2023 attribute worm) that would otherwise
// reset the session is simply dropped, or withdraws the route.
TEST(Rfc7606, ConfiguredFilterActsBeforeParsing) {
  const auto bytes = update_msg("", valid_plus("c0 1c 03 ffffff c0 63 02 abcd"), kNlri);
  DecodeContext ctx;
  ctx.discard.set(28);
  auto got = decode(bytes, ctx);
  ASSERT_TRUE(got);
  auto u = std::get<UpdateMessage>(*got);
  EXPECT_EQ(u.action, AttrAction::AttributeDiscard);
  ASSERT_EQ(u.errors.size(), 1u);
  EXPECT_TRUE(u.errors[0].configured);
  EXPECT_EQ(u.errors[0].attr_type, 28);
  ASSERT_EQ(u.attributes.unknown.size(), 1u);  // 0x63 is still passed on
  EXPECT_EQ(u.attributes.unknown[0].type, 0x63);

  DecodeContext withdraw;
  withdraw.treat_as_withdraw.set(0x63);
  got = decode(bytes, withdraw);
  ASSERT_TRUE(got);
  u = std::get<UpdateMessage>(*got);
  EXPECT_EQ(u.action, AttrAction::TreatAsWithdraw);
  EXPECT_TRUE(u.attributes.unknown.size() == 1 && u.attributes.unknown[0].type == 28);

  // A filter for a well-known attribute applies too (LOCAL_PREF from eBGP).
  DecodeContext local_pref;
  local_pref.discard.set(5);
  got = decode(update_msg("", valid_plus("40 05 03 000064"), kNlri), local_pref);
  ASSERT_TRUE(got);
  EXPECT_FALSE(std::get<UpdateMessage>(*got).attributes.local_pref);
}

}  // namespace
}  // namespace closbgp::wire
