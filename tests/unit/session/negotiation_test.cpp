// The OPEN exchange: what we offer and what a session negotiates from the
// neighbour's OPEN (peer AS rules, families, graceful restart and its
// long-lived variant).
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/session/open_fixture.h"

namespace closbgp::session::test {
namespace {

using wire::ErrorCode;

TEST(Negotiation, GracefulRestartWhenBothOfferIt) {
  LocalConfig l = local();
  l.gr_restart_time = 120;
  l.gr_restarting = true;
  const auto open = make_open(l);
  ASSERT_TRUE(open.capabilities.graceful_restart);
  const auto& gr = *open.capabilities.graceful_restart;
  EXPECT_TRUE(gr.restarting);    // R: we restarted
  EXPECT_TRUE(gr.notification);  // N: RFC 8538
  EXPECT_EQ(gr.restart_time, 120);
  ASSERT_EQ(gr.families.size(), 2u);
  EXPECT_TRUE(gr.families[0].forwarding_preserved);  // F: the kernel kept our routes

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.gr_restart_time = 90;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->graceful_restart);
  EXPECT_TRUE(n->gr_notification);
  EXPECT_EQ(n->peer_restart_time, 90);
  EXPECT_TRUE(n->we_restarted);
  EXPECT_FALSE(n->peer_forwarding_kept.has(wire::Family::Ipv4Unicast));  // it did not restart
  EXPECT_TRUE(n->peer_sends_end_of_rib);
  peer.gr_restarting = true;  // it may hold End-of-RIB back until it has ours
  EXPECT_FALSE(negotiate(l, make_open(peer))->peer_sends_end_of_rib);
  peer.gr_restarting = false;

  // Either side without it: none.
  EXPECT_FALSE(negotiate(l, peer_open())->graceful_restart);
  l.gr_restart_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.graceful_restart);
  EXPECT_FALSE(negotiate(l, make_open(peer))->graceful_restart);
  EXPECT_TRUE(negotiate(l, make_open(peer))->peer_sends_end_of_rib);  // its promise all the same
  EXPECT_FALSE(negotiate(l, peer_open())->peer_sends_end_of_rib);
}

// A leaf's VXLAN entries outlive its restart as its routes do: EVPN is in
// its graceful-restart capability (not in the long-lived one), and a
// neighbour's listing it is understood.
TEST(Negotiation, EvpnIsInGracefulRestartWhereOffered) {
  LocalConfig l = local();
  l.gr_restart_time = 120;
  l.gr_restarting = true;
  l.llgr_stale_time = 3600;
  l.evpn = true;
  const auto open = make_open(l);
  const auto& families = open.capabilities.graceful_restart->families;
  ASSERT_EQ(families.size(), 3u);
  EXPECT_EQ(families[2].afi, wire::kAfiL2vpn);
  EXPECT_EQ(families[2].safi, wire::kSafiEvpn);
  EXPECT_TRUE(families[2].forwarding_preserved);
  EXPECT_EQ(open.capabilities.long_lived_gr->families.size(), 2u);

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.gr_restart_time = 90;
  peer.gr_restarting = true;
  peer.evpn = true;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->peer_gr_families.has(wire::Family::L2vpnEvpn));
  EXPECT_TRUE(n->peer_forwarding_kept.has(wire::Family::L2vpnEvpn));
  peer.evpn = false;
  EXPECT_FALSE(negotiate(l, make_open(peer))->peer_gr_families.has(wire::Family::L2vpnEvpn));
}

TEST(Negotiation, LongLivedGracefulRestartGoesWithGracefulRestart) {
  LocalConfig l = local();
  l.gr_restart_time = 120;
  l.llgr_stale_time = 3600;
  const auto open = make_open(l);
  ASSERT_TRUE(open.capabilities.long_lived_gr);
  ASSERT_EQ(open.capabilities.long_lived_gr->families.size(), 2u);
  EXPECT_EQ(open.capabilities.long_lived_gr->families[1],
            (wire::LongLivedGracefulRestart::Family{2, 1, false, 3600}));

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.gr_restart_time = 90;
  peer.llgr_stale_time = 600;
  peer.gr_restarting = true;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->peer_llgr, (std::vector<std::pair<wire::Family, uint32_t>>{
                              {wire::Family::Ipv4Unicast, 600}, {wire::Family::Ipv6Unicast, 600}}));
  EXPECT_TRUE(n->peer_llgr_forwarding_kept.has(wire::Family::Ipv6Unicast));
  const auto names = capability_names(*n);
  EXPECT_NE(std::ranges::find(names, "long-lived-graceful-restart"), names.end());
  l.llgr_stale_time = 300;  // we help for at most our own time
  EXPECT_EQ(negotiate(l, make_open(peer))->peer_llgr.front().second, 300u);
  // Not offered by us: the peer's is not used; never without graceful restart.
  l.llgr_stale_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.long_lived_gr);
  EXPECT_TRUE(negotiate(l, make_open(peer))->peer_llgr.empty());
  l.llgr_stale_time = 3600;
  l.gr_restart_time = 0;
  EXPECT_FALSE(make_open(l).capabilities.long_lived_gr);
  EXPECT_TRUE(negotiate(l, make_open(peer))->peer_llgr.empty());
}

TEST(Negotiation, AddPathIdsFlowWhereOneSendsAndTheOtherReceives) {
  LocalConfig l = local();
  l.add_path_receive = true;
  const auto offered = make_open(l).capabilities.add_path;
  ASSERT_EQ(offered.size(), 2u);  // IPv4 and IPv6 unicast
  EXPECT_EQ(offered[0].mode, wire::AddPathMode::Receive);

  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  peer.add_path_send = true;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->add_path_rx.has(wire::Family::Ipv4Unicast));
  EXPECT_TRUE(n->add_path_tx.empty());  // we did not offer to send
  EXPECT_TRUE(n->decode_context().add_path.has(wire::Family::Ipv6Unicast));
  EXPECT_TRUE(n->encode_context().add_path.empty());

  l.add_path_send = true;  // both ways: Both
  EXPECT_EQ(make_open(l).capabilities.add_path[0].mode, wire::AddPathMode::Both);
  n = negotiate(l, make_open(peer));
  EXPECT_TRUE(n->add_path_tx.empty());  // it only sends
  peer.add_path_receive = true;
  n = negotiate(l, make_open(peer));
  EXPECT_TRUE(n->encode_context().add_path.has(wire::Family::Ipv4Unicast));
  const auto names = capability_names(*n);
  EXPECT_NE(std::ranges::find(names, "add-path-send"), names.end());

  // Neither side without it.
  EXPECT_TRUE(negotiate(l, peer_open())->add_path_rx.empty());
  EXPECT_TRUE(make_open(local()).capabilities.add_path.empty());
}

// L2VPN EVPN goes where both offered it; its routes are then decoded.
TEST(Negotiation, EvpnIsNegotiatedWhereBothOfferIt) {
  LocalConfig l = local();
  l.evpn = true;
  const auto& offered = make_open(l).capabilities.multiprotocol;
  ASSERT_EQ(offered.size(), 3u);
  EXPECT_EQ(offered[2].afi, wire::kAfiL2vpn);
  EXPECT_EQ(offered[2].safi, wire::kSafiEvpn);
  LocalConfig peer;
  peer.asn = 65000;
  peer.router_id = 0x0a000001;
  EXPECT_FALSE(negotiate(l, make_open(peer))->families.has(wire::Family::L2vpnEvpn));
  peer.evpn = true;
  auto n = negotiate(l, make_open(peer));
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->families.has(wire::Family::L2vpnEvpn));
  EXPECT_TRUE(n->decode_context().families.has(wire::Family::L2vpnEvpn));
  const auto names = capability_names(*n);
  EXPECT_NE(std::ranges::find(names, "l2vpn-evpn"), names.end());
  // We did not offer it: not negotiated, whatever the peer offers.
  EXPECT_FALSE(negotiate(local(), make_open(peer))->families.has(wire::Family::L2vpnEvpn));
}

TEST(Negotiation, PeerAsRules) {
  LocalConfig l = local();
  EXPECT_TRUE(negotiate(l, peer_open(65000)));
  auto same = negotiate(l, peer_open(65101));
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().subcode, wire::open_error::kBadPeerAs);
  l.peer_as = {PeerAsRule::Kind::Internal, 0};
  EXPECT_TRUE(negotiate(l, peer_open(65101)));
  EXPECT_FALSE(negotiate(l, peer_open(65000)));
  l.peer_as = {PeerAsRule::Kind::Number, 4200000000u};
  EXPECT_TRUE(negotiate(l, peer_open(4200000000u)));
  EXPECT_FALSE(negotiate(l, peer_open(65000)));
}

// RFC 7607: AS 0 in My AS or in the 4-octet AS capability is Bad Peer AS,
// whatever remote-as allows.
TEST(Negotiation, AsZeroIsABadPeerAs) {
  LocalConfig l = local();
  auto zero = peer_open(0);  // My AS 0 and a 4-octet AS capability of 0
  auto r = negotiate(l, zero);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().subcode, wire::open_error::kBadPeerAs);
  EXPECT_NE(r.error().reason.find("RFC 7607"), std::string::npos);
  auto cap_only = peer_open(65000);
  cap_only.capabilities.four_octet_as = 0;
  EXPECT_FALSE(negotiate(l, cap_only));
  auto my_as_only = peer_open(65000);
  my_as_only.my_as = 0;
  EXPECT_FALSE(negotiate(l, my_as_only));
}

TEST(Negotiation, FourOctetAsTravelsAsAsTrans) {
  LocalConfig p = local();
  p.asn = 4200000000u;
  const auto open = make_open(p);
  EXPECT_EQ(open.my_as, wire::kAsTrans);
  EXPECT_EQ(open.capabilities.four_octet_as, 4200000000u);
  auto n = negotiate(local(), open);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->peer_as, 4200000000u);
  EXPECT_TRUE(n->four_octet_as);
}

TEST(Negotiation, FamiliesAndExtendedNextHop) {
  auto n = negotiate(local(), peer_open());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->families, (wire::FamilySet{wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast}));
  EXPECT_TRUE(n->ipv4_via_ipv6);
  EXPECT_TRUE(n->ebgp);

  wire::OpenMessage old = peer_open();
  old.capabilities = {};  // a speaker without capabilities: IPv4 only, 2-octet AS
  old.my_as = 65000;
  n = negotiate(local(), old);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->families, wire::FamilySet{wire::Family::Ipv4Unicast});
  EXPECT_FALSE(n->four_octet_as);
  EXPECT_FALSE(n->ipv4_via_ipv6);

  wire::OpenMessage l2vpn = peer_open();
  l2vpn.capabilities.multiprotocol = {{25, 70}};
  auto none = negotiate(local(), l2vpn);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().subcode, wire::open_error::kUnsupportedCapability);
}

TEST(Negotiation, IbgpPeerWithOurRouterIdIsRejected) {
  LocalConfig l = local();
  l.peer_as = {PeerAsRule::Kind::Internal, 0};
  wire::OpenMessage o = peer_open(65101);
  o.bgp_id = l.router_id;
  auto n = negotiate(l, o);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().subcode, wire::open_error::kBadBgpId);
}

}  // namespace
}  // namespace closbgp::session::test
