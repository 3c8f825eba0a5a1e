#include "bgpd/config/state_file.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace closbgp::config {

std::expected<SavedState, std::string> load_state(const std::string& path) {
  SavedState s;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return s;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    if (!root || root.IsNull()) return s;
    if (root["drain"]) s.drain = root["drain"].as<std::string>();
    if (const auto n = root["neighbors"]; n && n.IsMap())
      for (auto it = n.begin(); it != n.end(); ++it)
        s.neighbors[it->first.as<std::string>()] = it->second.as<std::string>();
  } catch (const YAML::Exception& e) {
    return std::unexpected(path + ": " + e.what());
  }
  return s;
}

std::expected<void, std::string> save_state(const std::string& path, const SavedState& state) {
  YAML::Emitter out;
  out << YAML::Comment("written by closbgpd: run-time state that survives restarts");
  out << YAML::BeginMap;
  if (!state.drain.empty()) out << YAML::Key << "drain" << YAML::Value << state.drain;
  if (!state.neighbors.empty()) {
    out << YAML::Key << "neighbors" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, drain] : state.neighbors)
      out << YAML::Key << name << YAML::Value << drain;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << out.c_str() << "\n";
    if (!f.flush()) return std::unexpected("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return std::unexpected("cannot replace " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace closbgp::config
