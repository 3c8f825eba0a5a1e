"""The API's Unix socket: who may connect, what each role may call, and the
socket file's life (stale, taken, not a socket). Users and groups are made
for the test (names carry the pid) and removed afterwards, even on failure;
closctl runs as them through setpriv."""
import json
import os
import pwd
import shutil
import socket
import stat
from pathlib import Path

import pytest

from lib import api_stubs
from lib.netns import CLOSCTL, Daemon, run

pytestmark = pytest.mark.netns

BASE = "asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\n"


@pytest.fixture
def people():
    """A read group and a write group; a reader (read group), a writer
    (both) and an outsider (neither)."""
    tag = os.getpid() % 100000
    names = {"read": f"cbtr{tag}", "write": f"cbtw{tag}", "reader": f"cbtreader{tag}",
             "writer": f"cbtwriter{tag}", "outsider": f"cbtout{tag}", "daemon": f"cbtd{tag}"}
    users, groups = [], []
    try:
        for g in ("read", "write"):
            run("groupadd", names[g])
            groups.append(names[g])
        for user, member_of in (("reader", [names["read"]]),
                                ("writer", [names["read"], names["write"]]), ("outsider", []),
                                ("daemon", [])):
            extra = ["-G", ",".join(member_of)] if member_of else []
            run("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", *extra, names[user])
            users.append(names[user])
        yield names
    finally:
        for u in users:
            run("userdel", u, check=False)
        for g in groups:
            run("groupdel", g, check=False)


@pytest.fixture
def socket_dir():
    """A directory the test users may traverse (pytest's own are 0700)."""
    d = Path(f"/run/closbgp-test-{os.getpid()}")
    d.mkdir(mode=0o755)
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def as_user(d, user, *args):
    return d.ns.exec("setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}",
                     "--init-groups", CLOSCTL, "--server", d.api, *args, check=False)


@pytest.fixture
def served(netns_factory, tmp_path, people, socket_dir):
    sock = socket_dir / "api.sock"
    config = BASE + (f"grpc: {{listen: \"unix:{sock}\", group: {people['read']}, "
                     f"write-groups: [{people['write']}]}}\n")
    d = Daemon(netns_factory("apisock"), config, tmp_path, api=f"unix:{sock}")
    try:
        d.wait_api()
        yield d, people, sock
    finally:
        d.stop()


def test_readers_show_writers_steer_others_cannot_connect(served):
    d, people, sock = served
    st = os.stat(sock)
    assert stat.S_IMODE(st.st_mode) == 0o660
    assert st.st_gid == int(run("getent", "group", people["read"]).stdout.split(":")[2])

    assert as_user(d, people["reader"], "show", "bgp", "summary").returncode == 0
    refused = as_user(d, people["reader"], "drain")
    assert refused.returncode == 1 and "SetDrainState needs the write role" in refused.stderr
    assert d.ctl_json("show", "bgp", "summary")["drain_state"] == "live"
    reader_uid = pwd.getpwnam(people["reader"]).pw_uid
    assert f"refused SetDrainState to uid {reader_uid}" in d.log_text()

    assert as_user(d, people["writer"], "drain").returncode == 0
    assert d.ctl_json("show", "bgp", "summary")["drain_state"] == "drained"
    assert as_user(d, people["writer"], "undrain").returncode == 0

    outsider = as_user(d, people["outsider"], "version")
    assert outsider.returncode == 3 and f"permission denied on {sock}" in outsider.stderr
    assert "gRPC API listening on unix:" in d.log_text()


# Calls each RPC named in argv[2] (JSON: name -> server-streaming) with an
# empty request and prints the status code each got. Generic calls: no
# generated code for the test user to import.
PROBE = r"""
import json, sys, grpc
result = {}
with grpc.insecure_channel(sys.argv[1]) as ch:
    for name, streaming in json.loads(sys.argv[2]).items():
        kind = ch.unary_stream if streaming else ch.unary_unary
        call = kind(f'/closbgp.v1.BgpService/{name}', request_serializer=lambda x: x,
                    response_deserializer=lambda x: x)
        try:
            r = call(b'', timeout=2)
            if streaming:
                list(r)
            result[name] = 'OK'
        except grpc.RpcError as e:
            result[name] = e.code().name
print(json.dumps(result))
"""


def test_every_rpc_enforces_the_role_it_declares(served, tmp_path):
    """The roles come from bgp.proto's `access` option: a reader is refused
    exactly the WRITE RPCs, a writer none (its empty requests fail for
    other reasons, or change nothing)."""
    d, people, _ = served
    bgp_pb2, _ = api_stubs.generate(tmp_path / "stubs")
    methods = bgp_pb2.DESCRIPTOR.services_by_name["BgpService"].methods
    role = {m.name: m.GetOptions().Extensions[bgp_pb2.access] for m in methods}
    assert bgp_pb2.ACCESS_UNSPECIFIED not in role.values(), role
    streaming = json.dumps({m.name: m.server_streaming for m in methods})
    for user in (people["reader"], people["writer"]):
        r = d.ns.exec("setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}",
                      "--init-groups", "/usr/bin/python3", "-c", PROBE, d.api, streaming)
        codes = json.loads(r.stdout)
        assert codes.keys() == role.keys()
        for rpc, code in codes.items():
            must_refuse = user == people["reader"] and role[rpc] == bgp_pb2.ACCESS_WRITE
            assert (code == "PERMISSION_DENIED") == must_refuse, (user, rpc, code)
    assert d.ctl_json("show", "bgp", "summary")["drain_state"] == "live"


def test_an_unprivileged_daemon_gives_its_socket_to_its_group(netns_factory, people, socket_dir):
    """As the shipped unit runs it: its own user (DynamicUser), the socket's
    group as a supplementary group, only the capabilities it needs."""
    user = people["daemon"]
    runtime = socket_dir / "closbgpd"  # what RuntimeDirectory= makes
    runtime.mkdir(mode=0o755)
    shutil.chown(runtime, user)
    sock = runtime / "closbgpd.sock"
    config = BASE + (f"state-file: {runtime}/state\n"
                     f"grpc: {{listen: \"unix:{sock}\", group: {people['read']}}}\n")
    caps = "+net_admin,+net_raw,+net_bind_service"
    run_as = ["setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}",
              f"--groups={people['read']}", f"--inh-caps={caps}", f"--ambient-caps={caps}"]
    ns = netns_factory("apiuser")
    # A socket it may not connect to is not known to be stale: not removed.
    foreign = socket.socket(socket.AF_UNIX)
    foreign.bind(str(sock))
    foreign.close()
    os.chmod(sock, 0o600)
    refused = Daemon(ns, config, runtime, "refused", api=f"unix:{sock}", run_as=run_as, owner=user)
    assert refused.proc.wait(10) == 1
    refused.log.close()
    assert f"cannot tell whether the socket {sock} is stale" in refused.log_text()
    assert sock.exists()
    sock.unlink()
    d = Daemon(ns, config, runtime, api=f"unix:{sock}", run_as=run_as, owner=user)
    try:
        d.wait_api()
        st = os.stat(sock)
        assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o660, pwd.getpwnam(user).pw_uid)
        assert st.st_gid == int(run("getent", "group", people["read"]).stdout.split(":")[2])
        assert as_user(d, people["reader"], "show", "bgp", "summary").returncode == 0
        assert as_user(d, people["reader"], "drain").returncode == 1
        assert d.ctl("drain").returncode == 0  # root
    finally:
        d.stop()


def test_the_socket_file_stale_taken_or_foreign(netns_factory, tmp_path):
    ns = netns_factory("apifile")
    sock = tmp_path / "api.sock"
    config = BASE + f"grpc: {{listen: \"unix:{sock}\", group: cbt-no-such-group}}\n"

    # Left by a daemon that died: nothing answers, so it is replaced.
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(sock))
    s.close()
    first = Daemon(ns, config, tmp_path, "first", api=f"unix:{sock}")
    try:
        first.wait_api()
        log = first.log_text()
        assert f"removed the stale socket {sock}" in log
        # A group that does not exist: only root and the daemon's user.
        assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600
        assert "group 'cbt-no-such-group' does not exist, so the socket is 0600" in log

        # Taken by a live daemon (in another namespace: they share the
        # filesystem): the second one says so and exits.
        second = Daemon(netns_factory("apifile2"), config, tmp_path, "second", api=f"unix:{sock}")
        assert second.proc.wait(10) == 1
        second.log.close()
        assert f"another process answers on {sock}" in second.log_text()
        assert first.ctl("version").returncode == 0
    finally:
        first.stop()
    assert not sock.exists()  # removed at exit

    # Not a socket (a symlink planted there): never removed nor followed.
    target = tmp_path / "precious"
    target.write_text("keep me\n")
    sock.symlink_to(target)
    third = Daemon(ns, config, tmp_path, "third", api=f"unix:{sock}")
    assert third.proc.wait(10) == 1
    third.log.close()
    assert f"{sock} exists and is not a socket: not removing it" in third.log_text()
    assert sock.is_symlink() and target.read_text() == "keep me\n"
