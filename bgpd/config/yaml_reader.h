// Reading YAML with errors that name the line and key: used by every part
// of config loading. Errors are thrown as Invalid inside the loader and
// turned into ConfigError at its boundary (config load is start-up, not the
// event loop).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>

#include "bgpd/wire/ip.h"

namespace closbgp::config::yaml {

struct Invalid {
  int line;
  std::string key;
  std::string message;
};

int line_of(const YAML::Node& n);
[[noreturn]] void fail(const YAML::Node& n, const std::string& key, std::string message);

// A mapping whose keys are checked against the ones allowed.
class Section {
 public:
  Section(const YAML::Node& node, std::string path, std::set<std::string> allowed);
  YAML::Node get(const std::string& key) const { return node_[key]; }
  bool has(const std::string& key) const { return bool(node_[key]); }
  std::string key_path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }

 private:
  YAML::Node node_;
  std::string path_;
};

std::string scalar(const YAML::Node& n, const std::string& key);
uint64_t number(const YAML::Node& n, const std::string& key, uint64_t lo, uint64_t hi);
bool boolean(const YAML::Node& n, const std::string& key);
// "10.0.0.0/24": a prefix without bits set beyond its length.
wire::Prefix prefix(const YAML::Node& n, const std::string& key);
// Fails on a mapping anywhere in `n` that gives one key twice.
void check_unique_keys(const YAML::Node& n);
// A sequence, or one scalar taken as a sequence of one.
std::vector<YAML::Node> items(const YAML::Node& n);

}  // namespace closbgp::config::yaml
