#!/usr/bin/python3
"""Checks the layering of docs/architecture.md: which folder may include
which, and that no two files include each other in a loop. Exits 1 and
names file, line and rule for every include that breaks them.

Usage: check_includes.py [ROOT]   (ROOT: the repository, default: this script's parent)
"""
import re
import sys
from pathlib import Path

# Each floor and what it may include besides itself (a folder, or one file).
# Lower floors first; nothing may include a floor above its own.
ALLOWED = {
    "bgpd/wire": [],
    "containers": ["bgpd/wire"],
    "bgpd/json": [],
    "bgpd/log": ["bgpd/json"],
    "bgpd/net": ["bgpd/asio.h"],
    "policy": ["bgpd/wire"],
    "rib": ["bgpd/wire", "containers", "policy"],
    "fib": ["bgpd/wire", "containers", "rib/route_update.h", "rib/evpn_kernel_update.h",
            "bgpd/log"],
    "bgpd/config": ["bgpd/wire", "policy", "bgpd/log"],
    "bgpd/bfd": ["bgpd/asio.h", "bgpd/log", "bgpd/net"],
    "bgpd/discovery": ["bgpd/asio.h", "bgpd/log", "bgpd/net"],
    "bgpd/evpn": ["bgpd/wire", "rib", "fib", "bgpd/log", "bgpd/net", "bgpd/asio.h"],
    "bgpd/session": ["bgpd/wire", "policy", "rib", "fib/fib.h", "bgpd/config", "bgpd/bfd",
                     "bgpd/discovery", "bgpd/log", "bgpd/net", "bgpd/asio.h"],
    "bgpd/bmp": ["bgpd/wire", "policy", "rib", "bgpd/session", "bgpd/config", "fib/fib.h",
                 "bgpd/log", "bgpd/net", "bgpd/asio.h", "bgpd/version.h"],
    "bgpd/mrt": ["bgpd/wire", "policy", "rib", "bgpd/session", "bgpd/config", "fib/fib.h",
                 "bgpd/log", "bgpd/asio.h"],
    "bgpd/api": ["bgpd/wire", "policy", "rib", "bgpd/session", "bgpd/config", "fib/fib.h",
                 "bgpd/log", "bgpd/asio.h", "bgpd/version.h", "bgpd/bmp", "bgpd/mrt",
                 "closbgp/v1"],
    "bgpd/cli": ["bgpd/wire", "policy", "bgpd/json", "bgpd/asio.h", "bgpd/version.h", "closbgp/v1"],
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def floor_of(path):
    """The longest ALLOWED key that `path` lies in, or None."""
    best = None
    for floor in ALLOWED:
        if path == floor or path.startswith(floor + "/"):
            if best is None or len(floor) > len(best):
                best = floor
    return best


def allowed(floor, target):
    if floor_of(target) == floor:
        return True
    return any(target == rule or target.startswith(rule + "/") for rule in ALLOWED[floor])


def sources(root):
    for top in ("bgpd", "containers", "policy", "rib", "fib"):
        for f in sorted((root / top).rglob("*")):
            if f.suffix in (".h", ".cpp") and f.is_file():
                yield f


def find_cycle(graph):
    """A list of files that include each other in a loop, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    errors = []
    graph = {}
    for f in sources(root):
        rel = f.relative_to(root).as_posix()
        floor = floor_of(rel)
        for number, line in enumerate(f.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if (root / target).is_file():
                graph.setdefault(rel, []).append(target)
            if floor is None or allowed(floor, target):
                continue
            errors.append(f"{rel}:{number}: includes {target}: {floor}/ may include only "
                          f"{', '.join(ALLOWED[floor]) or 'itself'} (docs/architecture.md)")
    cycle = find_cycle(graph)
    if cycle:
        errors.append("files include each other in a loop: " + " -> ".join(cycle))
    for e in errors:
        print(e)
    print(f"check_includes: {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
