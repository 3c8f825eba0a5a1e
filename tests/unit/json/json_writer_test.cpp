#include "bgpd/json/json_writer.h"

#include <gtest/gtest.h>

namespace closbgp::json {
namespace {

std::string quoted(std::string_view s) {
  JsonWriter j;
  j.value(s);
  return j.str();
}

TEST(JsonWriter, EscapesStrings) {
  JsonWriter j;
  j.begin_object().field("k", "a\"b\\c\n").field("n", uint64_t(7)).field("t", true).end_object();
  EXPECT_EQ(j.str(), "{\"k\":\"a\\\"b\\\\c\\u000a\",\"n\":7,\"t\":true}");
}

TEST(JsonWriter, KeepsUtf8AndReplacesWhatIsNot) {
  EXPECT_EQ(quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(quoted("\xff\xfe"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(quoted("a\xc3"), "\"a\\ufffd\"");                                 // cut short
  EXPECT_EQ(quoted("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong
  EXPECT_EQ(quoted("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
  EXPECT_EQ(quoted("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

}  // namespace
}  // namespace closbgp::json
