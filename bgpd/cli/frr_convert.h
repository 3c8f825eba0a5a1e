// closctl convert-frr: the common subset of an FRR configuration (frr.conf,
// or vtysh's show running-config) as closbgpd YAML: `router bgp` with its
// neighbours by interface or address, peer-groups (as peer-templates),
// listen ranges, timers, BFD, passwords, per-family networks, aggregates,
// redistribute connected, maximum-paths and neighbour policy; prefix-lists,
// community lists, as-path lists and route-maps. FRR's defaults are
// written where ours differ (BFD off, no multipath-relax, the traditional
// profile's timers, RFC 8212), so the result behaves as the FRR router did.
// Every line it cannot translate is named, with its line number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace closbgp::cli {

struct FrrConversion {
  std::string yaml;                       // a closbgpd configuration
  std::vector<std::string> untranslated;  // "frr.conf:12: neighbor swp1 ebgp-multihop 2"
  std::vector<std::string> notes;         // what the operator should check
};

// `file` names the text in the lines it reports.
FrrConversion convert_frr(std::string_view text, const std::string& file);

}  // namespace closbgp::cli
