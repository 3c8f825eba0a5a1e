// closctl: the command-line client of closbgpd's gRPC API, plus offline tools.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/cli/command_tree.h"
#include "bgpd/cli/commands.h"
#include "bgpd/cli/decode_command.h"
#include "bgpd/cli/frr_convert.h"
#include "bgpd/version.h"
#include "bgpd/wire/hex.h"

using namespace closbgp;
using namespace closbgp::cli;

namespace {

constexpr const char* kUsage =
    "Usage: closctl [--server ADDR] [--json] [--timeout SEC] COMMAND\n"
    "Query and control closbgpd. Every command word may be abbreviated to a\n"
    "unique prefix (closctl sh bgp sum); `closctl show bgp help` (or ?) lists\n"
    "what may follow.\n"
    "\n"
    "Commands:\n"
    "  show bgp summary       every neighbour: state, uptime, messages, prefixes\n"
    "  show bgp routes [ipv4|ipv6] [PFX|ADDRESS [longer-prefixes]] [community C]\n"
    "                         the RIB by prefix: each prefix's paths together, best first,\n"
    "                         our own as \"local\"; an ADDRESS finds the longest prefix holding "
    "it\n"
    "  show bgp route PFX|ADDRESS\n"
    "                         one prefix in detail: every path's attributes, and the\n"
    "                         neighbours it is advertised to\n"
    "  show bgp nexthop       the next hops resolved through the routing table (loopback\n"
    "                         sessions, third parties): the route each resolves through,\n"
    "                         the links it goes out on\n"
    "  show bgp neighbors [N]\n"
    "                         one neighbour in detail (without N: the summary)\n"
    "  show bgp neighbors N received-routes|advertised-routes [PFX|ADDRESS [longer-prefixes]]\n"
    "                         what it sent us (before policy), or what we send it;\n"
    "                         community C after either: only the paths that carry C\n"
    "  show fib [PFX]         the kernel's routes of ours against what the RIB wants\n"
    "  show running-config    the configuration the daemon runs: every default written\n"
    "                         out, peer templates applied, passwords hidden\n"
    "  show bmp               the BMP collectors: connection, messages written, drops\n"
    "  neighbor reset N [--soft [in|out]]\n"
    "                         restart a session (a Hard Reset), or re-apply its policy\n"
    "  neighbor shutdown N [MESSAGE...] | neighbor enable N\n"
    "                         keep a neighbour down (kept across restarts), or bring it back\n"
    "  config validate [FILE]\n"
    "                         check a file closctl reads (default: the running one)\n"
    "  config reload [--confirm SECONDS]\n"
    "                         re-read the running configuration and apply what changed;\n"
    "                         with --confirm, undone after SECONDS unless confirmed\n"
    "  config confirm         keep what config reload --confirm applied\n"
    "  clear evpn dup-addr [vni all|VNI [mac MAC]]\n"
    "                         a leaf's duplicate MACs frozen no more, advertised again\n"
    "  drain [NEIGHBOR]       advertise with GRACEFUL_SHUTDOWN and a longer AS path\n"
    "  undrain [NEIGHBOR]     back to live\n"
    "  warm [NEIGHBOR]        advertise nothing (RIB and FIB stay)\n"
    "  route add PFX [community C,..] [large-community L,..] [med N]\n"
    "                         originate a prefix (a service address); kept across restarts\n"
    "  route del PFX          withdraw a prefix added with route add\n"
    "  watch [KIND...]        events as they happen (peer, bfd, route, fib; default all)\n"
    "  dump rib FILE [--table ipv4-unicast|ipv6-unicast|l2vpn-evpn]\n"
    "                         the Loc-RIB as an MRT TABLE_DUMP_V2 file (RFC 6396): every\n"
    "                         path of every prefix (bgpdump and bgpkit read it), then\n"
    "                         of every EVPN route (RIB_GENERIC)\n"
    "  debug MODULE LEVEL     a module's log level (api, bfd, bmp, config, evpn, fib, main,\n"
    "                         mrt, session; all: every one) until a reload changes logging,\n"
    "                         or a restart\n"
    "  version                client and daemon versions\n"
    "  convert-frr FILE       an FRR configuration (frr.conf) as closbgpd YAML on stdout;\n"
    "                         every line it could not translate is named on stderr\n"
    "  decode [OPTIONS] [HEX]\n"
    "                         decode BGP messages offline (HEX or stdin) as JSON lines;\n"
    "                         options: --two-octet-as --ibgp --add-path --extended-message\n"
    "\n"
    "Options:\n"
    "  --server ADDR   daemon API address (default $CLOSCTL_SERVER, else\n"
    "                  unix:/run/closbgpd/closbgpd.sock); unix:PATH or HOST:PORT\n"
    "  --tls-ca FILE   use TLS; FILE is the CA that signed the daemon's certificate\n"
    "  --tls-cert FILE --tls-key FILE\n"
    "                  our certificate and key, for a daemon that requires them (mutual TLS)\n"
    "  --tls-server-name NAME\n"
    "                  the name in the daemon's certificate, if not the address's host\n"
    "  --json          print the API's JSON instead of a table\n"
    "  --timeout SEC   give up after SEC seconds (default 5)\n"
    "  -h, --help      print this help\n"
    "  -V, --version   print closctl's version (closctl version asks the daemon too)\n"
    "\n"
    "Exit status: 0 ok, 1 error from the daemon (or an invalid message for decode),\n"
    "2 usage error, 3 cannot connect.\n";

// What was wrong, and where the commands are: not the whole help.
int usage_error(const std::string& why) {
  std::cerr << "closctl: " << why << "\nclosctl --help lists the commands.\n";
  return kExitUsage;
}

int complete(std::vector<std::string> words) {
  const std::string partial = words.empty() ? "" : words.back();
  if (!words.empty()) words.pop_back();
  auto expanded = expand_keywords(words);
  if (!expanded) return kExitOk;  // nothing to offer
  for (const auto& k : next_keywords(*expanded))
    if (k.word.starts_with(partial)) std::cout << k.word << "\n";
  return kExitOk;
}

int help(const std::vector<std::string>& words) {
  auto expanded = expand_keywords(words);
  if (!expanded) return usage_error(expanded.error());
  const auto next = next_keywords(*expanded);
  if (next.empty()) {
    std::cout << "closctl " << (words.empty() ? "" : "... ") << "takes arguments here; "
              << "closctl --help shows them\n";
    return kExitOk;
  }
  for (const auto& k : next) std::printf("  %-18s %s\n", k.word.c_str(), k.help.c_str());
  return kExitOk;
}

int run_decode(const std::vector<std::string>& args) {
  wire::DecodeContext ctx;
  ctx.families.add(wire::Family::L2vpnEvpn);  // offline, whatever it carries
  std::string hex_text;
  for (const auto& a : args) {
    if (a == "--two-octet-as") {
      ctx.four_octet_as = false;
    } else if (a == "--ibgp") {
      ctx.ebgp = false;
    } else if (a == "--add-path") {
      ctx.add_path = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast};
    } else if (a == "--extended-message") {
      ctx.extended_message = true;
    } else if (a == "-") {
      continue;
    } else if (a.starts_with("--")) {
      return usage_error("decode: unknown option " + a);
    } else {
      hex_text += a;
    }
  }
  if (hex_text.empty())
    hex_text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::vector<uint8_t> bytes;
  if (!wire::parse_hex(hex_text, bytes)) return usage_error("decode: input is not hex");
  if (bytes.empty()) return usage_error("decode: no bytes given");
  return decode_messages(bytes, ctx, std::cout);
}

// Offline: the YAML on stdout, what the operator must look at on stderr.
int run_convert_frr(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path);
    if (!in) return usage_error("convert-frr: cannot read " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const FrrConversion c = convert_frr(text, path == "-" ? "stdin" : path);
  std::cout << c.yaml;
  for (const auto& line : c.untranslated) std::cerr << "not translated: " << line << "\n";
  for (const auto& n : c.notes) std::cerr << "note: " << n << "\n";
  std::cerr << "convert-frr: " << c.untranslated.size() << " lines not translated; check the "
            << "result with closbgpd --check --config FILE\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  ClientOptions opts;
  if (const char* env = std::getenv("CLOSCTL_SERVER")) opts.server = env;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!words.empty() && expand_keywords({words[0]}) == std::vector<std::string>{"decode"}) {
      words.push_back(a);  // decode takes its own options
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return kExitOk;
    } else if (a == "-V" || a == "--version") {
      std::cout << "closctl " << kVersion << " (" << kGitCommit << ")\n";
      return kExitOk;
    } else if (a == "--json") {
      opts.json = true;
    } else if (a == "--server" || a == "--timeout" || a.starts_with("--tls-")) {
      if (i + 1 >= argc) return usage_error(a + " needs a value");
      const std::string v = argv[++i];
      if (a == "--server") {
        opts.server = v;
      } else if (a == "--tls-ca") {
        opts.tls_ca = v;
      } else if (a == "--tls-cert") {
        opts.tls_cert = v;
      } else if (a == "--tls-key") {
        opts.tls_key = v;
      } else if (a == "--tls-server-name") {
        opts.tls_server_name = v;
      } else if (a.starts_with("--tls-")) {
        return usage_error("unknown option " + a);
      } else {
        try {
          opts.timeout_ms = int(std::stod(v) * 1000);
        } catch (...) {
          return usage_error("--timeout needs a number of seconds");
        }
      }
    } else if (a == "--soft" && !words.empty() && words[0] == "neighbor") {
      words.push_back(a);
    } else if (a == "--confirm" && !words.empty()) {  // config reload --confirm SECONDS
      words.push_back(a);
    } else if (a == "--table" && !words.empty() && words[0] == "dump") {  // dump rib F --table T
      words.push_back(a);
    } else if (a.starts_with("--")) {
      return usage_error("unknown option " + a);
    } else {
      words.push_back(a);
    }
  }
  if (words.empty()) return usage_error("no command given");
  // `closctl complete WORDS... PARTIAL`: the keywords that continue the
  // command (bash completion); `... help` or `... ?`: those with their help.
  if (words[0] == "complete") return complete({words.begin() + 1, words.end()});
  if (words.back() == "help" || words.back() == "?") return help({words.begin(), words.end() - 1});
  if (auto expanded = expand_keywords(words))
    words = std::move(*expanded);
  else
    return usage_error(expanded.error());
  if (opts.tls_cert.empty() != opts.tls_key.empty())
    return usage_error("--tls-cert and --tls-key go together");
  if (!opts.tls_cert.empty() && opts.tls_ca.empty())
    return usage_error("--tls-cert needs --tls-ca (the daemon's CA)");
  if (words[0] == "decode") return run_decode({words.begin() + 1, words.end()});
  if (words[0] == "convert-frr") {
    if (words.size() != 2) return usage_error("convert-frr FILE (- for stdin)");
    return run_convert_frr(words[1]);
  }
  if (words == std::vector<std::string>{"version"}) return cmd_version(opts);
  if (words[0] == "watch") return cmd_watch(opts, {words.begin() + 1, words.end()});
  if (words.size() >= 2 && words[0] == "dump" && words[1] == "rib") {
    // dump rib FILE [--table ipv4-unicast|ipv6-unicast|l2vpn-evpn]
    if (words.size() == 3) return cmd_dump_rib(opts, words[2], "");
    if (words.size() != 5 || words[3] != "--table" ||
        (words[4] != "ipv4-unicast" && words[4] != "ipv6-unicast" && words[4] != "l2vpn-evpn"))
      return usage_error("dump rib FILE [--table ipv4-unicast|ipv6-unicast|l2vpn-evpn]");
    return cmd_dump_rib(opts, words[2], words[4]);
  }
  if (words == std::vector<std::string>{"show", "bgp", "summary"})
    return cmd_show_bgp_summary(opts);
  // show bgp routes [ipv4|ipv6] [PREFIX|ADDRESS [longer-prefixes]]
  if (words.size() >= 3 && words[0] == "show" && words[1] == "bgp" && words[2] == "routes") {
    auto s = route_selection({words.begin() + 3, words.end()});
    if (!s) return usage_error("show bgp routes: " + s.error());
    return cmd_show_bgp_routes(opts, *s);
  }
  // show bgp route PREFIX|ADDRESS
  if (words.size() >= 3 && words[0] == "show" && words[1] == "bgp" && words[2] == "route") {
    auto s = route_selection({words.begin() + 3, words.end()});
    if (!s) return usage_error("show bgp route: " + s.error());
    if (words.size() != 4 || s->longer || !s->community.empty())
      return usage_error("show bgp route PREFIX|ADDRESS: one prefix or address");
    return cmd_show_bgp_route(opts, *s);
  }
  // show bgp neighbors N received-routes|advertised-routes [PFX [longer-prefixes]]
  if (words.size() >= 5 && words[0] == "show" && words[1] == "bgp" &&
      (words[2] == "neighbors" || words[2] == "neighbor") &&
      (words[4] == "received-routes" || words[4] == "advertised-routes")) {
    auto s = route_selection({words.begin() + 5, words.end()});
    if (!s) return usage_error("show bgp neighbors N " + words[4] + ": " + s.error());
    return cmd_show_adj_rib(opts, words[3], words[4] == "advertised-routes", *s);
  }
  if (words.size() >= 2 && words.size() <= 3 && words[0] == "config" && words[1] == "validate")
    return cmd_config_validate(opts, words.size() == 3 ? words[2] : "");
  if (words == std::vector<std::string>{"config", "reload"}) return cmd_config_reload(opts, 0);
  if (words.size() >= 3 && words[0] == "config" && words[1] == "reload" &&
      words[2] == "--confirm") {
    const std::string seconds = words.size() == 4 ? words[3] : "";
    if (words.size() != 4 || seconds.empty() || seconds.size() > 5 ||
        seconds.find_first_not_of("0123456789") != std::string::npos || std::stoul(seconds) == 0)
      return usage_error("config reload --confirm SECONDS (1 to 86400)");
    return cmd_config_reload(opts, uint32_t(std::stoul(seconds)));
  }
  if (words == std::vector<std::string>{"config", "confirm"}) return cmd_config_confirm(opts);
  if (words == std::vector<std::string>{"show", "running-config"})
    return cmd_show_running_config(opts);
  if (words == std::vector<std::string>{"show", "bmp"}) return cmd_show_bmp(opts);
  if (words == std::vector<std::string>{"show", "bgp", "nexthop"})
    return cmd_show_bgp_nexthop(opts);
  if (words.size() >= 4 && words[0] == "show" && words[1] == "bgp" && words[2] == "evpn" &&
      words[3] == "routes") {
    auto s = evpn_selection({words.begin() + 4, words.end()});
    if (!s) return usage_error("show bgp evpn routes: " + s.error());
    return cmd_show_bgp_evpn_routes(opts, *s);
  }
  if (words.size() >= 3 && words[0] == "show" && words[1] == "evpn") {
    auto v = evpn_vni_selection({words.begin() + 2, words.end()});
    if (!v) return usage_error("show evpn: " + v.error());
    return cmd_show_evpn(opts, v->first, v->second);
  }
  if (words.size() >= 3 && words[0] == "clear" && words[1] == "evpn" && words[2] == "dup-addr") {
    auto s = dup_addr_selection({words.begin() + 3, words.end()});
    if (!s) return usage_error("clear evpn dup-addr: " + s.error());
    return cmd_clear_evpn_dup_addr(opts, *s);
  }
  if (words[0] == "debug") {
    if (words.size() != 3) return usage_error("debug MODULE LEVEL (closctl debug session debug)");
    return cmd_debug(opts, words[1], words[2]);
  }
  if (words.size() >= 3 && words.size() <= 4 && words[0] == "show" && words[1] == "bgp" &&
      (words[2] == "neighbors" || words[2] == "neighbor"))
    return words.size() == 3 ? cmd_show_bgp_summary(opts) : cmd_show_bgp_neighbor(opts, words[3]);
  if (words.size() >= 2 && words.size() <= 3 && words[0] == "show" && words[1] == "fib")
    return cmd_show_fib(opts, words.size() == 3 ? words[2] : "");
  if (words.size() >= 3 && words.size() <= 5 && words[0] == "neighbor" && words[1] == "reset") {
    // neighbor reset N [--soft [in|out|both]]
    if (words.size() == 3) return cmd_neighbor_reset(opts, words[2], "");
    if (words[3] != "--soft") return usage_error("neighbor reset N [--soft [in|out]]");
    return cmd_neighbor_reset(opts, words[2], words.size() == 5 ? words[4] : "both");
  }
  if (words.size() >= 3 && words[0] == "neighbor" && words[1] == "shutdown") {
    std::string message;
    for (size_t i = 3; i < words.size(); ++i) message += (message.empty() ? "" : " ") + words[i];
    return cmd_neighbor_enable(opts, words[2], false, message);
  }
  if (words.size() == 3 && words[0] == "neighbor" && words[1] == "enable")
    return cmd_neighbor_enable(opts, words[2], true, "");
  if (words[0] == "route") return cmd_route(opts, {words.begin() + 1, words.end()});
  if (words.size() <= 2 && (words[0] == "drain" || words[0] == "undrain" || words[0] == "warm")) {
    const char* state = words[0] == "drain" ? "drained" : words[0] == "undrain" ? "live" : "warm";
    return cmd_set_drain(opts, state, words.size() == 2 ? words[1] : "");
  }
  std::string cmd;
  for (const auto& w : words) cmd += (cmd.empty() ? "" : " ") + w;
  return usage_error("unknown command '" + cmd + "'");
}
