"""A BMP station for tests: a listener in a namespace that keeps what a
daemon sends in a file, and tshark capturing the stream on loopback.
messages() is the stream as Wireshark's dissectors read it (BMP and the
BGP UPDATEs inside), message by message in order, once the capture has
stopped; route_monitoring() counts messages while it runs."""
import struct
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from lib.netns import terminate, wait_for

# Accepts connection after connection and appends what each sends to a
# file, as it arrives.
DRAIN = """import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("listening", flush=True)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        c, _ = s.accept()
        while data := c.recv(65536):
            out.write(data)
        c.close()
"""


@dataclass
class BmpMessage:
    type: int                   # 0 Route Monitoring, 1 Statistics, 3 Peer Up ...
    peer_type: int = -1         # 0 global instance, 3 Loc-RIB (RFC 9069)
    post_policy: bool = False
    peer_asn: int = 0
    # EVPN MAC/IP routes by MAC, and End-of-RIB markers by "afi/safi".
    announced_macs: list = field(default_factory=list)
    withdrawn_macs: list = field(default_factory=list)
    announced_types: list = field(default_factory=list)   # EVPN route types
    end_of_rib: list = field(default_factory=list)
    # Statistics per AFI/SAFI: ("adj-rib-in" or "loc-rib", "afi/safi", routes).
    stats: list = field(default_factory=list)
    malformed: bool = False


def _show(e, name):
    f = e.find(f".//field[@name='{name}']")
    return f.get("show") if f is not None else None


def _message(bmp):
    m = BmpMessage(type=int(_show(bmp, "bmp.type")))
    if _show(bmp, "bmp.peer.type") is not None:
        m.peer_type = int(_show(bmp, "bmp.peer.type"))
        m.post_policy = _show(bmp, "bmp.peer.flags.post_policy") == "1"
        m.peer_asn = int(_show(bmp, "bmp.peer.asn") or 0)
    for attr in bmp.iter("field"):
        if attr.get("name") != "bgp.update.path_attribute":
            continue
        code = _show(attr, "bgp.update.path_attribute.type_code")
        macs = [f.get("show") for f in attr.iter("field")
                if f.get("name") == "bgp.evpn.nlri.mac_addr"]
        if code == "14":
            m.announced_macs += macs
            m.announced_types += [int(f.get("show")) for f in attr.iter("field")
                                  if f.get("name") == "bgp.evpn.nlri.rt"]
        elif code == "15":
            m.withdrawn_macs += macs
            afi = _show(attr, "bgp.update.path_attribute.mp_unreach_nlri.afi")
            safi = _show(attr, "bgp.update.path_attribute.mp_unreach_nlri.safi")
            if afi == "25" and _show(attr, "bgp.evpn.nlri.rt") is None:
                m.end_of_rib.append(f"{afi}/{safi}")
    for stat in bmp.iter("field"):
        if stat.get("name") != "bmp.stats.type":
            continue
        for view in ("adj_rib_in", "loc_rib"):
            value = _show(stat, f"bmp.stats.data.routes_per_{view}")
            if value is not None:
                family = (f"{_show(stat, f'bmp.stats.data.routes_per_{view}.afi')}/"
                          f"{_show(stat, f'bmp.stats.data.routes_per_{view}.safi')}")
                m.stats.append((view.replace("_", "-"), family, int(value)))
    return m


class BmpCapture:
    """Start before the daemon that connects to 127.0.0.1:`port` in `ns`;
    stop() after it has stopped."""

    def __init__(self, ns, port, tmp):
        self.ns, self.port = ns, port
        self.pcap = tmp / f"bmp-{port}.pcap"
        self.stream = tmp / f"bmp-{port}.bin"
        self.procs = []
        tshark = ns.popen("tshark", "-i", "lo", "-f", f"tcp port {port}", "-w", str(self.pcap),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.procs.append(tshark)
        wait_for(lambda: "Capturing on" in tshark.stderr.readline(), 10, "tshark to capture")
        drain = ns.popen("/usr/bin/python3", "-c", DRAIN, str(port), str(self.stream),
                         stdout=subprocess.PIPE, text=True)
        self.procs.append(drain)
        wait_for(lambda: "listening" in drain.stdout.readline(), 10, "the BMP station to listen")

    def stop(self):
        for p in reversed(self.procs):
            terminate(p)
        self.procs = []

    def _received(self):
        """(type, message) of each whole BMP message received so far: the
        stream from the start of each connection, each message its common
        header (version, length, type) first."""
        data = self.stream.read_bytes() if self.stream.exists() else b""
        at = 0
        while at + 6 <= len(data):
            length, kind = struct.unpack_from("!IB", data, at + 1)
            message = data[at:at + length]
            if length < 6 or len(message) < length:
                return  # the rest is on its way
            yield kind, message
            at += length

    def route_monitoring(self, peer_asn, post_policy, holding):
        """How many Route Monitoring messages received so far are of
        `peer_asn`'s pre- or post-policy view and hold the octets `holding`
        (a MAC, say): after the common header, the per-peer header, the
        BGP message."""
        count = 0
        for kind, message in self._received():
            if kind == 0 and len(message) > 48:
                post = bool(message[7] & 0x40)
                asn = struct.unpack_from("!I", message, 32)[0]
                count += (asn, post) == (peer_asn, post_policy) and holding in message[48:]
        return count

    def largest_statistic(self, stat_type, afi, safi):
        """The largest per-AFI/SAFI gauge of `stat_type` (9: routes in an
        Adj-RIB-In, 10: in the Loc-RIB; RFC 7854 section 4.8) in the
        Statistics Reports received so far; 0 without one."""
        largest = 0
        for kind, message in self._received():
            if kind != 1 or len(message) < 52:
                continue
            count, at = struct.unpack_from("!I", message, 48)[0], 52
            for _ in range(count):
                if at + 4 > len(message):
                    break
                t, n = struct.unpack_from("!HH", message, at)
                if (t == stat_type and n == 11 and at + 15 <= len(message)
                        and struct.unpack_from("!HB", message, at + 4) == (afi, safi)):
                    largest = max(largest, struct.unpack_from("!Q", message, at + 7)[0])
                at += 4 + n
        return largest

    def messages(self):
        pdml = self.ns.exec("tshark", "-r", str(self.pcap), "-d", f"tcp.port=={self.port},bmp",
                            "-T", "pdml").stdout
        out = []
        for packet in ET.fromstring(pdml).iter("packet"):
            protos = packet.findall("proto")
            for i, proto in enumerate(protos):
                if proto.get("name") != "bmp":
                    continue
                m = _message(proto)
                # Wireshark marks what it could not read right after it.
                m.malformed = i + 1 < len(protos) and protos[i + 1].get("name") == "_ws.malformed"
                out.append(m)
        return out
