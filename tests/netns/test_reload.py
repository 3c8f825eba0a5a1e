"""Configuration reload (closctl config reload, and SIGHUP) against a live
closbgpd with two scripted eBGP neighbours: only the difference is applied,
sessions stay up, an invalid file or a change that needs a restart changes
nothing, a removed neighbour gets Cease / Peer De-configured."""
import signal
import time

import pytest

from lib.bgp_speaker import ScriptedPeer
from lib.netns import CLOSCTL, Daemon, router_and_peers, wait_for

pytestmark = pytest.mark.netns

A, B = "192.0.2.2", "192.0.2.3"
BASE = """asn: 65000
router-id: 10.0.0.1
fib: {enabled: false}
neighbors:
  - {address: 192.0.2.2, remote-as: 65001}
  - {address: 192.0.2.3, remote-as: 65002%s}
networks: [10.50.0.0/24%s]
"""
POLICY = """prefix-lists:
  FROM-A: [{permit: 10.60.0.0/24}]
route-maps:
  TO-B:
    - {action: deny, match: {prefix-list: FROM-A}}
    - {action: permit}
"""


@pytest.fixture
def router(netns_factory, tmp_path):
    dut_ns, peers_ns = router_and_peers(netns_factory, (A, B))
    d = Daemon(dut_ns, BASE % ("", ""), tmp_path, "dut")
    d.wait_api()
    peers = {}
    try:
        peers[A] = ScriptedPeer(peers_ns.name, A, "192.0.2.1", 65001)
        peers[B] = ScriptedPeer(peers_ns.name, B, "192.0.2.1", 65002)
        yield d, peers[A], peers[B]
    finally:
        for p in peers.values():
            p.close()
        d.stop()


def established(d):
    return {p["address"]: int(p["uptime_seconds"]) for p in d.ctl_json("show", "bgp", "summary")["peers"]
            if p["state"] == "established"}


def test_a_neighbours_description_and_own_timers(router):
    """description is shown at once and restarts nothing; a neighbour's own
    timers restart its session only, which then runs with them."""
    d, a, b = router
    wait_for(lambda: len(established(d)) == 2, 10, "both sessions")
    time.sleep(1.1)
    before = established(d)
    d.write_config(BASE % (', description: "spine B", timers: {hold: 30}', ""))
    out = d.ctl("config", "reload").stdout
    assert "neighbor 192.0.2.3: description 'spine B'" in out, out
    assert "neighbor 192.0.2.3 restarted" in out and "192.0.2.2" not in out, out
    wait_for(lambda: b.notification == (6, 6), 10, "Cease / Other Configuration Change at B")
    b2 = ScriptedPeer(b.ns_name, B, b.dut, b.asn)
    try:
        wait_for(lambda: B in established(d), 10, "B back")
        # (Its hold time is the smaller of both: the scripted peer offers 0;
        # unit session/peer_config_test.cpp checks the timers it offers.)
        assert d.ctl_json("show", "bgp", "neighbors", B)["description"] == "spine B"
        assert established(d)[A] >= before[A]  # A untouched
        d.write_config(BASE % (', description: "spine B, rack 2", timers: {hold: 30}', ""))
        out = d.ctl("config", "reload").stdout
        assert "description 'spine B, rack 2'" in out and "restarted" not in out, out
        summary = {p["address"]: p for p in d.ctl_json("show", "bgp", "summary")["peers"]}
        assert summary[B]["description"] == "spine B, rack 2" and summary[A]["description"] == ""
        assert "spine B, rack 2" in d.ctl("show", "bgp", "summary").stdout
        assert b2.notification is None
    finally:
        b2.close()


def test_reload_applies_only_the_difference(router):
    d, a, b = router
    a.announce("10.60.0.0/24")
    wait_for(lambda: "10.60.0.0/24" in b.snapshot()[0] and "10.50.0.0/24" in b.snapshot()[0], 10,
             "the initial routes at b")
    time.sleep(1.1)
    before = established(d)
    assert set(before) == {A, B}

    # New policy on b's session and a new network: b loses a's prefix and
    # gains the network; neither session restarts.
    d.write_config(POLICY + BASE % (", route-map-out: TO-B", ", 10.51.0.0/24"))
    out = d.ctl("config", "reload").stdout
    assert "neighbor 192.0.2.3: policy re-applied" in out, out
    assert "network 10.51.0.0/24 originated" in out, out
    assert "neighbor 192.0.2.2" not in out, out
    wait_for(lambda: "10.60.0.0/24" not in b.snapshot()[0], 10, "a's prefix withdrawn from b")
    wait_for(lambda: "10.51.0.0/24" in b.snapshot()[0] and "10.51.0.0/24" in a.snapshot()[0], 10,
             "the new network at a and b")
    after = established(d)
    assert set(after) == {A, B} and all(after[x] >= before[x] for x in after), (before, after)
    assert a.notification is None and b.notification is None

    # An invalid file changes nothing and says where.
    d.write_config(POLICY + BASE % (", route-map-out: TO-B", "") + "bogus: 1\n")
    r = d.ctl("config", "reload", check=False)
    assert r.returncode == 1 and "dut.yaml:" in r.stderr and "bogus" in r.stderr, r.stderr
    # A change the running daemon cannot make changes nothing either.
    d.config.write_text((POLICY + BASE % ("", "")).replace("asn: 65000", "asn: 65009"))
    r = d.ctl("config", "reload", check=False)
    assert r.returncode == 1 and "asn changed" in r.stderr, r.stderr
    time.sleep(0.5)
    assert "10.51.0.0/24" in b.snapshot()[0] and "10.60.0.0/24" not in b.snapshot()[0]
    assert set(established(d)) == {A, B}

    # Validation alone, of another file: closctl reads it, the daemon checks the text.
    other = d.config.with_name("other.yaml")
    other.write_text("asn: 1\nrouter-id: 10.0.0.9\nneighbors: [{address: 192.0.2.9}]\n")
    r = d.ctl("config", "validate", str(other), check=False)
    assert r.returncode == 1 and "other.yaml:3" in r.stderr and "remote-as" in r.stderr, r.stderr
    assert "valid" in d.ctl("config", "validate").stdout
    # A file the caller may not read is not read for it by the daemon: the
    # caller's own error, and the daemon never hears of the file.
    secret = d.config.with_name("secret.yaml")
    secret.write_text("asn: 1\n")
    secret.chmod(0o600)
    r = d.ns.exec("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", CLOSCTL,
                  "--server", d.api, "config", "validate", str(secret), check=False)
    assert r.returncode == 2 and "Permission denied" in r.stderr, r.stderr
    assert "secret.yaml" not in d.log_text()

    # Removing a neighbour: Cease / Peer De-configured (6/3); its routes go.
    # SIGHUP does the same as closctl config reload.
    d.write_config(BASE.replace("  - {address: 192.0.2.2, remote-as: 65001}\n", "") % ("", ""))
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: a.notification == (6, 3), 10, "Cease / Peer De-configured at a")
    wait_for(lambda: [p["address"] for p in d.ctl_json("show", "bgp", "summary")["peers"]] == [B], 10,
             "only b left")
    wait_for(lambda: "10.51.0.0/24" not in b.snapshot()[0], 10, "the removed network withdrawn")
    assert "reload: neighbor 192.0.2.2 removed" in d.log_text()


def test_running_config_reads_back_and_log_levels_change_at_run_time(router):
    """show running-config: the effective configuration with no secret in it;
    fed back as the file, a reload finds nothing to change. closctl debug
    changes a module's level at once; a reload that changes `logging` sets
    the configured levels again."""
    d, a, b = router
    wait_for(lambda: len(established(d)) == 2, 10, "both sessions")
    secret = "not-for-your-eyes"
    d.write_config((BASE % ("", "")).replace(
        "networks:", f"  - {{address: 192.0.2.9, remote-as: 65009, password: {secret}}}\nnetworks:"))
    assert "neighbor 192.0.2.9 added" in d.ctl("config", "reload").stdout
    shown = d.ctl("show", "running-config").stdout
    assert secret not in shown and "password: <hidden>" in shown, shown
    assert f"from {d.config}" in shown.splitlines()[0], shown
    for line in ("asn: 65000", "hold: 9", "remote-as: 65002", "stale-time: 360", "level: info"):
        assert line in shown, (line, shown)
    assert secret not in d.ctl("--json", "show", "running-config").stdout
    d.config.write_text(shown.replace("<hidden>", secret))
    assert d.ctl("config", "reload").stdout.strip() == "no changes"

    assert d.ctl("debug", "session", "warn").stdout.strip() == "session: warn (was debug)"
    wait_for(lambda: "log level session: warn (was debug) set by" in d.log_text(), 5, "the change logged")
    r = d.ctl("debug", "zebra", "debug", check=False)
    assert r.returncode == 1 and "unknown module 'zebra': api, bfd, bmp, config, evpn, fib, main, mrt, session or all" in r.stderr, r.stderr
    r = d.ctl("debug", "session", "loud", check=False)
    assert r.returncode == 1 and "unknown level 'loud'" in r.stderr, r.stderr
    assert d.ctl("deb", "all", "info").stdout.strip() == "all: info (was debug)"
    d.config.write_text(shown.replace("<hidden>", secret).replace("level: info", "level: warn\n  modules: {session: debug}"))
    assert "log level warn, session debug" in d.ctl("config", "reload").stdout
    assert d.ctl("debug", "session", "info").stdout.strip() == "session: info (was debug)"
    assert d.ctl("debug", "fib", "info").stdout.strip() == "fib: info (was warn)"


def test_reload_with_confirm_rolls_back_unless_confirmed(router):
    """config reload --confirm: applied at once, undone when the time runs
    out (the neighbours see the withdrawal); confirmed, it stays."""
    d, a, b = router
    wait_for(lambda: "10.50.0.0/24" in b.snapshot()[0], 10, "the initial network at b")
    r = d.ctl("config", "confirm", check=False)
    assert r.returncode == 1 and "nothing to confirm" in r.stderr, r.stderr

    d.write_config(BASE % ("", ", 10.52.0.0/24"))
    out = d.ctl("config", "reload", "--confirm", "2").stdout
    assert "network 10.52.0.0/24 originated" in out, out
    assert "rolls back in 2 s unless confirmed (closctl config confirm)" in out, out
    wait_for(lambda: "10.52.0.0/24" in b.snapshot()[0], 5, "the new network at b")
    wait_for(lambda: "10.52.0.0/24" not in b.snapshot()[0], 10, "the network withdrawn by the rollback")
    log = d.log_text()
    assert "reload was not confirmed in time: rolling back" in log, log[-2000:]
    assert f"{d.config} still holds the unconfirmed configuration" in log
    assert "10.52.0.0/24" not in d.ctl("show", "running-config").stdout

    out = d.ctl("conf", "rel", "--confirm", "30").stdout
    assert "network 10.52.0.0/24 originated" in out, out
    # A plain reload meanwhile keeps the pending rollback, and says so.
    assert "an earlier reload still rolls back in" in d.ctl("config", "reload").stdout
    assert d.ctl("config", "confirm").stdout.strip() == "confirmed: the running configuration stays"
    assert "10.52.0.0/24" in d.ctl("show", "running-config").stdout
    for bad in (["--confirm"], ["--confirm", "0"], ["--confirm", "soon"]):
        r = d.ctl("config", "reload", *bad, check=False)
        assert r.returncode == 2 and "--confirm SECONDS" in r.stderr, (bad, r.stderr)
    assert set(established(d)) == {A, B}
