// The validated configuration: plain data, produced whole by load_config()
// before anything starts (DESIGN.md principle 9).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::config {

struct Timers {  // seconds; data-center defaults (RFC 7938 practice)
  uint16_t keepalive = 3;
  uint16_t hold = 9;
  uint16_t connect_retry = 10;
  friend bool operator==(const Timers&, const Timers&) = default;
};

struct Bfd {  // RFC 5880 timers: desired TX = required RX = interval
  uint32_t interval_ms = 300;
  uint8_t multiplier = 3;
  bool strict = false;  // BGP may come up only while BFD is Up
  friend bool operator==(const Bfd&, const Bfd&) = default;
};

struct RemoteAs {
  enum class Kind { External, Internal, Number } kind = Kind::External;
  uint32_t asn = 0;               // with Kind::Number
  std::string to_string() const;  // "external", "internal", "65100"
  friend bool operator==(const RemoteAs&, const RemoteAs&) = default;
};

// Exactly one of interface, address and listen_range is set.
struct Neighbor {
  std::string interface;                     // unnumbered: "swp1", or a pattern "swp*"
  std::optional<wire::IpAddress> address;    // numbered peer
  std::optional<wire::Prefix> listen_range;  // dynamic neighbours from this range
  RemoteAs remote_as;
  bool ttl_security = false;  // RFC 5082: accept only packets with TTL 255
  std::optional<Bfd> bfd;     // set: BFD on with these timers
  int line = 0;               // where it was configured, for messages
  std::string name() const;   // what logs call it: interface, address or range
  friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

struct Fib {
  bool enabled = true;
  uint32_t table = 254;  // main
  uint32_t metric = 20;
  uint8_t protocol = 186;  // "bgp", as FRR's zebra
  friend bool operator==(const Fib&, const Fib&) = default;
};

struct Grpc {
  std::string listen = "127.0.0.1:50051";
  bool insecure = false;
  friend bool operator==(const Grpc&, const Grpc&) = default;
};

struct Config {
  std::string source;  // file it came from
  uint32_t asn = 0;
  wire::IpAddress router_id;
  Timers timers;
  Bfd bfd;  // defaults for neighbours; on by default for interface neighbours
  std::vector<Neighbor> neighbors;
  std::vector<wire::Prefix> networks;
  Fib fib;
  Grpc grpc;
};

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when not tied to a line
  std::string key;
  std::string message;
  std::string to_string() const;  // "leaf.yaml:7: neighbors[0].remote-as: ..."
};

std::expected<Config, ConfigError> load_config_file(const std::string& path);
// `source` names the text in errors.
std::expected<Config, ConfigError> parse_config(const std::string& text, const std::string& source);

}  // namespace closbgp::config
