"""A scripted BGP peer for tests: connects, brings the session up, sends the
messages given (hex, one per line in a file), then reports every
NOTIFICATION and ROUTE-REFRESH it receives as a JSON line on stdout until
the session ends. With `route-refresh` its OPEN offers that capability. If
the first message given is an OPEN, it is sent instead of the peer's own.

    raw_peer.py DUT_ADDRESS ASN ROUTER_ID MESSAGES_FILE [route-refresh]

Tests start it with start() and read its reports with next_report().
"""
import json
import select
import socket
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lib.bgp_speaker import message, open_message, router_id_of  # noqa: E402


def read_message(sock):
    head = b""
    while len(head) < 19:
        chunk = sock.recv(19 - len(head))
        if not chunk:
            return None
        head += chunk
    length = struct.unpack("!H", head[16:18])[0]
    body = b""
    while len(body) < length - 19:
        chunk = sock.recv(length - 19 - len(body))
        if not chunk:
            return None
        body += chunk
    return head[18], body


def report_notification(body):
    print(json.dumps({"code": body[0], "subcode": body[1], "data": body[2:].hex()}), flush=True)


def main():
    dut, asn, rid, messages = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    messages = [bytes.fromhex(line) for line in Path(messages).read_text().split()]
    sock = socket.create_connection((dut, 179), timeout=30)
    if messages and messages[0][18] == 1:
        sock.sendall(messages.pop(0))
    else:
        sock.sendall(open_message(asn, router_id_of(rid),
                                  route_refresh="route-refresh" in sys.argv[5:]))
    while True:  # the DUT's OPEN, then its KEEPALIVE: Established
        m = read_message(sock)
        if m is None:
            return
        if m[0] == 3:
            return report_notification(m[1])
        if m[0] == 1:
            sock.sendall(message(4))
        if m[0] == 4:
            break
    print(json.dumps({"established": True}), flush=True)
    for m in messages:
        sock.sendall(m)
    while True:
        m = read_message(sock)
        if m is None:
            break
        if m[0] == 3:
            report_notification(m[1])
        if m[0] == 4:
            sock.sendall(message(4))
        if m[0] == 5:
            afi, safi = struct.unpack("!HxB", m[1][:4])
            print(json.dumps({"route_refresh": [afi, safi]}), flush=True)


def valid_attributes(asn=65002, next_hop="192.0.2.2"):
    """ORIGIN, AS_PATH and NEXT_HOP of a well-formed IPv4 route from the peer."""
    return (bytes.fromhex("40010100") + bytes.fromhex("4002060201") + struct.pack("!I", asn) +
            bytes.fromhex("400304") + socket.inet_aton(next_hop))


def start(peer_ns, tmp_path, messages, dut="192.0.2.1", asn=65002, router_id="10.0.0.2",
          route_refresh=False):
    """Runs the peer in `peer_ns` against `dut` with these messages (bytes)."""
    f = tmp_path / "messages.hex"
    f.write_text("\n".join(m.hex() for m in messages))
    args = ["/usr/bin/python3", __file__, dut, str(asn), router_id, str(f)]
    return peer_ns.popen(*args, *(["route-refresh"] if route_refresh else []),
                         stdout=subprocess.PIPE, text=True)


def next_report(peer, timeout=15):
    """The peer's next JSON line, failing (not hanging) after `timeout` s."""
    ready, _, _ = select.select([peer.stdout], [], [], timeout)
    assert ready, f"no report from the raw peer within {timeout} s"
    return json.loads(peer.stdout.readline())


if __name__ == "__main__":
    main()
