"""Python code for the API, generated from bgp.proto at test time with
Debian's protoc and grpc_python_plugin."""
import subprocess
import sys
from pathlib import Path

PROTO = Path(__file__).resolve().parents[2] / "proto"


def generate(out):
    """Generates into the directory `out`, puts it on sys.path, and returns
    (bgp_pb2, bgp_pb2_grpc)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    subprocess.run(["protoc", f"-I{PROTO}", f"--python_out={out}", f"--grpc_out={out}",
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                    str(PROTO / "closbgp/v1/bgp.proto")], check=True)
    sys.path.insert(0, str(out))
    from closbgp.v1 import bgp_pb2, bgp_pb2_grpc
    return bgp_pb2, bgp_pb2_grpc
