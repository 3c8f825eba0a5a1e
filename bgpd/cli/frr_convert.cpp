#include "bgpd/cli/frr_convert.h"

#include <set>
#include <sstream>

#include "bgpd/cli/frr_converter.h"

namespace closbgp::cli {
namespace frr {
namespace {

// Lines that only give FRR's file its shape, or configure what closbgpd
// does by itself (Router Advertisements on interface neighbours' links).
bool structural(const Statement& s) {
  const std::string& w = s.at(0);
  return w == "!" || w == "exit" || w == "end" || w == "exit-address-family" ||
         (w == "frr" && s.at(1) == "version");
}

bool interface_line_we_do_ourselves(const Statement& s) {
  return s.text.starts_with("ipv6 nd ra-interval") || s.text == "no ipv6 nd suppress-ra";
}

}  // namespace

std::string Statement::rest(size_t skip) const {
  std::istringstream in(text);
  std::string word;
  for (size_t i = 0; i < skip && in >> word;) ++i;
  std::string r;
  std::getline(in >> std::ws, r);
  return r;
}

const std::string& Statement::at(size_t i) const {
  static const std::string none;
  return i < words.size() ? words[i] : none;
}

YAML::Node count(uint64_t n) {
  return YAML::Node(std::to_string(n));
}

std::optional<uint64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(s);
}

bool known_community_value(const std::string& word) {
  return word != "internet" && word.find_first_of(":-") != std::string::npos;
}

void Converter::statement(const Statement& s) {
  static const std::set<std::string> kBgpWords = {"neighbor",
                                                  "bgp",
                                                  "address-family",
                                                  "network",
                                                  "timers",
                                                  "maximum-paths",
                                                  "redistribute",
                                                  "aggregate-address",
                                                  "no",
                                                  "advertise-all-vni",
                                                  "vni",
                                                  "route-target",
                                                  "exit-vni",
                                                  "advertise",
                                                  "dup-addr-detection",
                                                  "advertise-default-gw",
                                                  "advertise-svi-ip"};
  static const std::set<std::string> kRouteMapWords = {"match",    "set",         "on-match",
                                                       "continue", "description", "call"};
  const std::string& w = s.at(0);
  // Lists are global even when written inside another block.
  const bool global_list =
      w == "bgp" && (s.at(1).ends_with("community-list") || s.at(1) == "as-path");
  // A block ends at an unindented "!", "exit" or "end"; a hand-written file
  // that does not indent may go on with the block's statements after a "!".
  if (structural(s)) {
    if (w == "exit-address-family") family_ = Family::None;
    if (!s.indented && w != "exit-address-family") {
      ended_ = block_;
      block_ = Block::None;
      family_ = Family::None;
    }
    return;
  }
  if (block_ == Block::None && !s.indented && !global_list &&
      ((ended_ == Block::Bgp && kBgpWords.contains(w)) ||
       (ended_ == Block::RouteMap && kRouteMapWords.contains(w))))
    block_ = ended_;
  if (block_ == Block::Bgp && kBgpWords.contains(w) && !global_list) {
    if (!bgp(s)) untranslated(s);
    return;
  }
  if (block_ == Block::RouteMap && kRouteMapWords.contains(w)) {
    if (!route_map_line(s)) untranslated(s);
    return;
  }
  if (block_ == Block::Interface && s.indented) {
    if (!interface_line_we_do_ourselves(s)) untranslated(s);
    return;
  }
  if (block_ == Block::Vrf && s.indented) {
    if (!vrf_line(s)) untranslated(s);
    return;
  }
  if (block_ == Block::TenantBgp && s.indented) {
    if (!tenant_bgp(s))
      untranslated(s,
                   "a tenant's VRF instance gives closbgpd its EVPN advertise and "
                   "route-target lines only");
    return;
  }
  if (block_ == Block::Skipped && s.indented) return;
  top_level(s);
}

void Converter::top_level(const Statement& s) {
  block_ = ended_ = Block::None;
  family_ = Family::None;
  const std::string& w = s.at(0);
  if (w == "frr" && s.at(1) == "defaults") {
    datacenter_ = s.at(2) == "datacenter";
    if (datacenter_) requires_policy_ = false;
  } else if (w == "router" && s.at(1) == "bgp") {
    if (s.words.size() == 5 && s.at(3) == "vrf") {
      vrf_ = s.at(4);
      tenants_[vrf_].instance = true;
      block_ = Block::TenantBgp;
      return;
    }
    if (s.words.size() > 3) {
      untranslated(s, "view instances are not supported; the block is skipped");
      block_ = Block::Skipped;
      return;
    }
    try {
      asn_ = uint32_t(std::stoul(s.at(2)));
    } catch (...) {
      return untranslated(s, "the AS number is not a number");
    }
    block_ = Block::Bgp;
  } else if (w == "interface") {
    block_ = Block::Interface;
  } else if (w == "vrf" && s.words.size() == 2) {
    vrf_ = s.at(1);  // a tenant's L3 VNI comes in it
    block_ = Block::Vrf;
  } else if (w == "exit-vrf" && s.words.size() == 1) {
    // the end of a `vrf` block
  } else if (w == "route-map") {
    if (!route_map_line(s)) untranslated(s);
  } else if ((w == "ip" || w == "ipv6") && s.at(1) == "prefix-list") {
    if (!prefix_list(s)) untranslated(s);
  } else if (w == "bgp" && (s.at(1).ends_with("community-list") || s.at(1) == "as-path")) {
    if (!community_list(s)) untranslated(s);
  } else {
    untranslated(s);
  }
}

void Converter::untranslated(const Statement& s, const std::string& why) {
  out_.untranslated.push_back(file_ + ":" + std::to_string(s.line) + ": " + s.text +
                              (why.empty() ? "" : " (" + why + ")"));
}

void Converter::note(const std::string& text) {
  if (std::find(out_.notes.begin(), out_.notes.end(), text) == out_.notes.end())
    out_.notes.push_back(text);
}

FrrConversion Converter::finish() {
  // FRR lets a route-map name a list that does not exist, and it matches
  // nothing; closbgpd refuses the name, so the list is written empty.
  for (const auto& [section, name] : list_uses_)
    if (lists_[section].try_emplace(name).second)
      note(section.substr(0, section.size() - 1) + " " + name +
           " is used by a route-map but not defined: written empty (it matches nothing, as in "
           "FRR)");
  YAML::Node root = bgp_section();
  for (const char* section : {"prefix-lists", "community-lists", "large-community-lists",
                              "ext-community-lists", "as-path-lists"}) {
    auto it = lists_.find(section);
    if (it == lists_.end()) continue;
    for (const auto& [name, entries] : it->second) {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& [seq, entry] : entries) list.push_back(entry);
      if (entries.empty()) list.SetStyle(YAML::EmitterStyle::Flow);
      root[section][name] = list;
    }
  }
  for (const auto& [name, entries] : route_maps_) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& [seq, entry] : entries) list.push_back(entry);
    root["route-maps"][name] = list;
  }
  std::string header = "# Converted from " + file_ + " by closctl convert-frr.\n";
  if (!out_.untranslated.empty())
    header += "# " + std::to_string(out_.untranslated.size()) +
              " lines were not translated; closctl listed them. Review before use.\n";
  for (const auto& n : out_.notes) header += "# Note: " + n + "\n";
  out_.yaml = header + YAML::Dump(root) + "\n";
  return std::move(out_);
}

}  // namespace frr

FrrConversion convert_frr(std::string_view text, const std::string& file) {
  frr::Converter c(file);
  std::istringstream in{std::string(text)};
  std::string raw;
  for (int line = 1; std::getline(in, raw); ++line) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    frr::Statement s;
    s.line = line;
    std::istringstream words(raw);
    for (std::string w; words >> w;) s.words.push_back(w);
    if (s.words.empty()) continue;
    s.indented = raw.front() == ' ' || raw.front() == '\t';
    const auto first = raw.find_first_not_of(" \t");
    s.text = raw.substr(first, raw.find_last_not_of(" \t") - first + 1);
    c.statement(s);
  }
  return c.finish();
}

}  // namespace closbgp::cli
