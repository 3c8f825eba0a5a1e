#include "bgpd/cli/proto_json.h"

#include <gtest/gtest.h>

#include "closbgp/v1/bgp.pb.h"

namespace closbgp::cli {
namespace {

namespace pb = closbgp::v1;

TEST(ProtoJson, NumbersAreNumbersAndStatesShortWords) {
  pb::PeerSummary p;
  p.set_interface("swp1\xff");  // a peer's hostname or message may not be UTF-8
  p.set_state(pb::SESSION_STATE_ESTABLISHED);
  p.set_prefixes_received(18446744073709551615ull);
  p.add_capabilities("route-refresh");
  const std::string j = to_json(p);
  EXPECT_NE(j.find("\"interface\":\"swp1\\ufffd\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"state\":\"established\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"prefixes_received\":18446744073709551615"), std::string::npos) << j;
  EXPECT_NE(j.find("\"prefixes_sent\":0"), std::string::npos) << j;  // always there
  EXPECT_NE(j.find("\"capabilities\":[\"route-refresh\"]"), std::string::npos) << j;
}

TEST(ProtoJson, OptionalFieldsOnlyWhenSetAndEnumsOfEveryType) {
  pb::Route r;
  r.set_prefix("10.0.0.0/24");
  EXPECT_EQ(to_json(r).find("\"med\""), std::string::npos);
  r.set_med(0);
  EXPECT_NE(to_json(r).find("\"med\":0"), std::string::npos);
  pb::Event e;
  e.set_kind(pb::EVENT_KIND_ROUTE);
  EXPECT_NE(to_json(e).find("\"kind\":\"route\""), std::string::npos) << to_json(e);
  EXPECT_EQ(short_enum_name(
                *pb::ShowAdjRibRequest::Direction_descriptor()->FindValueByName("DIRECTION_OUT")),
            "out");
}

}  // namespace
}  // namespace closbgp::cli
