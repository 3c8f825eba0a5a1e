"""Calls closbgpd's ShowBgpSummary back to back until killed and prints one
line per call: the CLOCK_MONOTONIC start time and the latency in ms. The
argument is the daemon's API address (its unix:PATH socket). Generic gRPC
call: no generated Python code needed."""
import sys
import time

import grpc


def main():
    target = sys.argv[1]
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary("/closbgp.v1.BgpService/ShowBgpSummary",
                               request_serializer=lambda x: x, response_deserializer=lambda x: x)
    call(b"", timeout=10)  # connected before timing starts
    print("ready", flush=True)
    while True:
        t0 = time.monotonic()
        call(b"", timeout=30)
        print(f"{t0:.6f} {(time.monotonic() - t0) * 1000:.3f}", flush=True)


if __name__ == "__main__":
    main()
