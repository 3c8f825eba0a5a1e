// A small streaming JSON writer, for closctl's output and the daemon's JSON
// log lines: commas and escaping handled, and text that is not UTF-8 (bytes
// a peer sent) made valid with U+FFFD in place of each bad sequence.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace closbgp::json {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& value(T n) { return number(std::to_string(n)); }
  JsonWriter& value(double d);  // null for what JSON cannot write (NaN, infinities)
  JsonWriter& value(bool b);
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  const std::string& str() const { return out_; }

 private:
  JsonWriter& number(const std::string& text);
  void separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool after_key_ = false;
};

}  // namespace closbgp::json
