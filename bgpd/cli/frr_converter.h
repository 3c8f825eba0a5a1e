// The state of one FRR-to-YAML conversion (frr_convert.h): the statements of
// `router bgp` (frr_bgp.cpp, its neighbours frr_neighbor.cpp) and of the
// policy sections (frr_policy.cpp) fill it; output() writes the YAML.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bgpd/cli/frr_convert.h"

namespace closbgp::cli::frr {

// One line of the file: its number, its words, and the text after the
// first `skip` words (descriptions).
struct Statement {
  int line = 0;
  std::vector<std::string> words;
  std::string text;  // without the indentation
  bool indented = false;
  std::string rest(size_t skip) const;
  const std::string& at(size_t i) const;  // "" past the end
};

// A neighbour, or a peer-group (a template), as FRR names it.
struct Neighbor {
  enum class Kind { Group, Interface, Address } kind = Kind::Address;
  std::string group;  // its peer-group
  YAML::Node settings{YAML::NodeType::Map};
};

class Converter {
 public:
  explicit Converter(std::string file) : file_(std::move(file)) {}

  void statement(const Statement& s);  // one line, in order
  FrrConversion finish();

 private:
  enum class Block { None, Bgp, RouteMap, Interface, Vrf, TenantBgp, Skipped };
  using Targets = std::pair<std::string, std::string>;  // import, export
  // A routed tenant as FRR spreads it (frr_tenants.cpp).
  struct Tenant {
    std::optional<uint32_t> l3vni;  // zebra's `vrf NAME` / ` vni N`
    bool instance = false;          // `router bgp ASN vrf NAME` was seen
    std::set<std::string> families;
    std::string route_map;  // advertise ... unicast route-map NAME (one for both)
    Targets targets;
  };
  enum class Family { None, Ipv4, Ipv6, Evpn, Other };

  void top_level(const Statement& s);
  bool bgp(const Statement& s);  // false: not translated
  bool bgp_global(const Statement& s);
  bool address_family(const Statement& s);
  bool evpn(const Statement& s);
  bool vrf_line(const Statement& s);    // inside zebra's `vrf NAME`
  bool tenant_bgp(const Statement& s);  // inside `router bgp ASN vrf NAME`
  bool tenant_evpn(const Statement& s, Tenant& t);
  bool route_target(const Statement& s, Targets& targets);
  // The one target closbgpd gives `what` (noted when FRR's differ).
  std::optional<std::string> one_target(const std::string& what, const Targets& targets);
  void tenants_section(YAML::Node& root);
  bool neighbor(const Statement& s);
  bool neighbor_in_family(const Statement& s, Neighbor& n);
  bool prefix_list(const Statement& s);
  bool community_list(const Statement& s);
  bool route_map_line(const Statement& s);
  bool route_map_match(const Statement& s, YAML::Node& entry);
  bool route_map_set(const Statement& s, YAML::Node& entry);

  Neighbor& neighbor_named(const std::string& name);
  void untranslated(const Statement& s, const std::string& why = "");
  void note(const std::string& text);
  YAML::Node bgp_section();
  YAML::Node neighbors_section();

  std::string file_;
  Block block_ = Block::None;
  Block ended_ = Block::None;  // the block the last unindented "!" ended
  Family family_ = Family::None;
  bool datacenter_ = false;  // `frr defaults datacenter`
  std::optional<uint32_t> asn_;
  std::string router_id_;
  YAML::Node global_{YAML::NodeType::Map};  // settings of our top level
  bool requires_policy_ = true;             // FRR's RFC 8212 default outside datacenter
  bool relax_ = false;                      // bgp bestpath as-path multipath-relax
  std::optional<uint32_t> max_paths_;
  std::map<std::string, Neighbor> neighbors_;
  std::vector<std::string> neighbor_order_;
  std::vector<std::pair<std::string, std::string>> listen_ranges_;  // prefix, peer-group
  YAML::Node networks_{YAML::NodeType::Sequence}, aggregates_{YAML::NodeType::Sequence};
  YAML::Node redistribute_;
  std::optional<uint32_t> vni_;  // inside `vni N` of the EVPN family
  std::map<uint32_t, Targets> vni_targets_;
  std::map<std::string, Tenant> tenants_;  // by VRF, "default" the main table's
  std::string vrf_;                        // of the `vrf` or VRF `router bgp` block being read
  // Named lists: section -> name -> seq -> entry (FRR orders entries by seq).
  std::map<std::string, std::map<std::string, std::map<uint64_t, YAML::Node>>> lists_;
  std::map<std::string, std::map<uint32_t, YAML::Node>> route_maps_;
  YAML::Node* entry_ = nullptr;                                 // the route-map entry being read
  std::vector<std::pair<std::string, std::string>> list_uses_;  // section, name (route-maps)
  FrrConversion out_;
};

// A decimal number of up to ten digits; nullopt for anything else.
std::optional<uint64_t> number(const std::string& s);
// A count as YAML writes it.
YAML::Node count(uint64_t n);

// FRR's community words are ours but for "internet" (no equivalent: none).
bool known_community_value(const std::string& word);

}  // namespace closbgp::cli::frr
