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
    if (const auto d = root["shutdown"]; d && d.IsSequence())
      for (const auto& name : d) s.shutdown.insert(name.as<std::string>());
    if (const auto r = root["routes"]; r && r.IsMap())
      for (auto it = r.begin(); it != r.end(); ++it) {
        SavedRoute route;
        const YAML::Node v = it->second;
        if (v["communities"]) route.communities = v["communities"].as<std::vector<std::string>>();
        if (v["large-communities"])
          route.large_communities = v["large-communities"].as<std::vector<std::string>>();
        if (v["med"]) route.med = v["med"].as<uint32_t>();
        s.routes[it->first.as<std::string>()] = std::move(route);
      }
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
  if (!state.shutdown.empty())
    out << YAML::Key << "shutdown" << YAML::Value << YAML::Flow
        << std::vector<std::string>(state.shutdown.begin(), state.shutdown.end());
  if (!state.routes.empty()) {
    out << YAML::Key << "routes" << YAML::Value << YAML::BeginMap;
    for (const auto& [prefix, r] : state.routes) {
      out << YAML::Key << prefix << YAML::Value << YAML::BeginMap;
      if (!r.communities.empty())
        out << YAML::Key << "communities" << YAML::Value << YAML::Flow << r.communities;
      if (!r.large_communities.empty())
        out << YAML::Key << "large-communities" << YAML::Value << YAML::Flow << r.large_communities;
      if (r.med) out << YAML::Key << "med" << YAML::Value << *r.med;
      out << YAML::EndMap;
    }
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
