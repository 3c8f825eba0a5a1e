"""A scripted BGP peer for tests: connects, brings the session up, sends the
messages given (hex, one per line in a file), then reports every
NOTIFICATION it receives as a JSON line on stdout until the session ends.

    raw_peer.py DUT_ADDRESS ASN ROUTER_ID MESSAGES_FILE
"""
import json
import socket
import struct
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


def main():
    dut, asn, rid, messages = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    sock = socket.create_connection((dut, 179), timeout=30)
    sock.sendall(open_message(asn, router_id_of(rid)))
    while True:  # the DUT's OPEN, then its KEEPALIVE: Established
        m = read_message(sock)
        if m is None:
            return
        if m[0] == 1:
            sock.sendall(message(4))
        if m[0] == 4:
            break
    print(json.dumps({"established": True}), flush=True)
    for line in Path(messages).read_text().split():
        sock.sendall(bytes.fromhex(line))
    while True:
        m = read_message(sock)
        if m is None:
            break
        if m[0] == 3:
            print(json.dumps({"code": m[1][0], "subcode": m[1][1], "data": m[1][2:].hex()}),
                  flush=True)
        if m[0] == 4:
            sock.sendall(message(4))


if __name__ == "__main__":
    main()
