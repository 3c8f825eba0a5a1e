"""BIRD 2 and GoBGP as numbered test peers (and benchmarked routers)
inside a namespace."""
import subprocess

from lib.netns import terminate, wait_for


def bird_numbered_config(asn, router_id, local, neighbor, neighbor_as, routes=()):
    """One numbered eBGP session announcing `routes` (as blackhole statics)."""
    statics = "".join(f"  route {r} blackhole;\n" for r in routes)
    return f"""router id {router_id};
protocol device {{}}
protocol static announce {{ ipv4; {statics} }}
protocol bgp fabric {{
  local {local} as {asn};
  neighbor {neighbor} as {neighbor_as};
  hold time 9; keepalive time 3; connect retry time 2;
  ipv4 {{ import all; export all; }};
}}
"""


class BirdNode:
    def __init__(self, ns, tmp_path, config_text):
        self.ns = ns
        self.sock = tmp_path / f"{ns.name}-bird.ctl"
        conf = tmp_path / f"{ns.name}-bird.conf"
        conf.write_text(config_text)
        self.log = open(tmp_path / f"{ns.name}-bird.log", "w")
        self.proc = ns.popen("bird", "-f", "-c", str(conf), "-s", str(self.sock),
                             stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.sock.exists(), 10, "BIRD's control socket")

    def birdc(self, *cmd):
        return self.ns.exec("birdc", "-s", str(self.sock), *cmd, check=False).stdout

    def stop(self):
        terminate(self.proc)
        self.log.close()


def gobgp_config(asn, router_id, neighbors, hold=9, add_path=False):
    """GoBGP's TOML: numbered IPv4 neighbours, `neighbors` (address, AS),
    no MRAI; its default policy accepts and sends everything. `add_path`:
    it takes path ids and sends up to 8 paths per prefix (RFC 7911)."""
    text = f'[global.config]\n  as = {asn}\n  router-id = "{router_id}"\n'
    for address, peer_as in neighbors:
        text += f"""[[neighbors]]
  [neighbors.config]
    neighbor-address = "{address}"
    peer-as = {peer_as}
  [neighbors.timers.config]
    connect-retry = 2
    hold-time = {hold}
    keepalive-interval = {hold // 3}
    minimum-advertisement-interval = 0
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
"""
        if add_path:
            text += """    [neighbors.afi-safis.add-paths.config]
      receive = true
      send-max = 8
"""
    return text


class GobgpNode:
    def __init__(self, ns, tmp_path, config_text):
        self.ns = ns
        conf = tmp_path / f"{ns.name}-gobgp.toml"
        conf.write_text(config_text)
        self.log = open(tmp_path / f"{ns.name}-gobgp.log", "w")
        self.proc = ns.popen("gobgpd", "-f", str(conf), "--api-hosts", "127.0.0.1:50061",
                             stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.gobgp("global").returncode == 0, 15, "gobgpd's API")

    def gobgp(self, *args):
        return self.ns.exec("gobgp", "-u", "127.0.0.1", "-p", "50061", *args, check=False)

    def stop(self):
        terminate(self.proc)
        self.log.close()
