#include "bgpd/config/evpn_config.h"

#include <algorithm>
#include <set>

#include "bgpd/config/policy_config.h"
#include "policy/community.h"

namespace closbgp::config {

using namespace yaml;

namespace {

// The sequence under `key`, each item a mapping at "evpn.KEY[i]".
template <class Item>
void each_item(const Section& s, const std::string& key, Item item) {
  if (!s.has(key)) return;
  const auto list = s.get(key);
  if (!list.IsSequence()) fail(list, "evpn." + key, "must be a list");
  for (size_t i = 0; i < list.size(); ++i)
    item(list[i], "evpn." + key + "[" + std::to_string(i) + "]");
}

uint32_t vni_of(const YAML::Node& n, const Section& s, const std::string& path) {
  if (!s.has("vni")) fail(n, path + ".vni", "is required");
  return uint32_t(number(s.get("vni"), path + ".vni", 1, 16777215));
}

uint64_t route_target_of(const Section& s, const std::string& path) {
  if (!s.has("route-target")) return 0;
  const std::string text = scalar(s.get("route-target"), path + ".route-target");
  const auto rt = policy::parse_ext_community("rt:" + text);
  if (!rt)
    fail(s.get("route-target"), path + ".route-target",
         "'" + text + "' must be AS:N or IPv4:N (65000:100, 10.0.0.1:100)");
  return *rt;
}

void parse_advertise(const YAML::Node& n, const std::string& path, EvpnVrf& vrf) {
  vrf.ipv4 = vrf.ipv6 = false;
  for (const auto& item : items(n)) {
    const std::string family = scalar(item, path);
    if (family == "ipv4-unicast")
      vrf.ipv4 = true;
    else if (family == "ipv6-unicast")
      vrf.ipv6 = true;
    else
      fail(item, path, "'" + family + "' must be ipv4-unicast or ipv6-unicast");
  }
}

// false, or {max-moves: N, time: S, freeze: S | permanent}, FRR's ranges.
EvpnDuplicates parse_duplicates(const YAML::Node& n) {
  const std::string path = "evpn.duplicate-detection";
  EvpnDuplicates d;
  if (n.IsScalar()) {
    d.enabled = boolean(n, path);
    return d;
  }
  Section s(n, path, {"max-moves", "time", "freeze"});
  if (s.has("max-moves"))
    d.max_moves = uint32_t(number(s.get("max-moves"), path + ".max-moves", 2, 1000));
  if (s.has("time")) d.time = uint32_t(number(s.get("time"), path + ".time", 2, 1800));
  if (s.has("freeze"))
    d.freeze = s.get("freeze").IsScalar() && s.get("freeze").Scalar() == "permanent"
                   ? 0
                   : uint32_t(number(s.get("freeze"), path + ".freeze", 30, 3600));
  return d;
}

}  // namespace

Evpn parse_evpn(const YAML::Node& n, const policy::Policies& policies) {
  Section s(n, "evpn",
            {"advertise-all-vni", "advertise-default-gw", "advertise-svi-ip", "vnis", "vrfs",
             "duplicate-detection"});
  Evpn e;
  if (s.has("advertise-all-vni"))
    e.advertise_all_vni = boolean(s.get("advertise-all-vni"), "evpn.advertise-all-vni");
  for (const auto& [key, flag] : {std::pair{"advertise-default-gw", &e.advertise_default_gw},
                                  std::pair{"advertise-svi-ip", &e.advertise_svi_ip}}) {
    if (!s.has(key)) continue;
    *flag = boolean(s.get(key), std::string("evpn.") + key);
    if (*flag && !e.advertise_all_vni)
      fail(s.get(key), std::string("evpn.") + key,
           "needs advertise-all-vni: true (the SVIs are the kernel's VNIs' bridges)");
  }
  if (e.advertise_default_gw && e.advertise_svi_ip)
    fail(s.get("advertise-svi-ip"), "evpn.advertise-svi-ip",
         "and advertise-default-gw both advertise the SVIs' addresses: choose one");
  // A VNI is listed once, as bridged or as a tenant's L3 VNI.
  std::set<uint32_t> listed;
  const auto once = [&](const YAML::Node& item, const std::string& path, uint32_t vni) {
    if (!listed.insert(vni).second)
      fail(item, path + ".vni", std::to_string(vni) + " is listed twice");
  };
  each_item(s, "vnis", [&](const YAML::Node& item, const std::string& path) {
    Section v(item, path, {"vni", "route-target"});
    EvpnVni vni{vni_of(item, v, path), route_target_of(v, path)};
    once(item, path, vni.vni);
    e.vnis.push_back(vni);
  });
  each_item(s, "vrfs", [&](const YAML::Node& item, const std::string& path) {
    Section v(item, path, {"name", "vni", "route-target", "advertise", "route-map"});
    EvpnVrf vrf;
    if (!v.has("name")) fail(item, path + ".name", "is required (default: the main table)");
    vrf.name = scalar(v.get("name"), path + ".name");
    // A kernel VRF device's name (IFNAMSIZ), or `default`: the main table.
    if (vrf.name.empty() || vrf.name.size() > 15 ||
        vrf.name.find_first_of("/ \t:") != std::string::npos)
      fail(item, path + ".name",
           "'" + vrf.name + "' is no interface name (a VRF device's, at most 15 characters)");
    if (std::ranges::any_of(e.vrfs, [&](const EvpnVrf& o) { return o.name == vrf.name; }))
      fail(item, path + ".name", "'" + vrf.name + "' is listed twice");
    vrf.vni = vni_of(item, v, path);
    once(item, path, vrf.vni);
    vrf.route_target = route_target_of(v, path);
    if (v.has("advertise")) parse_advertise(v.get("advertise"), path + ".advertise", vrf);
    if (v.has("route-map")) {
      vrf.route_map = scalar(v.get("route-map"), path + ".route-map");
      require_route_map(policies, v.get("route-map"), path + ".route-map");
    }
    e.vrfs.push_back(vrf);
  });
  if (!e.vrfs.empty() && !e.advertise_all_vni)
    fail(s.get("vrfs"), "evpn.vrfs",
         "needs advertise-all-vni: true (the VNIs come from the kernel)");
  if (s.has("duplicate-detection")) e.duplicates = parse_duplicates(s.get("duplicate-detection"));
  return e;
}

std::map<uint32_t, uint64_t> route_targets(const Evpn& e) {
  std::map<uint32_t, uint64_t> out;
  for (const auto& v : e.vnis)
    if (v.route_target) out.emplace(v.vni, v.route_target);
  for (const auto& v : e.vrfs)
    if (v.route_target) out.emplace(v.vni, v.route_target);
  return out;
}

}  // namespace closbgp::config
