#include "bgpd/config/yaml_reader.h"

#include <charconv>

namespace closbgp::config::yaml {

int line_of(const YAML::Node& n) {
  return n.Mark().line + 1;
}

void fail(const YAML::Node& n, const std::string& key, std::string message) {
  throw Invalid{line_of(n), key, std::move(message)};
}

Section::Section(const YAML::Node& node, std::string path, std::set<std::string> allowed)
    : node_(node), path_(std::move(path)) {
  if (!node.IsMap()) fail(node, path_, "must be a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const auto key = it->first.as<std::string>();
    if (!allowed.contains(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(it->first, key_path(key), "unknown key (allowed: " + list + ")");
    }
  }
}

std::string scalar(const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(n, key, "must be a single value");
  return n.Scalar();
}

uint64_t number(const YAML::Node& n, const std::string& key, uint64_t lo, uint64_t hi) {
  const std::string s = scalar(n, key);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) fail(n, key, "'" + s + "' is not a number");
  if (v < lo || v > hi)
    fail(n, key,
         std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

bool boolean(const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(n, key);
  if (s == "true") return true;
  if (s == "false") return false;
  fail(n, key, "'" + s + "' must be true or false");
}

wire::Prefix prefix(const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(n, key);
  auto p = wire::Prefix::parse(s);
  if (!p) fail(n, key, "'" + s + "' is not a prefix like 10.0.0.0/24 or 2001:db8::/64");
  // 10.0.0.11/24 is most often a host address written where its network
  // was meant, or the reverse: say so rather than mask it silently.
  if (wire::IpAddress::parse(s.substr(0, s.find('/'))) != p->address())
    fail(n, key, "'" + s + "' has bits set beyond its length: " + p->to_string() + "?");
  return *p;
}

void check_unique_keys(const YAML::Node& n) {
  if (n.IsSequence())
    for (const auto& item : n) check_unique_keys(item);
  if (!n.IsMap()) return;
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (it->first.IsScalar() && !seen.insert(it->first.Scalar()).second)
      fail(it->first, it->first.Scalar(),
           "is given twice in one mapping (YAML would keep the first silently)");
    check_unique_keys(it->second);
  }
}

std::vector<YAML::Node> items(const YAML::Node& n) {
  if (n.IsScalar()) return {n};
  std::vector<YAML::Node> out;
  if (n.IsSequence())
    for (const auto& i : n) out.push_back(i);
  return out;
}

}  // namespace closbgp::config::yaml
