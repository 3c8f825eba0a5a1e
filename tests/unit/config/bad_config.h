// A configuration the loader must refuse, and the check that it does; one
// it must accept: shared by the config tests of each section.
#pragma once

#include <gtest/gtest.h>

#include "bgpd/config/config.h"

namespace closbgp::config {

struct BadCase {
  const char* name;
  const char* yaml;
  int line;
  const char* key;
  const char* says;  // a fragment the message must contain
};

// `c` is refused with its line, key and message, named after its file.
inline void expect_refused(const BadCase& c) {
  auto r = parse_config(c.yaml, "leaf.yaml");
  ASSERT_FALSE(r) << c.name;
  EXPECT_EQ(r.error().line, c.line) << c.name << ": " << r.error().to_string();
  EXPECT_EQ(r.error().key, c.key) << c.name << ": " << r.error().to_string();
  EXPECT_NE(r.error().message.find(c.says), std::string::npos)
      << c.name << ": " << r.error().to_string();
  EXPECT_TRUE(r.error().to_string().starts_with("leaf.yaml")) << c.name;
}

// `text` loaded (a failure to load is the test's); an empty Config if not.
inline Config parsed(const std::string& text) {
  auto c = parse_config(text, "leaf.yaml", Files::Leave);
  EXPECT_TRUE(c) << c.error().to_string() << "\n" << text;
  return c ? *c : Config{};
}

}  // namespace closbgp::config
