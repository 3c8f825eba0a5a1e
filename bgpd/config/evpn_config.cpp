#include "bgpd/config/evpn_config.h"

#include "policy/community.h"

namespace closbgp::config {

using namespace yaml;

Evpn parse_evpn(const YAML::Node& n) {
  Section s(n, "evpn", {"advertise-all-vni", "vnis"});
  Evpn e;
  if (s.has("advertise-all-vni"))
    e.advertise_all_vni = boolean(s.get("advertise-all-vni"), "evpn.advertise-all-vni");
  if (!s.has("vnis")) return e;
  const auto list = s.get("vnis");
  if (!list.IsSequence()) fail(list, "evpn.vnis", "must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "evpn.vnis[" + std::to_string(i) + "]";
    Section v(list[i], path, {"vni", "route-target"});
    if (!v.has("vni")) fail(list[i], path + ".vni", "is required");
    EvpnVni vni;
    vni.vni = uint32_t(number(v.get("vni"), path + ".vni", 1, 16777215));
    for (const auto& other : e.vnis)
      if (other.vni == vni.vni)
        fail(list[i], path + ".vni", std::to_string(vni.vni) + " is listed twice");
    if (v.has("route-target")) {
      const std::string text = scalar(v.get("route-target"), path + ".route-target");
      const auto rt = policy::parse_ext_community("rt:" + text);
      if (!rt)
        fail(v.get("route-target"), path + ".route-target",
             "'" + text + "' must be AS:N or IPv4:N (65000:100, 10.0.0.1:100)");
      vni.route_target = *rt;
    }
    e.vnis.push_back(vni);
  }
  return e;
}

std::map<uint32_t, uint64_t> route_targets(const Evpn& e) {
  std::map<uint32_t, uint64_t> out;
  for (const auto& v : e.vnis)
    if (v.route_target) out.emplace(v.vni, v.route_target);
  return out;
}

}  // namespace closbgp::config
