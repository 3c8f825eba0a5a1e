"""A minimal BGP speaker for tests and benchmarks: builds messages (also
malformed ones) and runs asyncio servers inside a network namespace."""
import asyncio
import ctypes
import socket
import struct

MARKER = b"\xff" * 16
CLONE_NEWNET = 0x40000000


def message(kind, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def open_message(asn, router_id, hold=90):
    """OPEN with IPv4 unicast and the 4-octet AS capability."""
    caps = bytes([1, 4, 0, 1, 0, 1]) + bytes([65, 4]) + struct.pack("!I", asn)
    params = bytes([2, len(caps)]) + caps
    return message(1, struct.pack("!BHHIB", 4, min(asn, 23456), hold, router_id, len(params)) + params)


def update(withdrawn=b"", attributes=b"", nlri=b""):
    """An UPDATE from raw parts; lengths are filled in, contents are not checked."""
    body = (struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", len(attributes)) +
            attributes + nlri)
    return message(2, body)


def router_id_of(address):
    return struct.unpack("!I", socket.inet_aton(address))[0]


def announcements(count, asn, next_hop, attribute_sets=100):
    """UPDATEs announcing `count` IPv4 /24s from 11.0.0.0, about 1,000 per
    message, cycling through `attribute_sets` different MED values."""
    out = []
    prefixes_per_msg = 1000
    nh = socket.inet_aton(next_hop)
    for first in range(0, count, prefixes_per_msg):
        med = (first // prefixes_per_msg) % attribute_sets
        attrs = (bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, 6, 2, 1]) + struct.pack("!I", asn) +
                 bytes([0x40, 3, 4]) + nh + bytes([0x80, 4, 4]) + struct.pack("!I", med))
        nlri = bytearray()
        for i in range(first, min(first + prefixes_per_msg, count)):
            net = 0x0B000000 + (i << 8)
            nlri += bytes([24]) + struct.pack("!I", net)[:3]
        out.append(message(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + bytes(nlri)))
    return b"".join(out)


def enter_netns(name):
    """Moves the calling thread into a named network namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open(f"/var/run/netns/{name}") as f:
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
