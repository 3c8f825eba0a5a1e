#include "bgpd/cli/command_tree.h"

#include <algorithm>

namespace closbgp::cli {
namespace {

// A keyword and what may follow it: more keywords, or (`argument`) one
// argument and then the keywords of `after_argument` (show bgp neighbors N
// received-routes). A leaf takes whatever arguments its command takes.
// `whole`: typed in full only, so that a rare keyword never takes a
// frequent one's abbreviation ("sh b sum" stays show bgp summary).
struct Node {
  const char* word;
  const char* help;
  std::vector<Node> children{};
  bool argument = false;
  std::vector<Node> after_argument{};
  bool whole = false;
};

const std::vector<Node>& tree() {
  static const std::vector<Node> root = {
      {"show",
       "what the daemon holds",
       {{"bgp",
         "sessions and routes",
         {{"summary", "every neighbour: state, uptime, prefixes"},
          {"routes", "the RIB by prefix [ipv4|ipv6] [PFX|ADDRESS [longer-prefixes]] [community C]"},
          {"route", "one prefix in detail, who it is sent to: PFX|ADDRESS"},
          {"nexthop", "next hops resolved through the routing table, and where they go"},
          {"evpn",
           "the L2VPN EVPN table",
           {{"routes", "every route and its paths [type 1-5] [vni V] [rd RD]"}}},
          {"neighbors",
           "one neighbour in detail: NEIGHBOR [received-routes|advertised-routes]",
           {},
           true,
           {{"received-routes", "what it sent us, before policy"},
            {"advertised-routes", "what we send it"}}}}},
        {"evpn",
         "a leaf's VNIs, found in the kernel",
         {{"vni", "each VNI: VTEP, RD, route targets, MACs, remote VTEPs [VNI]"},
          {"mac", "a VNI's MACs, local and remote: vni VNI"},
          {"arp-cache", "a VNI's addresses, local and remote: vni VNI"},
          {"vrf", "the routed tenant: L3 VNI, router MACs, type-5 subnets, routes"}}},
        {"fib", "the kernel's routes of ours against the RIB's [PFX]"},
        {"running-config", "the configuration it runs: defaults written out, no secrets"},
        {"bmp", "the BMP collectors: connection, messages written, drops", {}, false, {}, true}}},
      {"neighbor",
       "act on one neighbour",
       {{"reset", "restart its session, or --soft [in|out] re-apply policy"},
        {"shutdown", "keep it down: NEIGHBOR [MESSAGE...]"},
        {"enable", "bring it back: NEIGHBOR"}}},
      {"config",
       "the configuration",
       {{"validate", "check a file closctl reads [FILE]"},
        {"reload", "apply what changed in the running file [--confirm SECONDS]"},
        {"confirm", "keep what a reload --confirm applied"}}},
      {"clear",
       "what the daemon flagged",
       {{"evpn",
         "a leaf's VNIs",
         {{"dup-addr", "duplicate MACs frozen no more [vni all|VNI [mac MAC]]"}}}}},
      {"drain", "advertise with GRACEFUL_SHUTDOWN and a longer path [NEIGHBOR]"},
      {"undrain", "back to live [NEIGHBOR]"},
      {"warm", "advertise nothing, keep RIB and FIB [NEIGHBOR]"},
      {"route",
       "routes of the node's own",
       {{"add", "originate PFX [community C,..] [large-community L,..] [med N]"},
        {"del", "withdraw a prefix added with route add: PFX"}}},
      {"watch", "events as they happen [peer|bfd|route|fib ...]"},
      {"dump",
       "snapshots for offline tools",
       {{"rib", "the Loc-RIB as MRT TABLE_DUMP_V2 into FILE (bgpdump reads it) [--table T]"}}},
      {"debug", "a module's log level until the next reload: MODULE|all LEVEL"},
      {"version", "client and daemon versions"},
      {"decode", "decode BGP messages offline [OPTIONS] [HEX]"},
      {"convert-frr", "an FRR configuration as closbgpd YAML, offline: FILE"},
  };
  return root;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// Where the keyword `word` leads among `level`, or why it leads nowhere.
std::expected<const Node*, std::string> find(const std::vector<Node>& level,
                                             const std::string& word) {
  std::vector<const Node*> starting;
  for (const auto& n : level) {
    if (word == n.word) return &n;
    if (!n.whole && std::string_view(n.word).starts_with(word)) starting.push_back(&n);
  }
  if (starting.size() == 1) return starting.front();
  std::vector<std::string> names;
  if (!starting.empty()) {
    for (const auto* n : starting) names.push_back(n->word);
    return std::unexpected("'" + word + "' is ambiguous: " + joined(names));
  }
  for (const auto& n : level)
    if (edit_distance(word, n.word) <= 2) names.push_back(n.word);
  return std::unexpected("unknown command word '" + word + "'" +
                         (names.empty() ? "" : "; did you mean " + joined(names) + "?"));
}

}  // namespace

std::expected<std::vector<std::string>, std::string> expand_keywords(
    const std::vector<std::string>& words) {
  std::vector<std::string> out;
  const std::vector<Node>* level = &tree();
  for (size_t i = 0; i < words.size(); ++i) {
    if (!level || level->empty()) {  // arguments from here on
      out.insert(out.end(), words.begin() + std::ptrdiff_t(i), words.end());
      break;
    }
    auto node = find(*level, words[i]);
    if (!node) return std::unexpected(node.error());
    out.push_back((*node)->word);
    if ((*node)->argument && i + 1 < words.size()) {
      out.push_back(words[++i]);
      level = &(*node)->after_argument;
    } else {
      level = &(*node)->children;
    }
  }
  return out;
}

std::vector<Keyword> next_keywords(const std::vector<std::string>& words) {
  const std::vector<Node>* level = &tree();
  for (size_t i = 0; i < words.size() && level; ++i) {
    auto node = find(*level, words[i]);
    if (!node) return {};
    if ((*node)->argument) {
      if (++i >= words.size()) return {};  // the argument is next
      level = &(*node)->after_argument;
    } else {
      level = &(*node)->children;
    }
  }
  std::vector<Keyword> out;
  for (const auto& n : *level) out.push_back({n.word, n.help});
  return out;
}

}  // namespace closbgp::cli
