"""A BMP collector that counts and throws away: for bench/bmp.py.

Listens on ADDRESS:PORT, reads every connection as fast as it can, and
counts bytes and messages by type (from the common headers). Prints
"ready" once listening; on each line "report" on stdin, one JSON line:
{"bytes", "messages", "types": {type: count}, "last": monotonic time of
the last byte, "connections"}.

    /usr/bin/python3 bench/bmp_sink.py --listen 10.0.2.2:1790
"""
import argparse
import json
import socket
import sys
import threading
import time

totals = {"bytes": 0, "messages": 0, "types": {}, "last": 0.0, "connections": 0}
lock = threading.Lock()


def serve(conn):
    pending = bytearray()
    while True:
        data = conn.recv(1 << 20)
        if not data:
            return
        pending += data
        at, types = 0, {}
        while at + 6 <= len(pending):
            length = int.from_bytes(pending[at + 1:at + 5], "big")
            if at + length > len(pending):
                break
            types[pending[at + 5]] = types.get(pending[at + 5], 0) + 1
            at += length
        del pending[:at]
        with lock:
            totals["bytes"] += len(data)
            totals["last"] = time.monotonic()
            for t, n in types.items():
                totals["types"][t] = totals["types"].get(t, 0) + n
                totals["messages"] += n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    server = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host.strip("[]"), int(port)))
    server.listen()

    def accept():
        while True:
            conn, _ = server.accept()
            with lock:
                totals["connections"] += 1
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "report":
            with lock:
                print(json.dumps(totals), flush=True)


if __name__ == "__main__":
    main()
