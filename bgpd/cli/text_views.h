// closctl's text output for what the daemon answered: the tables an
// operator reads (the JSON is proto_json.h's).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bgpd/cli/route_selection.h"
#include "closbgp/v1/bgp.pb.h"

namespace closbgp::cli {

void print_summary(const closbgp::v1::ShowBgpSummaryResponse& resp);
void print_neighbor(const std::string& name, const closbgp::v1::PeerSummary& p);
// A listing printed as the daemon streams it, a row at a time: a full
// table starts to show at once, and closctl holds one row, not the table.
// finish() after the last row (not after a failed stream).
template <class Msg>
class Listing {
 public:
  virtual ~Listing() = default;
  virtual void row(const Msg& m) = 0;
  virtual void finish() = 0;
};

// Paths by prefix, a prefix named once; `status` false for what we send
// (no best or ECMP flags).
class RouteTable final : public Listing<closbgp::v1::Route> {
 public:
  explicit RouteTable(bool status) : status_(status) {}
  void row(const closbgp::v1::Route& r) override;
  void finish() override;

 private:
  void header();
  bool status_, started_ = false;
  size_t paths_ = 0, prefixes_ = 0;
  std::string last_prefix_;
};

// The kernel's routes against the RIB's, then a count per state.
class FibTable final : public Listing<closbgp::v1::FibRoute> {
 public:
  void row(const closbgp::v1::FibRoute& r) override;
  void finish() override;

 private:
  void header();
  bool started_ = false;
  size_t prefixes_ = 0;
  std::map<std::string, int> states_;
};
// One prefix in detail: every path's attributes, who it is advertised to.
void print_route_detail(const closbgp::v1::RouteDetail& detail);
void print_bmp(const closbgp::v1::ShowBmpResponse& resp);
void print_next_hops(const closbgp::v1::ShowNextHopsResponse& resp);
void print_evpn_routes(const closbgp::v1::ShowEvpnRoutesResponse& resp);
// A leaf's VNIs as FRR's `show evpn vni`, `show evpn mac vni V`, `show
// evpn arp-cache vni V`.
void print_evpn_vnis(const closbgp::v1::ShowEvpnVnisResponse& resp, EvpnVniPart part);

}  // namespace closbgp::cli
