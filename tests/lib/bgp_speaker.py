"""A minimal BGP speaker for tests and benchmarks: builds messages (also
malformed ones) and runs asyncio servers inside a network namespace."""
import asyncio
import contextlib
import ctypes
import socket
import struct
import threading

MARKER = b"\xff" * 16
CLONE_NEWNET = 0x40000000


def message(kind, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def open_message(asn, router_id, hold=90, route_refresh=False):
    """OPEN with IPv4 unicast and the 4-octet AS capability (and route
    refresh, if asked)."""
    caps = bytes([1, 4, 0, 1, 0, 1]) + bytes([65, 4]) + struct.pack("!I", asn)
    if route_refresh:
        caps += bytes([2, 0])
    params = bytes([2, len(caps)]) + caps
    return message(1, struct.pack("!BHHIB", 4, min(asn, 23456), hold, router_id, len(params)) + params)


def update(withdrawn=b"", attributes=b"", nlri=b""):
    """An UPDATE from raw parts; lengths are filled in, contents are not checked."""
    body = (struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(attributes)) +
            attributes + nlri)
    return message(2, body)


def router_id_of(address):
    return struct.unpack("!I", socket.inet_aton(address))[0]


def enter_netns(name):
    """Moves the calling thread into a network namespace: a name (ip netns)
    or a path (/proc/PID/ns/net, e.g. a Mininet host's)."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open(name if name.startswith("/") else f"/var/run/netns/{name}") as f:
        if libc.setns(f.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")


def serve_in_netns(ns_name, handler, ready, stop, port=179, host="0.0.0.0"):
    """Runs an asyncio server with `handler(reader, writer)` in the namespace
    until `stop` is set. Call in a thread of its own."""
    enter_netns(ns_name)

    async def main():
        server = await asyncio.start_server(handler, host, port, backlog=4096)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        server.close()

    asyncio.run(main())


async def answer_keepalives(reader, writer):
    """Reads messages until the connection ends, answering KEEPALIVEs."""
    try:
        while True:
            head = await reader.readexactly(19)
            await reader.readexactly(struct.unpack("!H", head[16:18])[0] - 19)
            if head[18] == 4:
                writer.write(message(4))
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def prefix_nlri(prefix):
    """'10.1.0.0/24' as NLRI octets."""
    addr, length = prefix.split("/")
    length = int(length)
    return bytes([length]) + socket.inet_aton(addr)[:(length + 7) // 8]


def parse_nlri(data):
    out = []
    i = 0
    while i < len(data):
        length = data[i]
        n = (length + 7) // 8
        addr = data[i + 1:i + 1 + n] + bytes(4 - n)
        out.append(f"{socket.inet_ntoa(addr)}/{length}")
        i += 1 + n
    return out


def parse_as_path(value):
    """AS_PATH with four-octet ASes, flattened."""
    asns, i = [], 0
    while i < len(value):
        count = value[i + 1]
        asns += list(struct.unpack(f"!{count}I", value[i + 2:i + 2 + 4 * count]))
        i += 2 + 4 * count
    return asns


class ScriptedPeer:
    """A numbered IPv4 eBGP peer driven from a test: connects to the router
    from `local` inside namespace `ns_name`, announces and withdraws IPv4
    prefixes (itself as next hop), and keeps what it is sent: `routes`
    maps prefix to AS path, `withdrawn` and `announced` count withdrawals
    and announcements per prefix."""

    def __init__(self, ns_name, local, dut, asn):
        self.ns_name, self.local, self.dut, self.asn = ns_name, local, dut, asn
        self.routes, self.withdrawn, self.announced = {}, {}, {}
        self.communities = {}  # prefix -> COMMUNITIES values, as last sent
        self.notification = None  # (code, subcode) of a NOTIFICATION received
        self.lock = threading.Lock()
        established = threading.Event()
        self.sock = None

        def run():
            enter_netns(ns_name)
            self.sock = socket.create_connection((dut, 179), timeout=30, source_address=(local, 0))
            self.sock.sendall(open_message(asn, router_id_of(local), hold=0))
            buf = b""
            while True:
                try:
                    chunk = self.sock.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                while len(buf) >= 19 and len(buf) >= struct.unpack("!H", buf[16:18])[0]:
                    length = struct.unpack("!H", buf[16:18])[0]
                    kind, body, buf = buf[18], buf[19:length], buf[length:]
                    if kind == 1:
                        self.sock.sendall(message(4))
                    elif kind == 4:
                        established.set()
                    elif kind == 2:
                        self._update(body)
                    elif kind == 3:
                        self.notification = (body[0], body[1])

        threading.Thread(target=run, daemon=True).start()
        if not established.wait(30):
            raise AssertionError(f"{local}: no session")

    def _update(self, body):
        wlen = struct.unpack("!H", body[:2])[0]
        withdrawn = parse_nlri(body[2:2 + wlen])
        alen = struct.unpack("!H", body[2 + wlen:4 + wlen])[0]
        attrs, nlri = body[4 + wlen:4 + wlen + alen], parse_nlri(body[4 + wlen + alen:])
        path, communities, i = [], [], 0
        while i < len(attrs):
            flags, code = attrs[i], attrs[i + 1]
            size_len = 2 if flags & 0x10 else 1
            size = int.from_bytes(attrs[i + 2:i + 2 + size_len], "big")
            value = attrs[i + 2 + size_len:i + 2 + size_len + size]
            if code == 2:
                path = parse_as_path(value)
            elif code == 8:
                communities = list(struct.unpack(f"!{len(value) // 4}I", value))
            i += 2 + size_len + size
        with self.lock:
            for p in withdrawn:
                self.routes.pop(p, None)
                self.withdrawn[p] = self.withdrawn.get(p, 0) + 1
            for p in nlri:
                self.routes[p] = path
                self.announced[p] = self.announced.get(p, 0) + 1
                self.communities[p] = communities

    def announce(self, *prefixes, extra=b""):
        """`extra`: more path attributes, encoded, after ORIGIN, AS_PATH, NEXT_HOP."""
        attrs = (bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, 6, 2, 1]) + struct.pack("!I", self.asn) +
                 bytes([0x40, 3, 4]) + socket.inet_aton(self.local) + extra)
        self.sock.sendall(update(attributes=attrs, nlri=b"".join(prefix_nlri(p) for p in prefixes)))

    def withdraw(self, *prefixes):
        self.sock.sendall(update(withdrawn=b"".join(prefix_nlri(p) for p in prefixes)))

    def snapshot(self):
        with self.lock:
            return dict(self.routes), dict(self.withdrawn)

    def close(self):
        """Ends the session (FIN), even while the reader thread waits in recv."""
        if self.sock:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()


@contextlib.contextmanager
def scripted_router(dut_ns, peers_ns, config, tmp_path, peers, name="dut"):
    """closbgpd (192.0.2.1, see lib.netns.router_and_peers) with a
    ScriptedPeer for each (address, asn) of `peers`; yields the daemon and
    the peers, and stops them all on the way out, failed or not."""
    from lib.netns import Daemon
    with contextlib.ExitStack() as stack:
        d = Daemon(dut_ns, config, tmp_path, name)
        stack.callback(d.stop)
        d.wait_api()
        scripted = []
        for address, asn in peers:
            scripted.append(ScriptedPeer(peers_ns.name, address, "192.0.2.1", asn))
            stack.callback(scripted[-1].close)
        yield d, scripted
