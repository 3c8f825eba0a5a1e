"""closbgpd as a process: starts from a config inside a namespace, serves the
API there, rejects bad configs without touching the network, and stops
cleanly on SIGTERM."""
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from lib.netns import CLOSBGPD, CLOSCTL, Daemon, run, veth

pytestmark = pytest.mark.netns

LEAF = """
asn: 65101
router-id: 10.0.0.11
neighbors:
  - interface: swp1
    remote-as: external
  - address: 192.0.2.1
    remote-as: 65100
networks: [10.0.0.11/32, {prefix: 10.9.9.0/24, route-map: NEVER}]
route-maps:
  NEVER: [{seq: 10, action: deny}]
"""


def test_version_and_help_need_no_config():
    out = run(CLOSBGPD, "--version").stdout
    assert out.startswith("closbgpd ")
    assert "--config" in run(CLOSBGPD, "--help").stdout
    assert "show bgp summary" in run(CLOSCTL, "--help").stdout
    assert run(CLOSBGPD, "--bogus", check=False).returncode == 2
    assert run(CLOSCTL, "frobnicate", check=False).returncode == 2
    assert run(CLOSCTL, "--version").stdout.startswith("closctl ")  # no daemon needed


def test_closctl_types_like_vtysh():
    """Abbreviations, "did you mean", help at each level and bash completion,
    all without a daemon; a usage error is one line, not the whole help."""
    wrong = run(CLOSCTL, "shwo", "bgp", "summary", check=False)
    assert wrong.returncode == 2 and "did you mean show?" in wrong.stderr
    assert len(wrong.stderr.splitlines()) == 2
    assert "ambiguous: drain, dump, debug, decode" in run(CLOSCTL, "d", check=False).stderr
    assert "received-routes" in run(CLOSCTL, "sh", "b", "nei", "swp1", "?").stdout
    assert run(CLOSCTL, "complete", "sh", "bgp", "").stdout.split() == [
        "summary", "routes", "route", "nexthop", "evpn", "neighbors"]
    completion = Path(__file__).resolve().parents[2] / "packaging" / "closctl.bash-completion"
    script = (f'source {completion}; COMP_WORDS=(closctl --json sh b r); COMP_CWORD=4; '
              '_closctl; echo "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{Path(CLOSCTL).parent}:{os.environ['PATH']}"}
    assert subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                          env=env).stdout.split() == ["routes", "route"]


def test_convert_frr_reads_the_configs_the_fabric_tests_give_frr(tmp_path):
    """The FRR configs the interop tests run (lib/frr.py) convert to files
    closbgpd accepts, with only FRR's own lines (hostname, log) left out."""
    from lib.frr import unnumbered_config
    variants = {
        "plain": unnumbered_config("spine1", 65000, "10.0.0.1", ["swp1", "swp2"],
                                   networks=["10.0.0.1/32", "2001:db8::1/128"]),
        "policy": unnumbered_config("leaf1", 65101, "10.0.0.11", ["swp1"], bfd=True,
                                    ttl_security=True, accept=[("10.0.0.0/16", 32)],
                                    numbered=["192.0.2.1"], password="pw"),
    }
    for name, text in variants.items():
        frr_conf = tmp_path / f"{name}.conf"
        frr_conf.write_text(text)
        r = run(CLOSCTL, "convert-frr", str(frr_conf))
        untranslated = [l for l in r.stderr.splitlines() if l.startswith("not translated")]
        assert all(re.search(r": (hostname|log) ", l) for l in untranslated), untranslated
        converted = tmp_path / f"{name}.yaml"
        converted.write_text(r.stdout)
        converted.chmod(0o600)
        checked = run(CLOSBGPD, "--check", "--config", str(converted), check=False)
        assert checked.returncode == 0, (checked.stdout + checked.stderr, r.stdout)
    assert "ttl-security: true" in r.stdout and "route-map-in: FROM-FABRIC" in r.stdout
    assert "password: pw" in r.stdout and "bfd: true" in r.stdout


def test_daemon_serves_summary_in_its_namespace(netns_factory, tmp_path):
    leaf, spine = netns_factory("leaf"), netns_factory("spine")
    veth(leaf, "swp1", spine, "swp1")
    d = Daemon(leaf, LEAF, tmp_path, options=("--log-format", "json"))
    try:
        d.wait_api()
        summary = d.ctl_json("show", "bgp", "summary")
        assert summary["router_id"] == "10.0.0.11"
        assert summary["local_as"] == 65101
        peers = {p["interface"] or p["address"]: p for p in summary["peers"]}
        assert set(peers) == {"swp1", "192.0.2.1"}
        assert peers["swp1"]["remote_as_config"] == "external"
        assert peers["192.0.2.1"]["remote_as_config"] == "65100"
        table = d.ctl("show", "bgp", "summary").stdout
        assert "BGP router identifier 10.0.0.11, local AS number 65101" in table
        assert "swp1" in table
        # The API is bound inside the namespace only.
        assert spine.exec(CLOSCTL, "--timeout", "1", "version", check=False).returncode == 3
    finally:
        started = time.monotonic()
        rc = d.stop(signal.SIGTERM)
        elapsed = time.monotonic() - started
    assert rc == 0, d.log_text()
    assert elapsed < 2.0
    lines = [json.loads(line) for line in d.log_text().splitlines()]
    messages = [l["message"] for l in lines]
    assert "SIGTERM received: shutting down" in messages and "stopped" in messages
    # A line about a neighbour names it in its own field too.
    about_swp1 = [l for l in lines if l.get("neighbor") == "swp1"]
    assert about_swp1 and all(l["message"].startswith("swp1: ") for l in about_swp1), lines
    assert not any("neighbor" in l for l in lines if l["module"] == "main")
    # A line about a prefix names it in its field.
    denied = [l for l in lines if l.get("prefix") == "10.9.9.0/24"]
    assert denied and "denied by route-map NEVER" in denied[0]["message"], lines


def test_invalid_config_exits_without_listening(netns_factory, tmp_path):
    ns = netns_factory("bad")
    bad = tmp_path / "bad.yaml"
    bad.write_text("asn: 65101\nrouter-id: 10.0.0.11\nneighbors:\n  - interface: swp1\n")
    r = ns.exec(CLOSBGPD, "--config", str(bad), check=False)
    assert r.returncode == 1
    assert f"{bad}:4: neighbors[0].remote-as: is required" in r.stderr
    listening = ns.exec("ss", "-Htln").stdout
    assert listening.strip() == ""
    check = ns.exec(CLOSBGPD, "--check", "--config", str(bad), check=False)
    assert check.returncode == 1


def test_log_lines_for_journald_and_as_json(tmp_path):
    """Times in UTC; under journald (JOURNAL_STREAM names our stderr) each
    line starts with its syslog priority; --log-format json gives one
    object a line. An invalid config is enough to make the daemon log."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("asn: 65101\nrouter-id: 10.0.0.11\nbogus: 1\n")

    def log_of(*options, journal=False):
        path = tmp_path / "stderr.log"
        with open(path, "w") as err:
            st = os.fstat(err.fileno())
            env = {**os.environ, "JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"} if journal else None
            rc = subprocess.run([CLOSBGPD, "--config", str(bad), *options], stderr=err,
                                env=env).returncode
        assert rc == 1
        return path.read_text().splitlines()

    text = log_of()
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z config  error ", text[-1]), text
    assert all(line.startswith("<") for line in log_of(journal=True))
    assert log_of(journal=True)[-1].startswith("<3>")  # error
    lines = [json.loads(line) for line in log_of("--log-format", "json")]
    last = lines[-1]
    assert last["level"] == "error" and last["module"] == "config" and last["time"].endswith("Z")
    assert "bogus: unknown key" in last["message"]
    r = subprocess.run([CLOSBGPD, "--log-format", "xml", "--config", str(bad)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown log format 'xml'" in r.stderr


def test_ports_in_use_are_reported(netns_factory, tmp_path):
    ns = netns_factory("busy")
    # Something else holds the API port: the daemon says so and exits 1.
    squatter = ns.popen("/usr/bin/python3", "-c",
                        "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',50051)); "
                        "s.listen(); print('ready', flush=True); time.sleep(60)",
                        stdout=subprocess.PIPE, text=True)
    try:
        assert squatter.stdout.readline().strip() == "ready"
        d = Daemon(ns, LEAF + 'grpc: {listen: "127.0.0.1:50051", insecure: true}\n', tmp_path,
                   name="api-busy", api="127.0.0.1:50051")
        assert d.proc.wait(10) == 1
        d.log.close()
        assert "cannot listen on 127.0.0.1:50051" in d.log_text()
    finally:
        squatter.kill()
        squatter.wait()
    # A second daemon in the same namespace finds BFD's port (bound first) taken.
    first = Daemon(ns, LEAF, tmp_path, name="first")
    try:
        first.wait_api()
        second = Daemon(ns, LEAF, tmp_path, name="second")
        assert second.proc.wait(10) == 1
        second.log.close()
        assert "cannot bind BFD's UDP port 3784: Address already in use" in second.log_text()
    finally:
        first.stop()


def test_systemd_notify_ready_watchdog_reload_stopping(netns_factory, tmp_path):
    """Type=notify: READY=1 once serving, WATCHDOG=1 at half of
    WATCHDOG_USEC from the main loop, RELOADING=1 then READY=1 around a
    SIGHUP reload, STOPPING=1 at shutdown."""
    ns = netns_factory("notify")
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    d = Daemon(ns, "asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\n", tmp_path,
               env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "400000"})
    try:
        def next_message():
            return sock.recv(4096).decode()

        assert next_message().startswith("READY=1\nSTATUS=running")
        d.wait_api()
        start = time.monotonic()
        assert next_message() == "WATCHDOG=1"
        assert next_message() == "WATCHDOG=1"
        assert time.monotonic() - start < 1.5
        d.proc.send_signal(signal.SIGHUP)
        seen = [next_message() for _ in range(4)]
        assert "RELOADING=1" in seen and seen.index("READY=1") > seen.index("RELOADING=1"), seen
        d.proc.send_signal(signal.SIGTERM)
        while (m := next_message()) == "WATCHDOG=1":
            pass
        assert m == "STOPPING=1"
    finally:
        d.stop()
        sock.close()


def test_prometheus_metrics(netns_factory, tmp_path):
    ns = netns_factory("metrics")
    d = Daemon(ns, "asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\n"
               "metrics: {listen: \"127.0.0.1:9179\"}\nnetworks: [10.9.0.0/24]\n"
               "neighbors: [{address: 192.0.2.9, remote-as: 65009, description: \"edge \\\"1\\\"\"}]\n", tmp_path)
    try:
        d.wait_api()

        def get(path):
            code = ("import urllib.request, urllib.error, sys\n"
                    "try:\n"
                    f" r = urllib.request.urlopen('http://127.0.0.1:9179{path}', timeout=5)\n"
                    " print(r.status); print(r.headers['Content-Type']); print(r.read().decode())\n"
                    "except urllib.error.HTTPError as e:\n"
                    " print(e.code)\n")
            return ns.exec("/usr/bin/python3", "-c", code).stdout

        out = get("/metrics")
        assert out.startswith("200\ntext/plain; version=0.0.4"), out
        assert '# TYPE closbgp_peer_established gauge' in out
        assert 'closbgp_info{router_id="10.0.0.11",local_as="65101",drain_state=' in out
        assert 'closbgp_peer_established{peer="192.0.2.9"} 0' in out
        # A description labels one info series (escaped), not every sample.
        assert 'closbgp_peer_info{peer="192.0.2.9",description="edge \\"1\\""} 1' in out, out
        assert 'closbgp_rib_prefixes{afi_safi="ipv4-unicast"} 1' in out
        assert 'closbgp_rib_prefixes{afi_safi="ipv6-unicast"} 0' in out
        assert 'closbgp_build_info{version="' in out and 'closbgp_peer_transitions_total' in out
        assert sum(f'closbgp_drain_state{{state="{s}"}} 1' in out
                   for s in ("live", "drained", "warm")) == 1
        for name in ("process_resident_memory_bytes", "process_cpu_seconds_total",
                     "process_start_time_seconds"):
            value = float(next(line for line in out.splitlines() if line.startswith(name + " "))
                          .split()[1])
            assert value > 0, name
        assert "closbgp_rib_attribute_sets 1" in out  # the one network's
        assert 'closbgp_peer_rfc7606_events_total{peer="192.0.2.9"} 0' in out
        assert 'closbgp_peer_updates_filtered_total{peer="192.0.2.9"} 0' in out
        assert 'closbgp_peer_max_prefix_exceeded{peer="192.0.2.9"} 0' in out
        for family in ("ipv4-unicast", "ipv6-unicast"):
            assert f'closbgp_peer_prefixes_received{{peer="192.0.2.9",afi_safi="{family}"}} 0' in out
        assert get("/other").startswith("404")
    finally:
        d.stop()
