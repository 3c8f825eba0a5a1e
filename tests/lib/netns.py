"""Test hosts in network namespaces, and closbgpd daemons inside them.

Every namespace and process made here is torn down by the fixture that made
it, even when the test fails. Names carry the pid so parallel runs and
leftovers from a killed run never collide.
"""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

BUILD = Path(os.environ.get("CLOSBGP_BUILD", Path(__file__).resolve().parents[2] / "build"))
CLOSBGPD = os.environ.get("CLOSBGPD", str(BUILD / "bgpd" / "closbgpd"))
CLOSCTL = os.environ.get("CLOSCTL", str(BUILD / "bgpd" / "cli" / "closctl"))


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def terminate(proc, timeout=5):
    """SIGTERM, then SIGKILL if it has not exited within `timeout` s."""
    terminate_all([proc], timeout)
    return proc.returncode


def terminate_all(procs, timeout=5):
    """terminate() for many processes at once: every one is sent SIGTERM
    before any is waited for, so their shutdowns overlap (a thousand
    routers' graceful stops one after the other add up to minutes)."""
    running = [proc for proc in procs if proc.poll() is None]
    for proc in running:
        proc.terminate()
    deadline = time.monotonic() + timeout
    for proc in running:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Node:
    """Runs commands inside a network namespace: `enter` is the command
    prefix that gets there (`ip netns exec NAME`, or `mnexec -a PID` for a
    Mininet host), so peers and helpers work on either kind."""

    def __init__(self, name, enter):
        self.name, self.enter = name, enter

    def ip(self, *args, check=True):
        return self.exec("ip", *args, check=check)

    def exec(self, *cmd, check=True, **kw):
        return run(*self.enter, *cmd, check=check, **kw)

    def popen(self, *cmd, **kw):
        return subprocess.Popen([*self.enter, *cmd], **kw)


class Netns(Node):
    """A named network namespace with loopback up."""

    def __init__(self, name):
        name = f"{name}-{os.getpid()}"
        super().__init__(name, ["ip", "netns", "exec", name])
        run("ip", "netns", "add", self.name)
        self.ip("link", "set", "lo", "up")

    def delete(self):
        # Kill anything still running inside before removing the namespace.
        pids = run("ip", "netns", "pids", self.name, check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        run("ip", "netns", "del", self.name, check=False)


def veth(a, a_if, b, b_if):
    """A link between two namespaces, both ends up (IPv6 link-local on)."""
    tmp_a, tmp_b = f"va{os.getpid() % 100000}", f"vb{os.getpid() % 100000}"
    run("ip", "link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b)
    run("ip", "link", "set", tmp_a, "netns", a.name, "name", a_if)
    run("ip", "link", "set", tmp_b, "netns", b.name, "name", b_if)
    a.ip("link", "set", a_if, "up")
    b.ip("link", "set", b_if, "up")


def router_and_peers(netns_factory, peer_addresses, router="dut", peers="peers"):
    """A router namespace (192.0.2.1 on swp1) and a namespace holding every
    peer address (on eth0), on one link: for scripted neighbours."""
    router_ns, peers_ns = netns_factory(router), netns_factory(peers)
    veth(router_ns, "swp1", peers_ns, "eth0")
    router_ns.ip("addr", "add", "192.0.2.1/24", "dev", "swp1")
    for a in peer_addresses:
        peers_ns.ip("addr", "add", f"{a}/24", "dev", "eth0")
    return router_ns, peers_ns


def wait_for(predicate, timeout, what):
    """Polls until predicate() is truthy; fails with `what` after timeout s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def with_api_socket(config_text, socket_path):
    """The config with its own API socket, unless it names its own `grpc`:
    daemons of one test machine share the filesystem, so the default socket
    would be one for all."""
    if "grpc:" in config_text:
        return config_text
    return config_text.rstrip("\n") + f'\ngrpc: {{listen: "unix:{socket_path}"}}\n'


class Daemon:
    """closbgpd running in a namespace, with its log kept for failures."""

    def __init__(self, ns, config_text, tmp_path, name="closbgpd", api=None,
                 env=None, ctl_options=(), run_as=(), owner=None, options=(), log_level="debug"):
        """`api`: where closctl reaches it when the config names its own
        `grpc.listen`; otherwise its socket is NAME.sock in `tmp_path`.
        `ctl_options`: more closctl options for every call (TLS files).
        `run_as`: a command that runs it as another user (setpriv ...), who
        is then the `owner` of its config file. `options`: more closbgpd
        options (--log-format json). Tests log at debug level; benchmarks
        at info, as the other routers log by default."""
        self.api = api or f"unix:{tmp_path / name}.sock"
        self.ns, self.ctl_options = ns, list(ctl_options)
        self.config = tmp_path / f"{name}.yaml"
        self.write_config(config_text)
        if owner:
            shutil.chown(self.config, owner)
        self.config.chmod(0o600)  # it may hold an inline password: only its owner may read it
        self.log_path = tmp_path / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.proc = ns.popen(*run_as, CLOSBGPD, "--config", str(self.config), "--log-level", log_level,
                             *options,
                             stdout=self.log, stderr=subprocess.STDOUT,
                             env=None if env is None else {**os.environ, **env})

    def write_config(self, config_text):
        """Replaces its config file (for a reload), keeping its API socket."""
        self.config.write_text(with_api_socket(config_text, self.api.removeprefix("unix:")))

    def ctl(self, *args, check=True):
        return self.ns.exec(CLOSCTL, "--server", self.api, *self.ctl_options, *args, check=check)

    def ctl_json(self, *args):
        return json.loads(self.ctl("--json", *args).stdout)

    def wait_api(self, timeout=10):
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"closbgpd exited with {self.proc.returncode}:\n{self.log_text()}")
            return self.ctl("version", check=False).returncode == 0
        wait_for(up, timeout, "the API to answer")

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=5):
        if self.proc.poll() is None and sig != signal.SIGTERM:
            self.proc.send_signal(sig)
        terminate(self.proc, timeout)
        self.log.close()
        return self.proc.returncode


def metrics_text(ns):
    """closbgpd's Prometheus text (metrics: {listen: "127.0.0.1:9179"}) in `ns`."""
    code = ("import urllib.request\n"
            "print(urllib.request.urlopen('http://127.0.0.1:9179/metrics').read().decode())")
    return ns.exec("/usr/bin/python3", "-c", code).stdout


def drop_all(ns, interface):
    """Silent 100% loss on a link that stays up: an nftables table dropping
    everything in, out and forwarded on the interface."""
    rules = f"""table inet closbgp_loss {{
  chain input {{ type filter hook input priority -400; iifname "{interface}" drop; }}
  chain output {{ type filter hook output priority -400; oifname "{interface}" drop; }}
  chain forward {{ type filter hook forward priority -400; iifname "{interface}" drop; oifname "{interface}" drop; }}
}}
"""
    ns.exec("nft", "-f", "-", input=rules)


def restore(ns):
    ns.exec("nft", "delete", "table", "inet", "closbgp_loss")
