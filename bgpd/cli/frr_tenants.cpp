// FRR's routed tenants (symmetric IRB) into closbgpd's `evpn.vrfs`: zebra's
// `vrf NAME` / ` vni N` gives a VRF its L3 VNI; the VRF's BGP instance
// (`router bgp ASN vrf NAME`, the default VRF's being `router bgp ASN`
// itself) says in its `address-family l2vpn evpn` which subnets go out as
// type 5 (`advertise ipv4|ipv6 unicast [route-map M]`) and the tenant's
// route targets. closbgpd's tenant advertises its SVIs' subnets itself: a
// VRF instance's `redistribute connected` is what it does anyway; sessions
// and routes inside a VRF are not converted.
#include "bgpd/cli/frr_converter.h"

namespace closbgp::cli::frr {

bool Converter::vrf_line(const Statement& s) {
  if (s.at(0) != "vni" || !number(s.at(1)) || s.words.size() != 2) return false;
  tenants_[vrf_].l3vni = uint32_t(*number(s.at(1)));
  return true;
}

bool Converter::tenant_bgp(const Statement& s) {
  const std::string& w = s.at(0);
  if (w == "address-family") {
    family_ = s.at(1) == "l2vpn" && s.at(2) == "evpn" ? Family::Evpn
              : s.at(2) == "unicast"                  ? Family::Ipv4
                                                      : Family::Other;
    return family_ != Family::Other;
  }
  if (family_ == Family::Evpn) return tenant_evpn(s, tenants_[vrf_]);
  return family_ == Family::Ipv4 && w == "redistribute" && s.at(1) == "connected" &&
         s.words.size() == 2;
}

bool Converter::tenant_evpn(const Statement& s, Tenant& t) {
  const std::string& w = s.at(0);
  // advertise ipv4|ipv6 unicast [route-map NAME]: the tenant's type 5.
  if (w == "advertise" && s.at(2) == "unicast" && (s.at(1) == "ipv4" || s.at(1) == "ipv6") &&
      (s.words.size() == 3 || (s.words.size() == 5 && s.at(3) == "route-map"))) {
    t.families.insert(s.at(1) + "-unicast");
    if (s.words.size() == 5 && t.route_map.empty()) t.route_map = s.at(4);
    if (s.words.size() == 5 && t.route_map != s.at(4))
      note("advertise " + s.at(1) + " unicast route-map " + s.at(4) +
           ": closbgpd has one route-map for a tenant's subnets, " + t.route_map +
           " is written (match family: in it tells the families apart)");
    return true;
  }
  return route_target(s, t.targets);
}

bool Converter::route_target(const Statement& s, Targets& targets) {
  const std::string& how = s.at(1);
  if (s.at(0) != "route-target" || s.words.size() != 3 ||
      (how != "import" && how != "export" && how != "both"))
    return false;
  if (how != "export") targets.first = s.at(2);
  if (how != "import") targets.second = s.at(2);
  return true;
}

std::optional<std::string> Converter::one_target(const std::string& what, const Targets& targets) {
  const auto& [import, export_] = targets;
  if (import.empty() && export_.empty()) return std::nullopt;
  if (import != export_)
    note(what + ": closbgpd imports and exports one route target; " +
         (export_.empty() ? import : export_) + " is written, check the other leaves");
  return export_.empty() ? import : export_;
}

void Converter::tenants_section(YAML::Node& root) {
  for (const auto& [name, t] : tenants_) {
    if (!t.l3vni && !t.instance && t.families.empty() && t.targets == Targets{}) continue;
    const bool instance = name == "default" ? asn_.has_value() : t.instance;
    if (!t.l3vni || !instance) {
      note("vrf " + name + ": " +
           (t.l3vni ? "an L3 VNI but no `router bgp ASN vrf " + name + "`"
                    : std::string("no `vni N` in zebra's `vrf ") + name + "` block") +
           ": FRR routes no tenant there, none is written");
      continue;
    }
    YAML::Node vrf;
    vrf["name"] = name;
    vrf["vni"] = count(*t.l3vni);
    if (auto rt = one_target("vrf " + name, t.targets)) vrf["route-target"] = *rt;
    vrf["advertise"] = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& f : t.families) vrf["advertise"].push_back(f);
    // FRR advertises every subnet when the route-map does not exist.
    if (!t.route_map.empty() && route_maps_.contains(t.route_map))
      vrf["route-map"] = t.route_map;
    else if (!t.route_map.empty())
      note("advertise ... unicast route-map " + t.route_map +
           ": the route-map is not defined; every subnet goes out as type 5, as in FRR");
    root["evpn"]["vrfs"].push_back(vrf);
  }
}

}  // namespace closbgp::cli::frr
