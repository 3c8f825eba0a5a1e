#!/usr/bin/python3
"""Checks that the API stays compatible with a released version of it
(docs/api.md): within closbgp.v1 fields, messages, enum values and RPCs are
added, never renamed, renumbered, retyped or removed, so that a client
built against the release keeps working.

Usage: check_proto_compat.py RELEASED.proto CURRENT.proto
       check_proto_compat.py --self-test RELEASED.proto
(--self-test: each kind of incompatible change, made to a copy of the
release, must be reported.)"""
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2

FIELD = descriptor_pb2.FieldDescriptorProto


def load(proto):
    """The file's descriptor, compiled by protoc."""
    proto = Path(proto).resolve()
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        subprocess.run(["protoc", f"-I{proto.parent}", "-I/usr/include",
                        f"--descriptor_set_out={out.name}", proto.name],
                       cwd=proto.parent, check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(Path(out.name).read_bytes())
    return files.file[0]


def messages(file):
    """Every message by its full name, nested ones included."""
    out = {}

    def walk(prefix, msgs):
        for m in msgs:
            name = f"{prefix}.{m.name}"
            out[name] = m
            walk(name, m.nested_type)
    walk(file.package, file.message_type)
    return out


def enums(file):
    out = {f"{file.package}.{e.name}": e for e in file.enum_type}
    for name, m in messages(file).items():
        out.update({f"{name}.{e.name}": e for e in m.enum_type})
    return out


def field_shape(f):
    return (f.name, FIELD.Type.Name(f.type), f.type_name, FIELD.Label.Name(f.label),
            f.proto3_optional, f.oneof_index if f.HasField("oneof_index") else None)


def incompatibilities(old, new):
    problems = []
    if old.package != new.package:
        problems.append(f"package {old.package} became {new.package}")
    new_messages = messages(new)
    for name, m in messages(old).items():
        if name not in new_messages:
            problems.append(f"message {name} removed or renamed")
            continue
        now = {f.number: f for f in new_messages[name].field}
        for f in m.field:
            if f.number not in now:
                problems.append(f"{name}: field {f.number} ({f.name}) removed")
            elif field_shape(f) != field_shape(now[f.number]):
                problems.append(f"{name}: field {f.number} was {field_shape(f)}, "
                                f"is {field_shape(now[f.number])}")
    new_enums = enums(new)
    for name, e in enums(old).items():
        if name not in new_enums:
            problems.append(f"enum {name} removed or renamed")
            continue
        now = {v.number: v.name for v in new_enums[name].value}
        for v in e.value:
            if now.get(v.number) != v.name:
                problems.append(f"{name}: value {v.number} ({v.name}) is now {now.get(v.number)}")
    new_services = {s.name: {m.name: m for m in s.method} for s in new.service}
    for s in old.service:
        for m in s.method:
            now = new_services.get(s.name, {}).get(m.name)
            if now is None:
                problems.append(f"rpc {s.name}.{m.name} removed or renamed")
            elif (m.input_type, m.output_type, m.client_streaming, m.server_streaming) != (
                    now.input_type, now.output_type, now.client_streaming, now.server_streaming):
                problems.append(f"rpc {s.name}.{m.name} changed its request, response or streaming")
    return problems


# Each incompatible change the check must catch: (text to replace, replacement).
MUTATIONS = [
    ("  string prefix = 1;", "  string prefix_text = 1;"),             # a field renamed
    ("  uint32 local_as = 2;", "  uint64 local_as = 2;"),              # a field retyped
    ("  string git_commit = 2;", ""),                                   # a field removed
    ("  EVENT_KIND_BFD = 2;", "  EVENT_KIND_BFD = 7;"),                # an enum value renumbered
    ("rpc GetVersion(GetVersionRequest) returns (GetVersionResponse)",
     "rpc GetVersion(GetVersionRequest) returns (stream GetVersionResponse)"),  # streaming changed
]


def self_test(released):
    text = Path(released).read_text()
    old = load(released)
    assert not incompatibilities(old, old), "the release against itself"
    with tempfile.TemporaryDirectory() as tmp:
        for before, after in MUTATIONS:
            assert text.count(before) >= 1, f"the release has no {before!r}: update MUTATIONS"
            changed = Path(tmp) / "bgp.proto"
            changed.write_text(text.replace(before, after, 1))
            if not incompatibilities(old, load(changed)):
                print(f"check_proto_compat: missed {before!r} -> {after!r}", file=sys.stderr)
                return 1
    print(f"check_proto_compat: all {len(MUTATIONS)} incompatible changes caught")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    problems = incompatibilities(load(argv[1]), load(argv[2]))
    for p in problems:
        print(f"{argv[2]}: incompatible with {argv[1]}: {p}", file=sys.stderr)
    if not problems:
        print(f"check_proto_compat: {argv[2]} is compatible with {argv[1]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
