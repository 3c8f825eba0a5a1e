"""The EVPN-VXLAN overlay of examples/clos.py (`--evpn`).

Every leaf is a VTEP (its loopback) with the same two stretched segments
and one routed tenant, set up in the kernel as an operator would with
ifupdown2, whether the leaf runs closbgpd or FRR:

- VNI 100 (172.16.1.0/24) and VNI 200 (172.16.2.0/24): a VLAN-unaware
  bridge per VNI (`br100`, `br200`) holding its VXLAN device (`nolearning`,
  `neigh_suppress`) and the tenant hosts' ports. The bridge's own interface
  (the SVI) is the segment's distributed anycast gateway: .254, with the
  same MAC on every leaf.
- The tenant's L3 VNI 4000 (`br4000` with `vxlan4000`, no ports): its MAC
  is the leaf's router MAC. This kernel has no VRF devices, so the tenant
  is the main table (`vrfs: [{name: default, vni: 4000}]`, FRR's `vrf
  default / vni 4000`).

Each leaf n has one tenant host, `tenant<n>` (`p<pod>tenant<n>` in three
tiers) at 172.16.1.n (odd n, VNI 100) or 172.16.2.n (even n, VNI 200).
Hosts of odd leaves share one L2 segment across the fabric; a host of an
odd leaf reaches one of an even leaf routed through the L3 VNI (symmetric
IRB: host routes from type-2 MAC/IP routes, subnets from type 5).

The underlay stays apart from the overlay: the tenant subnets lie outside
the fabric's accept list (10/8, 2001:db8::/32), so no router takes them as
unicast routes (an FRR leaf sends its tenant subnets, and the tenant host
routes it imports, to its unicast neighbours too; they turn them away).
FRR leaves advertise only the tenant subnets as type 5.
Route targets are automatic (AS:VNI); closbgpd and FRR both match them by
VNI alone, whatever each leaf's AS.
"""
from dataclasses import dataclass

L2_VNIS = (100, 200)
L3_VNI = 4000
GATEWAY_MACS = {100: "02:00:00:00:01:00", 200: "02:00:00:00:02:00"}  # the same on every leaf


def subnet(vni):
    return f"172.16.{vni // 100}.0/24"


def gateway(vni):
    return f"172.16.{vni // 100}.254"


@dataclass
class Tenant:
    name: str
    number: int  # its leaf's number n
    vni: int
    leaf: object  # clos.Router
    port: str = ""  # the leaf's port facing it

    @property
    def address(self):
        return f"172.16.{self.vni // 100}.{self.number}"


class Overlay:
    """The overlay of a planned Clos fabric: tenant hosts, each leaf's
    kernel set-up, the routers' configuration, and its convergence."""

    def __init__(self, clos):
        leaves = clos.of_role("leaf")
        if len(leaves) < 2:
            raise ValueError("--evpn needs at least two leaves")
        self.clos = clos
        self.tenants = {}
        for leaf in leaves:
            n = leaf.server.number
            t = Tenant(leaf.name.replace("leaf", "tenant"), n, L2_VNIS[(n - 1) % 2], leaf)
            clos.hosts[t.name] = clos.fabric.host(t.name)
            _, t.port = clos.fabric.link(clos.hosts[t.name], clos.hosts[leaf.name],
                                         a_port="eth0")
            self.tenants[t.name] = t

    # -- kernel -----------------------------------------------------------

    def set_up_kernel(self):
        """Every leaf's bridges and VXLAN devices, every tenant host's
        address; then each host speaks once (to its gateway), so its leaf
        has its MAC and address to advertise."""
        for t in self.tenants.values():
            leaf = self.clos.hosts[t.leaf.name]
            vtep = t.leaf.loopback
            for vni in L2_VNIS:
                self._bridge(leaf, vni, vtep)
                leaf.cmd(f"ip link set br{vni} address {GATEWAY_MACS[vni]}")
                leaf.cmd(f"ip addr add {gateway(vni)}/24 dev br{vni}")
            self._bridge(leaf, L3_VNI, vtep)
            leaf.cmd(f"ip link set {t.port} master br{t.vni}")
            host = self.clos.hosts[t.name]
            host.cmd(f"ip addr add {t.address}/24 dev eth0")
            host.cmd(f"ip route add default via {gateway(t.vni)}")
        for t in self.tenants.values():
            self.clos.hosts[t.name].cmd(f"ping -c 1 -W 1 {gateway(t.vni)}")

    @staticmethod
    def _bridge(leaf, vni, vtep):
        leaf.cmd(f"ip link add br{vni} type bridge")
        leaf.cmd(f"ip link add vxlan{vni} type vxlan id {vni} local {vtep} dstport 4789 "
                 "nolearning")
        leaf.cmd(f"ip link set vxlan{vni} master br{vni}")
        leaf.cmd(f"bridge link set dev vxlan{vni} learning off neigh_suppress on")
        leaf.cmd(f"ip link set vxlan{vni} up")
        leaf.cmd(f"ip link set br{vni} up")

    # -- configuration ----------------------------------------------------

    def closbgpd_extra(self, r):
        """closbgpd's `evpn:` section: a leaf's VNIs from the kernel and the
        tenant; a spine passes EVPN routes on with nothing of its own."""
        if r.role != "leaf":
            return ""
        return ("evpn:\n  advertise-all-vni: true\n"
                f"  vrfs: [{{name: default, vni: {L3_VNI}, advertise: [ipv4-unicast]}}]\n")

    def frr_networks(self, r):
        """FRR advertises as type 5 what its BGP table holds: a leaf's tenant
        subnets go in as networks (the fabric's accept lists keep them out of
        the underlay)."""
        return [subnet(vni) for vni in L2_VNIS] if r.role == "leaf" else []

    def frr_config(self, r, conf):
        """FRR's bgpd config for a router given its underlay config: EVPN on
        every fabric session; a leaf advertises its VNIs and the tenant's
        subnets (only those: FRR would send every unicast route of the
        table as type 5)."""
        evpn = [" address-family l2vpn evpn", *[f"  neighbor {p} activate" for p in r.ports]]
        if r.role == "leaf":
            prefixes = [f"ip prefix-list TENANT seq {5 * i} permit {subnet(vni)}"
                        for i, vni in enumerate(L2_VNIS, start=1)]
            only = ["route-map TENANT-ONLY permit 10", " match ip address prefix-list TENANT",
                    "exit", "!"]
            conf = conf.replace(f"router bgp {r.asn}\n",
                                "\n".join([*prefixes, "!", *only, f"router bgp {r.asn}"]) + "\n")
            evpn += ["  advertise-all-vni", "  advertise ipv4 unicast route-map TENANT-ONLY"]
        assert conf.endswith("!\n")
        return conf[:-2] + "\n".join([*evpn, " exit-address-family", "!"]) + "\n"

    def zebra_config(self, r):
        """zebra's own file on an FRR leaf: the ports' Router Advertisements
        and the tenant's L3 VNI (zebra would take bgpd's lines as its own)."""
        lines = ["log stdout debugging", "!"]
        for p in r.ports:
            lines += [f"interface {p}", " ipv6 nd ra-interval 3", " no ipv6 nd suppress-ra", "!"]
        lines += ["vrf default", f" vni {L3_VNI}", "exit-vrf", "!"]
        return "\n".join(lines) + "\n"

    # -- looking at it ----------------------------------------------------

    def host_route(self, leaf, tenant):
        """The VTEP a leaf routes a remote tenant host's address to (the
        host route from its MAC/IP route, through the L3 VNI), or None."""
        routes = self.clos.fabric.ip_json(self.clos.hosts[leaf.name], "-4", "route", "show",
                                          f"{tenant.address}/32")
        hops = routes[0].get("nexthops", [routes[0]]) if routes else []
        return next((h["gateway"] for h in hops if h.get("dev") == f"br{L3_VNI}"), None)

    def flood_list(self, leaf, vni):
        """The remote VTEPs in a leaf's flood list of a VNI (type 3)."""
        out = self.clos.hosts[leaf.name].cmd(f"bridge fdb show dev vxlan{vni}")
        return {line.split()[2] for line in out.splitlines()
                if line.startswith("00:00:00:00:00:00 dst ")}

    def missing(self):
        """Flood lists and host routes not yet where they belong: empty once
        the overlay has converged."""
        out = []
        for t in self.tenants.values():
            leaf = t.leaf
            others = {o.leaf.loopback for o in self.tenants.values() if o is not t}
            out += [f"{leaf.name}: VNI {vni} floods to {sorted(got)}"
                    for vni in L2_VNIS for got in [self.flood_list(leaf, vni)] if got != others]
            out += [f"{leaf.name}: {o.address} (on {o.leaf.name}) via {got}"
                    for o in self.tenants.values() if o is not t
                    for got in [self.host_route(leaf, o)] if got != o.leaf.loopback]
        return out

    def ping(self, src, dst, count=1):
        """True if every ping from tenant host src to tenant host dst is answered."""
        out = self.clos.hosts[src].cmd(f"ping -c {count} -i 0.2 -W 1 {self.tenants[dst].address}")
        return f" {count} received" in out, out

    def pairs(self):
        """(bridged, routed): two tenant hosts in one segment on different
        leaves (None with two leaves), and two in different segments."""
        ts = list(self.tenants.values())
        bridged = next(((a, b) for a in ts for b in ts if a.number < b.number and a.vni == b.vni),
                       None)
        routed = next((a, b) for a in ts for b in ts if a.vni < b.vni)
        return bridged, routed


def demo(clos, say, show):
    """The overlay: a leaf's VNIs and tenant routes, then pings bridged
    across the fabric and routed through the L3 VNI."""
    overlay = clos.overlay
    leaf = next((r for r in clos.of_role("leaf") if r.daemon == "closbgpd"),
                clos.of_role("leaf")[0])
    host = clos.hosts[leaf.name]
    say(f"{leaf.name}: its VNIs, from the kernel ({leaf.daemon})")
    if leaf.daemon == "closbgpd":
        print(clos.fabric.ctl(host, "show", "evpn", "vni")[1].rstrip())
    else:
        print(clos.fabric.frr[leaf.name].vtysh("show evpn vni").rstrip())
    say(f"{leaf.name}: the other leaves' VTEPs in VNI 100's flood list (type 3), "
        "remote MACs behind them (type 2)")
    show(clos, leaf.name, "bridge fdb show dev vxlan100")
    say(f"{leaf.name}: remote tenant hosts routed through L3 VNI {L3_VNI} (symmetric IRB)")
    show(clos, leaf.name, "ip route show proto bgp dev br4000")
    bridged, routed = overlay.pairs()
    if bridged:
        a, b = bridged
        say(f"{a.name} ({a.address}, {a.leaf.name}) -> {b.name} ({b.address}, {b.leaf.name}): "
            f"one L2 segment, VNI {a.vni}")
        print(overlay.ping(a.name, b.name, count=3)[1].rstrip())
    a, b = routed
    say(f"{a.name} ({a.address}, VNI {a.vni}) -> {b.name} ({b.address}, VNI {b.vni}): "
        f"routed through L3 VNI {L3_VNI}")
    print(overlay.ping(a.name, b.name, count=3)[1].rstrip())
